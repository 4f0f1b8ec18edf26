// The core's entry points: accept commands, apply events from callbacks and polls, answer lookups.
// Everything that talks to chat or Kie afterwards happens in the outbox worker.
import { describeFailure } from './messages.js';
import { newCallbackToken, newJobId } from './ids.js';
import type { ApplyOutcome, Clock, IntakeOutcome, JobsApi, JobStore, SubmitRefusal } from './ports.js';
import type { Command, Job, JobEvent, Platform } from './types.js';
import { validateCommand } from './validate.js';
import { labelSingleStem } from './intake.js';

export interface JobServiceOptions {
  store: JobStore;
  clock: Clock;
  maxInputBytes: number;
  /** Jobs one user / one workspace may have running at once (0 = no cap). */
  maxActivePerUser: number;
  maxActivePerWorkspace: number;
  /** Called after anything enqueued outbox work, so the worker starts at once instead of at its next tick. */
  onWork?: () => void;
  onEvent?: (job: Pick<Job, 'id' | 'kind'>, event: JobEvent, outcome: { applied: boolean }) => void;
  onSubmit?: (job: Job) => void;
}

export class JobService implements JobsApi {
  constructor(private readonly o: JobServiceOptions) {}

  async submit(command: Command): Promise<{ ok: true; job: Job } | SubmitRefusal> {
    const valid = await validateCommand(command, this.o.maxInputBytes);
    if (!valid.ok) return { ok: false, code: valid.code, message: describeFailure(valid.code, valid.detail) };
    const { origin } = command;
    const created = await this.o.store.createJobWithinCaps(
      {
        id: newJobId(),
        platform: origin.platform,
        workspaceId: origin.workspaceId,
        channelId: origin.channelId,
        userId: origin.userId,
        userName: origin.userName,
        originMeta: origin.meta ?? {},
        kind: command.params.kind,
        params: command.params,
        input: command.input,
        inputName: command.input.name,
        callbackToken: newCallbackToken(),
        createdAt: this.o.clock.now(),
      },
      ['open', 'submit'],
      { perUser: this.o.maxActivePerUser, perWorkspace: this.o.maxActivePerWorkspace },
    );
    if (!created.ok) return { ok: false, code: created.code, message: describeFailure(created.code) };
    const { job } = created;
    this.o.onSubmit?.(job);
    this.o.onWork?.();
    return { ok: true, job };
  }

  get(jobId: string): Promise<Job | undefined> {
    return this.o.store.getJob(jobId);
  }

  listForUser(platform: Platform, userId: string, limit: number): Promise<Job[]> {
    return this.o.store.listJobsByUser(platform, userId, limit);
  }

  async redeliver(jobId: string, userId: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const job = await this.o.store.getJob(jobId);
    if (!job) return { ok: false, message: `There is no job \`${jobId}\`.` };
    if (job.userId !== userId) return { ok: false, message: 'Only the person who started this job can have it delivered again.' };
    if (job.state !== 'complete') return { ok: false, message: 'This job has not finished yet; its files will arrive when it does.' };
    const now = this.o.clock.now();
    await this.o.store.updateJob(job.id, { deliveryRound: job.deliveryRound + 1 }, now);
    await this.o.store.enqueue(job.id, ['deliver'], now);
    this.o.onWork?.();
    return { ok: true };
  }

  /**
   * Record `taskId` as the Kie task of a job stembot submitted but whose answer it never stored (see the
   * callback route). Only a queued job takes one; answers the job as it now is, or undefined when it cannot
   * be that job's task (the job is past submission with another task, or was never submitted).
   */
  async adoptTask(job: Job, taskId: string, nextPollAt: number): Promise<Job | undefined> {
    const r = await this.o.store.markSubmitted(job.id, taskId, this.o.clock.now(), nextPollAt);
    if (r.applied) this.o.onWork?.();
    // Not applied but the same task: the submission's own answer was recorded a moment before.
    return r.job.taskId === taskId ? r.job : undefined;
  }

  /** A Kie callback that passed the route's checks: one store call (see JobStore.intakeCallback). */
  async intakeCallback(token: string, taskId: string, event: JobEvent, nextPollAt: number): Promise<IntakeOutcome> {
    const out = await this.o.store.intakeCallback({ token, taskId, event, now: this.o.clock.now(), nextPollAt });
    if (!out.ok) return out;
    this.o.onEvent?.(out.job, out.event, out);
    if (out.applied) this.o.onWork?.();
    return out;
  }

  /** Apply an event from a callback or a poll, in one transaction. Idempotent: a repeated or late stage changes nothing. */
  async ingest(job: Job, raw: JobEvent, callbackNextPollAt?: number): Promise<ApplyOutcome> {
    const event = labelSingleStem(job.params, raw);
    const outcome = await this.o.store.applyEvent(job.id, event, this.o.clock.now(), callbackNextPollAt);
    this.o.onEvent?.(job, event, outcome);
    if (outcome.applied) this.o.onWork?.();
    return outcome;
  }
}

