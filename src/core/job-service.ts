// The core's entry points: accept commands, apply events from callbacks and polls, answer lookups.
// Everything that talks to chat or Kie afterwards happens in the outbox worker.
import { recentAudioUrlRefusal, usesAudioUrl } from './audio-url-refusal.js';
import { userCapMessage } from './cap-message.js';
import { refreshHostedInput } from './hosted-input.js';
import { costOf, creditsText, defaultCosts, type CostTable } from './costs.js';
import { describeFailure } from './messages.js';
import { newCallbackToken, newJobId } from './ids.js';
import type { ApplyOutcome, Clock, IntakeOutcome, JobsApi, JobStore, SubmitRefusal } from './ports.js';
import { describeBudgetRefusal, describeCredits, periods } from './spend.js';
import { isTerminal } from './state-machine.js';
import type { Command, Job, JobEvent, Platform, Result } from './types.js';
import { validateCommand } from './validate.js';
import { labelSingleStem } from './intake.js';

export interface JobServiceOptions {
  store: JobStore;
  clock: Clock;
  maxInputBytes: number;
  /** Jobs one user / one workspace may have running at once (0 = no cap). */
  maxActivePerUser: number;
  maxActivePerWorkspace: number;
  /** Kie deletes uploaded files after this long (defaults.kieUploadRetentionMs); unset: never treated as gone. */
  uploadRetentionMs?: number;
  /** Called after anything enqueued outbox work, so the worker starts at once instead of at its next tick. */
  onWork?: () => void;
  onEvent?: (job: Pick<Job, 'id' | 'kind'>, event: JobEvent, outcome: { applied: boolean }) => void;
  onSubmit?: (job: Job) => void;
  /** Credits per Kie operation (KIE_COSTS over the defaults). */
  costs?: CostTable;
  /** Credit budgets (0 = none): per person per UTC day, per server per UTC month. */
  budgetUserDaily?: number;
  budgetServerMonthly?: number;
  /** Kie's balance for `/credits` (absent until Kie's client exists). */
  balance?: () => Promise<Result<number>>;
  onBudgetRefusal?: (command: Command, code: 'USER_BUDGET' | 'SERVER_BUDGET') => void;
  onCancel?: (job: Job, beforeKie: boolean) => void;
}

export class JobService implements JobsApi {
  constructor(private readonly o: JobServiceOptions) {}

