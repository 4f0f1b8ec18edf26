// Who may talk to Kie when. Two lanes, so polling never waits behind a queue of submissions:
// - submissions: at most `submitPerWindow` in any sliding `submitWindowMs` (Kie: 20 per 10 s per account,
//   HTTP 429 beyond, not queued). A bottleneck limiter with maxConcurrent 1 keeps admissions in order and
//   queues them (never drops); the SlidingWindow decides when each may go (see window.ts for why a
//   reservoir alone is not enough).
// - reads (record-info, credits, uploads): a few at a time, and at most `readsPerSecondPerTask` record-info
//   queries per task in any second (Kie allows 3). Again a sliding window rather than bottleneck's minTime,
//   which spaces planned starts, not actual ones: a late timer lets the next job start early.
import Bottleneck from 'bottleneck';
import type { Clock } from '../core/ports.js';
import { ClosedError, SlidingWindow } from './window.js';

export type Lane = { kind: 'submit' } | { kind: 'task'; taskId: string } | { kind: 'other' };

/**
 * Decides when the next submission may leave. The default is this process's SlidingWindow; several
 * instances sharing one Kie account inject a shared one (src/cluster/), since Kie counts per account.
 */
export interface SubmitGate {
  /**
   * Resolve when one more submission fits, and count it. `wait` sleeps and returns early once the client
   * closes; then `isClosed()` is true and the gate throws ClosedError. Called one at a time per client.
   */
  acquire(wait: (ms: number) => Promise<void>, isClosed: () => boolean): Promise<void>;
  /** After a 429 every queued submission waits, not only the one that was refused. */
  holdUntil(timeMs: number): void;
  /** Release its connections; the client that was given the gate calls it when it closes. */
  close?(): Promise<void>;
}

export interface LimitsOptions {
  submitPerWindow: number;
  submitWindowMs: number;
  readsPerSecondPerTask: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** A gate shared with other instances; without it, the in-process window. */
  submitGate?: SubmitGate;
}

export class KieLimits {
  private readonly submitLimiter = new Bottleneck({ maxConcurrent: 1 });
  private readonly readLimiter = new Bottleneck({ maxConcurrent: 4 });
  private readonly submitWindow: SubmitGate;
  private readonly taskWindows = new Map<string, SlidingWindow>();
  private isClosed = false;
  private onClose!: () => void;
  private readonly closing = new Promise<void>((resolve) => (this.onClose = resolve));
  submissionsSent = 0;

  constructor(private readonly o: LimitsOptions) {
    this.submitWindow = o.submitGate ?? new SlidingWindow(o.submitPerWindow, o.submitWindowMs, o.clock, this.wait, () => this.isClosed);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sleep that ends early when the client closes. */
  readonly wait = (ms: number): Promise<void> => Promise.race([this.o.sleep(ms), this.closing]);

  /** Run `fn` in its lane. Rejects with ClosedError (or bottleneck's error) once closed. */
  async run<R>(lane: Lane, fn: () => Promise<R>): Promise<R> {
    if (lane.kind === 'other') return this.readLimiter.schedule(fn);
    if (lane.kind === 'task') {
      const window = this.taskWindow(lane.taskId);
      return this.readLimiter.schedule(async () => {
        await window.acquire();
        return fn();
      });
    }
    // The request starts inside the limiter's job, in the same tick as its admission (so the window records
    // when it really left), but is not awaited there: one slow answer must not hold up the queue.
    const started = await this.submitLimiter.schedule(async () => {
      await this.submitWindow.acquire(this.wait, () => this.isClosed);
      if (this.isClosed) throw new ClosedError();
      this.submissionsSent++;
      const response = fn();
      response.catch(() => undefined); // the caller awaits it just below; this only covers the interim
      return { response };
    });
    return started.response;
  }

  /** After a 429 every queued submission waits, not only the one that was refused. */
  holdSubmissions(untilMs: number): void {
    this.submitWindow.holdUntil(untilMs);
  }

  submitQueued(): number {
    const c = this.submitLimiter.counts();
    return c.RECEIVED + c.QUEUED + c.RUNNING + c.EXECUTING;
  }

  /** Refuse new work, cut waits short, stop both limiters (queued jobs are rejected, never run). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClose();
    await Promise.all([this.submitLimiter, this.readLimiter].map((l) => l.stop({ dropWaitingJobs: true }).catch(() => undefined)));
    await this.o.submitGate?.close?.();
  }

  private taskWindow(taskId: string): SlidingWindow {
    let window = this.taskWindows.get(taskId);
    if (!window) {
      // Only recent tasks matter; forget the oldest so the map stays small.
      if (this.taskWindows.size >= 1_000) this.taskWindows.delete(this.taskWindows.keys().next().value!);
      window = new SlidingWindow(this.o.readsPerSecondPerTask, 1_000, this.o.clock, this.wait, () => this.isClosed);
      this.taskWindows.set(taskId, window);
    }
    return window;
  }
}

export const isClosedError = (err: unknown): boolean => err instanceof ClosedError || err instanceof Bottleneck.BottleneckError;
