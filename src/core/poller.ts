// Polling: the fallback when no callback comes (and the only source when PUBLIC_URL is unset). Each due
// job is claimed by pushing its next poll forward, read through record-info, and the answer becomes the
// same JobEvent a callback would have produced.
import { PeriodicPass } from './periodic-pass.js';
import type { Clock, JobStore, KiePort } from './ports.js';
import type { Job, JobEvent } from './types.js';

export interface PollerOptions {
  store: JobStore;
  kie: KiePort;
  clock: Clock;
  ingest: (job: Job, event: JobEvent) => Promise<unknown>;
  intervalMs: number;
  maxAgeMs: number;
  /** Kie saying it does not know the task fails the job once the task is older than this (a new task may not be readable yet). */
  taskNotFoundGraceMs: number;
  tickMs: number;
  batch: number;
  log: { warn(obj: object, msg: string): void };
  onPoll?: (outcome: 'event' | 'pending' | 'error' | 'gave_up') => void;
}

export class Poller {
  private readonly loop: PeriodicPass;

  constructor(private readonly o: PollerOptions) {
    this.loop = new PeriodicPass(() => this.pass(), o.tickMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over due jobs; overlapping calls share the pass in progress. */
  tick(): Promise<void> {
    return this.loop.tick();
  }

  private async pass(): Promise<void> {
    const now = this.o.clock.now();
    const due = await this.o.store.claimDuePolls(now, now + this.o.intervalMs, this.o.batch);
    await Promise.all(due.map((job) => this.pollOne(job, now)));
  }

  private async pollOne(job: Job, now: number): Promise<void> {
    if (now - (job.submittedAt ?? job.createdAt) > this.o.maxAgeMs) {
      await this.o.ingest(job, { taskId: job.taskId!, source: 'stembot', stage: 'failed', code: 'POLL_GAVE_UP' });
      this.o.onPoll?.('gave_up');
      return;
    }
    const r = await this.o.kie.poll(job.kind, job.taskId!);
    if (!r.ok && r.code === 'KIE_TASK_NOT_FOUND' && now - (job.submittedAt ?? job.createdAt) >= this.o.taskNotFoundGraceMs) {
      // Kie will never know it again (lost in a restart, or past its retention): waiting hours helps nobody.
      await this.o.ingest(job, { taskId: job.taskId!, source: 'poll', stage: 'failed', code: 'KIE_TASK_NOT_FOUND', ...(r.detail ? { detail: r.detail } : {}) });
      this.o.onPoll?.('gave_up');
      return;
    }
    if (!r.ok) {
      this.o.log.warn({ jobId: job.id, code: r.code, detail: r.detail }, 'poll failed; will try again');
      this.o.onPoll?.('error');
      return;
    }
    if (!r.value) {
      this.o.onPoll?.('pending');
      return;
    }
    await this.o.ingest(job, r.value);
    this.o.onPoll?.('event');
  }
}
