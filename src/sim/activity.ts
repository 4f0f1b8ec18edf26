// Everything the simulator does later (a scheduled stage, a callback in flight, a retry) is counted here,
// so `control.close()` can stop it all and `control.settled()` can tell a benchmark when the work is done.
import { setMaxListeners } from 'node:events';
import type { SetTimer } from './options.js';

/**
 * One signal serves every callback in flight, and undici adds an abort listener per request (removed when it
 * ends): a dozen stems calling back at once is normal, not the leak Node's default warning at 10 suspects.
 */
function sharedController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

export class Activity {
  private readonly cancels = new Set<() => void>();
  private busy = 0;
  private waiters: (() => void)[] = [];
  private abort = sharedController();

  constructor(private readonly setTimer: SetTimer) {}

  /** Aborted by `stopAll()`: in-flight callbacks pass it to undici. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Runs `fn` after `ms` unless stopped first. */
  later(ms: number, fn: () => void): void {
    this.busy++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.cancels.delete(cancel);
      this.release();
    };
    const cancelTimer = this.setTimer(() => {
      if (done) return;
      try {
        fn();
      } finally {
        finish();
      }
    }, ms);
    const cancel = () => {
      cancelTimer();
      finish();
    };
    this.cancels.add(cancel);
  }

  /** Counts a promise as outstanding work until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.busy++;
    return work.finally(() => this.release());
  }

  /** Resolves once no timer is pending and no tracked work is outstanding. */
  settled(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Cancels every pending timer and aborts in-flight requests; a fresh signal serves later work. */
  stopAll(): void {
    for (const cancel of [...this.cancels]) cancel();
    this.abort.abort();
    this.abort = sharedController();
  }

  private release(): void {
    this.busy--;
    if (this.busy > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
