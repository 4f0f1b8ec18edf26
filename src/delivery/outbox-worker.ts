// Runs outbox work: claims items with a lease, runs the step for each, and retries failures with
// exponential backoff and jitter. Work lives in the store, so a restart picks up where it stopped.
import { randomBytes } from 'node:crypto';
import type { ChatPorts, JobStore, OutboxItem } from '../core/ports.js';
import type { Job } from '../core/types.js';
import { deliver, type DeliverDeps } from './deliver.js';
import { backoffMs, type StepResult } from './step-result.js';
import { notifyFailure, notifyUnconfirmed, openConversation, refreshStatus, submitToKie, type StepDeps } from './small-steps.js';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxWorkerOptions {
  store: JobStore;
  chat: ChatPorts;
  steps: StepDeps;
  delivery: DeliverDeps;
  now: () => number;
  log: WorkerLog;
  tickMs: number;
  leaseMs: number;
  concurrency: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
  onStep?: (item: OutboxItem, job: Job, result: StepResult) => void;
}

export class OutboxWorker {
  readonly id = `w-${process.pid}-${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Until `start()`, nothing runs: a stembot started without its worker must not be woken into work. */
  private stopping = true;
  private again = false;
  private current: Promise<void> = Promise.resolve();

  constructor(private readonly o: OutboxWorkerOptions) {}

  start(): void {
    this.stopping = false;
    this.timer = setInterval(() => this.wake(), this.o.tickMs);
    this.timer.unref();
    this.wake();
  }

  /** Run now (new work arrived) instead of waiting for the next tick. */
  wake(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.loop().finally(() => (this.running = false));
  }

  /** Stop claiming; wait for steps in flight (they finish or stay in the outbox for the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const items = await this.o.store.claimOutbox(this.id, this.o.now(), this.o.leaseMs, this.o.concurrency);
        await Promise.all(items.map((item) => this.run(item)));
        if (items.length > 0) this.again = true;
        // Let the event loop breathe between passes: steps that fail without I/O must not starve the server.
        await new Promise((r) => setImmediate(r));
      } catch (e) {
        this.o.log.error({ err: e }, 'outbox tick failed');
      }
    } while (this.again && !this.stopping);
  }

  private async run(item: OutboxItem): Promise<void> {
    const job = await this.o.store.getJob(item.jobId);
    const log = { jobId: item.jobId, step: item.kind, attempt: item.attempts };
    let result: StepResult;
    // A step may outlast its lease (a submission queued behind Kie's rate limit, a slow download): renew the
    // lease while it runs, so no other instance takes over work that is still alive.
    const renew = setInterval(() => {
      this.o.store.extendLease(item.id, this.id, this.o.now() + this.o.leaseMs).catch((err) => this.o.log.warn({ ...log, err }, 'lease renewal failed'));
    }, Math.max(50, Math.floor(this.o.leaseMs / 3)));
    try {
      result = job ? await this.step(item, job) : { ok: false, retry: false, error: 'job not found' };
    } catch (e) {
      // A thrown error is an infrastructure fault or a bug: retry it like a transient failure.
      result = { ok: false, retry: true, error: e instanceof Error ? e.message : String(e) };
    } finally {
      clearInterval(renew);
    }
    if (job) this.o.onStep?.(item, job, result);
    if (result.ok) {
      await this.o.store.completeOutbox(item.id, this.id);
      return;
    }
    const retry = result.retry && item.attempts < this.o.maxAttempts;
    const delay = Math.max(result.retryAfterMs ?? 0, backoffMs(item.attempts, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random));
    // Nobody can see a job whose conversation could not be opened: stop it before Kie charges for it.
    if (!retry && item.kind === 'open' && job && job.state === 'queued') {
      await this.o.steps.ingest(job, { taskId: '', source: 'stembot', stage: 'failed', code: 'CHAT_UNAVAILABLE', detail: result.error });
    }
    await this.o.store.failOutbox(item.id, this.id, result.error, retry ? this.o.now() + delay : null);
    if (retry) this.o.log.warn({ ...log, err: result.error, retryInMs: delay }, 'step failed, will retry');
    else this.o.log.error({ ...log, err: result.error }, 'step failed for good');
  }

  private async step(item: OutboxItem, job: Job): Promise<StepResult> {
    const last = item.attempts >= this.o.maxAttempts;
    if (item.kind === 'submit') return submitToKie(this.o.steps, job, last);
    const chat = this.o.chat[job.platform];
    if (!chat) return { ok: false, retry: true, error: `no chat adapter for ${job.platform} is configured` };
    switch (item.kind) {
      case 'open':
        return openConversation(this.o.steps, chat, job);
      case 'status':
        return refreshStatus(this.o.steps, chat, job);
      case 'deliver':
        return deliver(this.o.delivery, chat, job, last);
      case 'notify_failure':
        return notifyFailure(this.o.steps, chat, job);
      case 'unconfirmed':
        return notifyUnconfirmed(this.o.steps, chat, job);
    }
  }
}