  async submit(given: Command): Promise<{ ok: true; job: Job } | SubmitRefusal> {
    // A follow-up reusing Kie's hosted copy of a file after Kie deleted it (core/hosted-input.ts).
    const refreshed = await refreshHostedInput(given.input, this.o.clock.now(), this.o.uploadRetentionMs ?? Infinity);
    if (!refreshed.ok) return { ok: false, code: 'INPUT_EXPIRED', message: describeFailure('INPUT_EXPIRED') };
    const command: Command = refreshed.input === given.input ? given : { ...given, input: refreshed.input };
    const valid = await validateCommand(command, this.o.maxInputBytes);
    if (!valid.ok) return { ok: false, code: valid.code, message: describeFailure(valid.code, valid.detail, command.params.kind) };
    const { origin } = command;
    // Kie refused `audioUrl` a moment ago: answer now, privately, instead of spending another submission.
    if (usesAudioUrl(command)) {
      const refused = await recentAudioUrlRefusal(this.o.store, this.o.clock.now());
      if (refused !== undefined) return { ok: false, code: 'KIE_AUDIO_URL_REFUSED', message: describeFailure('KIE_AUDIO_URL_REFUSED', refused) };
    }
    const now = this.o.clock.now();
    const cost = costOf(command.params, this.o.costs ?? defaultCosts);
    const p = periods(now);
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
        createdAt: now,
        cost,
      },
      ['open', 'submit'],
      { perUser: this.o.maxActivePerUser, perWorkspace: this.o.maxActivePerWorkspace },
      { userDaily: this.o.budgetUserDaily ?? 0, serverMonthly: this.o.budgetServerMonthly ?? 0, dayStart: p.dayStart, monthStart: p.monthStart },
    );
    if (!created.ok) {
      if (created.code === 'USER_BUDGET' || created.code === 'SERVER_BUDGET') {
        this.o.onBudgetRefusal?.(command, created.code);
        return { ok: false, code: created.code, message: describeBudgetRefusal(created, cost, now) };
      }
      return { ok: false, code: created.code, message: await this.refusalFor(created.code, command) };
    }
    const { job } = created;
    this.o.onSubmit?.(job);
    this.o.onWork?.();
    return { ok: true, job };
  }

  /** A per-person cap names the person's running jobs (core/cap-message.ts). */
  private async refusalFor(code: 'USER_CAP' | 'WORKSPACE_CAP', command: Command): Promise<string> {
    if (code !== 'USER_CAP') return describeFailure(code);
    const { platform, userId } = command.origin;
    const recent = await this.o.store.listJobsByUser(platform, userId, 100);
    // The cap counts a person's unfinished jobs on the platform (store/caps.ts): list the same ones.
    return userCapMessage(recent.filter((j) => j.state !== 'complete' && j.state !== 'failed'));
  }

  get(jobId: string): Promise<Job | undefined> {
    return this.o.store.getJob(jobId);
  }

  listForUser(platform: Platform, userId: string, limit: number): Promise<Job[]> {
    return this.o.store.listJobsByUser(platform, userId, limit);
  }

  async redeliver(jobId: string, userId: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const job = await this.o.store.getJob(jobId);
    if (!job) return { ok: false, message: `There is no job ${/^[0-9a-z]{4,40}$/i.test(jobId) ? `\`${jobId}\`` : 'with that id'}.` };
    if (job.userId !== userId) return { ok: false, message: 'Only the person who started this job can have it delivered again.' };
    if (job.state !== 'complete') return { ok: false, message: 'This job has not finished yet; its files will arrive when it does.' };
    const now = this.o.clock.now();
    await this.o.store.updateJob(job.id, { deliveryRound: job.deliveryRound + 1 }, now);
    await this.o.store.enqueue(job.id, ['deliver'], now);
    this.o.onWork?.();
    return { ok: true };
  }

  async cancel(jobId: string, by: { userId: string; userName: string }): Promise<{ ok: true; message: string } | { ok: false; message: string }> {
    const job = await this.o.store.getJob(jobId);
    if (!job) return { ok: false, message: `There is no job \`${jobId}\`.` };
    if (isTerminal(job.state)) return { ok: false, message: `This job has already ${job.state === 'cancelled' ? 'been cancelled' : job.state === 'complete' ? 'finished' : 'failed'}; there is nothing to cancel.` };
    const r = await this.o.store.cancelJob(job.id, by.userName, this.o.clock.now());
    if (!r.applied) return { ok: false, message: 'This job has just ended; there is nothing to cancel.' };
    const beforeKie = r.job.taskId === null;
    this.o.onCancel?.(r.job, beforeKie);
    this.o.onWork?.();
    return {
      ok: true,
      message: beforeKie
        ? 'Cancelled. It had not reached Kie yet, so no credits were spent.'
        : `Cancelled. stembot stops tracking it and will deliver nothing, but Kie had already accepted it and may still charge its ≈ ${creditsText(r.job.cost)}.`,
    };
  }

  async credits(who: { platform: Platform; workspaceId: string; userId: string }, full: boolean): Promise<string> {
    const now = this.o.clock.now();
    const p = periods(now);
    const base = { platform: who.platform };
    const spent = (f: { userId?: string; workspaceId?: string }, since: number) => this.o.store.spent({ ...base, ...f, since });
    const user = { today: await spent({ userId: who.userId }, p.dayStart), month: await spent({ userId: who.userId }, p.monthStart) };
    const server = full ? { today: await spent({ workspaceId: who.workspaceId }, p.dayStart), month: await spent({ workspaceId: who.workspaceId }, p.monthStart) } : undefined;
    const balance = full ? ((await this.o.balance?.()) ?? { ok: false as const }) : undefined;
    return describeCredits(
      {
        ...(balance ? { balance: balance.ok ? { ok: true, value: balance.value } : { ok: false } } : {}),
        user,
        ...(server ? { server } : {}),
        budgets: { userDaily: this.o.budgetUserDaily ?? 0, serverMonthly: this.o.budgetServerMonthly ?? 0 },
      },
      now,
    );
  }

  async resubmit(jobId: string, userId: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const job = await this.o.store.getJob(jobId);
    if (!job) return { ok: false, message: `There is no job \`${jobId}\`.` };
    if (job.userId !== userId) return { ok: false, message: 'Only the person who started this job can submit it again.' };
    // A callback may have brought the task meanwhile (or the button was pressed twice): nothing to do.
    if (job.taskId || job.state !== 'queued') return { ok: false, message: 'Kie has this job already — there is no need to submit it again.' };
    if (!job.submitUnconfirmedAt) return { ok: false, message: 'This job is being submitted already.' };
    const now = this.o.clock.now();
    // Cleared first: the submit step then sends it as a new attempt (and marks it started again).
    // Two presses at once enqueue two submit steps; a job's steps run one after another, and the second
    // finds the task of the first (or its started mark) and sends nothing.
    await this.o.store.updateJob(job.id, { submitStartedAt: null, submitUnconfirmedAt: null }, now);
    await this.o.store.enqueue(job.id, ['status', 'submit'], now);
    this.o.onWork?.();
    return { ok: true };
  }

  /** A Kie callback that passed the route's checks: one store call (see JobStore.intakeCallback). */
  async intakeCallback(token: string, taskId: string, event: JobEvent, nextPollAt: number): Promise<IntakeOutcome> {
    let out: IntakeOutcome;
    try {
      out = await this.o.store.intakeCallback({ token, taskId, event, now: this.o.clock.now(), nextPollAt });
    } catch (err) {
      // Adopting a task another job already owns: the store's unique task id refuses the write. That callback is
      // not this job's (a stranger's, or a replay with another id): 409, not a 500. Rare, so checked only here.
      const owner = await this.o.store.findByTaskId(taskId);
      const job = await this.o.store.findByToken(token);
      if (owner && job && owner.id !== job.id) return { ok: false, code: 'task_mismatch' };
      throw err;
    }
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

