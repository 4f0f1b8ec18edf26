// The core's ports: what it needs from a store, from Kie, from a chat platform and from time.
// Adapters implement these; the core never imports a transport library.
import type {
  AudioInput,
  DeliveredFile,
  FailureCode,
  Job,
  JobEvent,
  JobKind,
  JobParams,
  JobState,
  Platform,
  Result,
  ResultFile,
} from './types.js';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

// ───────────────────────────── store ─────────────────────────────

/** Work the outbox worker does for a job, in id order, one item of a job at a time. */
export type OutboxKind =
  | 'open' //      post the status message and open its thread
  | 'submit' //    (re-host the input and) submit to Kie
  | 'status' //    edit the status message to the job's current state
  | 'deliver' //   download and post every result file
  | 'notify_failure' // post the failure notice in the thread
  | 'unconfirmed'; //  say a submission may or may not have reached Kie, with a "Submit again" button

export interface OutboxItem {
  id: number;
  jobId: string;
  kind: OutboxKind;
  attempts: number;
  runAt: number;
  lastError: string | null;
}

export interface NewJob {
  id: string;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  userId: string;
  userName: string;
  originMeta: Record<string, string | number | boolean>;
  kind: JobKind;
  params: JobParams;
  input: AudioInput;
  inputName: string;
  callbackToken: string;
  createdAt: number;
  /** Kie credits the job is expected to cost (core/costs.ts); reserved against budgets at creation. 0 when unknown. */
  cost?: number;
}

export type JobPatch = Partial<
  Pick<Job, 'statusMessageId' | 'threadId' | 'taskId' | 'submittedAt' | 'nextPollAt' | 'input' | 'originMeta' | 'deliveryRound' | 'submitStartedAt' | 'submitUnconfirmedAt'>
>;

/** A chat file uploaded for a post: the platform's file id and the title it is shared under. */
export interface RecordedUpload {
  id: string;
  title: string;
}

export type ApplyOutcome =
  /** The event moved the job forward; its outbox work was written in the same transaction. */
  | { applied: true; job: Job; from: JobState }
  /** A stage seen twice, late, or after a terminal state: nothing changed. */
  | { applied: false; job: Job; reason: 'duplicate' | 'stale' | 'terminal' };

/** One Kie callback as the route hands it over, after every check that needs no job (body, HMAC, URLs). */
export interface CallbackIntake {
  /** The secret token of the callback URL. */
  token: string;
  /** `data.task_id` of the callback. */
  taskId: string;
  event: JobEvent;
  now: number;
  /** The job's next poll: callbacks are flowing, so polling can wait. */
  nextPollAt: number;
}

export type IntakeOutcome =
  /**
   * Refused, nothing written: no job has this token, the callback names another task, or the job (without a
   * task) is past submission. Or it was cancelled before Kie's answer recorded a task: only the task is recorded
   * (its cost counts as spent) and the route answers 200.
   */
  | { ok: false; code: 'unknown_token' | 'task_mismatch' | 'not_submitted' | 'cancelled_without_task' }
  /** The event moved the job (after adopting the task when `adopted`); its outbox work is committed. */
  | { ok: true; applied: true; job: IntakeJobView; event: JobEvent; from: JobState; adopted: boolean }
  /** A repeat (only counted on the job) or a late stage (kept as an unapplied event): nothing else changed. */
  | { ok: true; applied: false; job: IntakeJobView; event: JobEvent; reason: 'duplicate' | 'stale' | 'terminal' };

/** What the intake answers about the job (no full row is read back on the hot path). */
export interface IntakeJobView {
  id: string;
  kind: JobKind;
  /** The job's state after the callback. */
  state: JobState;
  /** Repeats counted on the job so far (this callback included), and when the last one came. */
  repeatCount: number;
  lastRepeatAt: number | null;
}

/** Jobs one user / one workspace may have running at once on a platform (0 = no cap). */
export interface ActiveCaps {
  perUser: number;
  perWorkspace: number;
}

/**
 * Credit budgets (0 = none): per person per UTC day, per server (workspace) per UTC month. `dayStart` and
 * `monthStart` are the epoch-ms the current periods began. A job's `cost` counts against them from creation
 * (reserved) unless it ends failed or cancelled before Kie accepted it (released): see `chargedSql`.
 */
export interface Budgets {
  userDaily: number;
  serverMonthly: number;
  dayStart: number;
  monthStart: number;
}

export type BudgetRefusal = { ok: false; code: 'USER_BUDGET' | 'SERVER_BUDGET'; used: number; limit: number };
export type CreateOutcome = { ok: true; job: Job } | { ok: false; code: 'USER_CAP' | 'WORKSPACE_CAP' } | BudgetRefusal;

/** Whose spending to add up: a person or a server on a platform, since an epoch-ms. */
export interface SpendFilter {
  platform: Platform;
  userId?: string;
  workspaceId?: string;
  since: number;
}

export interface JobStore {
  /** Apply numbered migrations; safe to call at every start. */
  migrate(): Promise<void>;
  /** Create a job and its first outbox items in one transaction. */
  createJob(job: NewJob, outbox: OutboxKind[]): Promise<Job>;
  /**
   * The same, refused when the job's user or workspace already has `caps` jobs running. Count and insert are
   * one decision, serialised per user and per workspace across every instance on the database (a cap checked
   * and then acted on separately lets two simultaneous commands both through).
   */
  createJobWithinCaps(job: NewJob, outbox: OutboxKind[], caps: ActiveCaps, budgets?: Budgets): Promise<CreateOutcome>;
  /** Credits charged or reserved by jobs created since `since` (released reservations excluded). */
  spent(filter: SpendFilter): Promise<number>;
  /**
   * Cancel a job that has not ended: state → cancelled, no more polls, `status` enqueued, in one transaction.
   * Its pending `submit` then does nothing (it only submits queued jobs). Not applied when already terminal.
   */
  cancelJob(id: string, by: string, now: number): Promise<ApplyOutcome>;
  /** Claim a once-only notice key (e.g. `low_balance:2026-12-03`): true for the first caller across every instance. */
  claimNotice(key: string, now: number): Promise<boolean>;
  /** Jobs waiting to be handed to Kie (queued, no task yet), oldest first. */
  listQueued(limit: number): Promise<Job[]>;
  getJob(id: string): Promise<Job | undefined>;
  findByToken(token: string): Promise<Job | undefined>;
  findByTaskId(taskId: string): Promise<Job | undefined>;
  listJobsByUser(platform: Platform, userId: string, limit: number): Promise<Job[]>;
  /** Count a user's / workspace's jobs that are not terminal. A read for reports; caps are enforced by createJobWithinCaps. */
  countActive(filter: { platform: Platform; userId?: string; workspaceId?: string }): Promise<number>;
  updateJob(id: string, patch: JobPatch, now: number): Promise<void>;
  /** Record the Kie task id and move queued → submitted, enqueueing `status`. */
  markSubmitted(id: string, taskId: string, now: number, nextPollAt: number): Promise<ApplyOutcome>;
  /**
   * Apply an event under the state machine in one transaction: store the event, update state, results
   * and failure, enqueue outbox work (`status`, then `deliver` or `notify_failure`). Idempotent. With
   * `callbackNextPollAt` (the event came from Kie's callback) the same transaction notes the callback and
   * pushes the job's next poll there: callbacks are flowing, so polling can wait.
   */
  applyEvent(jobId: string, event: JobEvent, now: number, callbackNextPollAt?: number): Promise<ApplyOutcome>;
  /**
   * Everything a Kie callback does, in ONE call: find the job by its token, adopt the task when the job's
   * submission answer was never recorded, then apply the event with its outbox work (planEvent), keep a late
   * stage as an unapplied event, or count a repeat on the job (`repeat_count`, `last_repeat_at`); note the
   * callback and push the next poll. All of it is committed before the promise settles (the route answers
   * 200 only then), and a refusal writes nothing (a cancelled job without a task only records the task Kie
   * names). Stores may commit several callbacks together (SQLite commits the callbacks of one event-loop turn in
   * one transaction, isolating each in its own savepoint when one of them fails, so it does not fail the others);
   * a callback whose own work fails rejects alone.
   */
  intakeCallback(c: CallbackIntake): Promise<IntakeOutcome>;
  /** Remember files posted so a retry skips them. */
  addDelivered(id: string, files: DeliveredFile[], now: number): Promise<void>;
  /**
   * Files uploaded to a chat for one post (`postKey`, the post's idempotency key) but perhaps not shared yet.
   * Recorded before the share call, so a retry after a lost answer can ask the chat whether the share happened
   * (Slack has no idempotency key; docs/slack-uploads.md). A second record for the same key replaces the first.
   */
  recordUploads(postKey: string, jobId: string, files: RecordedUpload[], now: number): Promise<void>;
  recordedUploads(postKey: string): Promise<RecordedUpload[] | undefined>;
  /** Enqueue extra work for a job (e.g. a re-delivery asked for by a button). */
  enqueue(jobId: string, kinds: OutboxKind[], now: number): Promise<void>;

  /**
   * Claim due outbox items with a lease. Only the oldest unfinished item of each job is claimable, so a
   * job's work happens in order. Maps to `FOR UPDATE SKIP LOCKED` on Postgres.
   */
  claimOutbox(workerId: string, now: number, leaseMs: number, limit: number): Promise<OutboxItem[]>;
  completeOutbox(id: number, workerId: string): Promise<void>;
  /** Push a running claim's lease to `lockedUntil` (only while `workerId` still holds it): long steps stay ours. */
  extendLease(id: number, workerId: string, lockedUntil: number): Promise<void>;
  /** Release a claim for another try at `retryAt`, or bury it (`retryAt` null) after the last attempt. */
  failOutbox(id: number, workerId: string, error: string, retryAt: number | null): Promise<void>;
  /** Pending (not buried) outbox items: the queue depth. */
  outboxDepth(): Promise<number>;

  /** Claim jobs whose poll is due, pushing their next poll to `nextPollAt` so no other poller takes them. */
  claimDuePolls(now: number, nextPollAt: number, limit: number): Promise<Job[]>;

  /**
   * A small note shared by every instance on the database, forgotten at `expiresAt` (epoch ms): e.g. that
   * Kie refused `audioUrl` (core/audio-url-refusal.ts). Setting a key again replaces it.
   */
  setNote(key: string, value: string, expiresAt: number): Promise<void>;
  /** The note's value while `now` is before its expiry; undefined otherwise. */
  getNote(key: string, now: number): Promise<string | undefined>;

  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// ───────────────────────────── Kie ─────────────────────────────

/** What Kie is given as the source of a job: a URL it can read, or one of its own tracks. */
export type KieSource = { audioUrl: string } | { taskId: string; audioId: string };

export interface KiePort {
  /**
   * `stillWanted` is asked when the submission's turn in Kie's rate window comes: false sends nothing (cancelled).
   * `onSend` runs when the request is about to leave for Kie (after any wait for the rate limit), before each
   * try: from then on Kie may accept (and charge) without stembot hearing of it.
   */
  submit(params: JobParams, source: KieSource, callBackUrl: string, opts?: { stillWanted?: () => Promise<boolean>; onSend?: () => Promise<void> }): Promise<Result<{ taskId: string }>>;
  /** Stream a local file to Kie's File Upload API; answers the URL Kie can read. */
  uploadFile(file: { path: string; name: string; mimeType?: string }): Promise<Result<{ downloadUrl: string }>>;
  /** Read record-info; `null` while Kie is still working with nothing new to say. */
  poll(kind: JobKind, taskId: string): Promise<Result<JobEvent | null>>;
  credits(): Promise<Result<number>>;
}

// ───────────────────────────── chat ─────────────────────────────

/** Chat call failures, as values. `transient` ones are retried by the outbox with backoff. */
export type ChatErrorCode = 'RATE_LIMITED' | 'TRANSIENT' | 'FORBIDDEN' | 'NOT_FOUND' | 'TOO_LARGE' | 'INVALID';
export type ChatResult<T> = Result<T, ChatErrorCode>;

export interface ChatLimits {
  /** Largest file one attachment may be, for this job's channel. */
  maxFileBytes: number;
  maxFilesPerMessage: number;
}

/** The neutral status message; adapters render it as an embed, Block Kit or HTML. */
export interface StatusView {
  jobId: string;
  title: string; // "Stem separation · 12 stems"
  inputName: string;
  requester: { userId: string; userName: string };
  state: JobState;
  /** Ordered stages with their marks, e.g. [{label:'Queued',done:true}, …]. */
  steps: { label: string; state: 'done' | 'current' | 'todo' | 'failed' }[];
  /** One line a person reads: "Separating… (1m 12s)". */
  stageLine: string;
  elapsedMs: number;
  /** What the job costs in Kie credits: "≈ 50 credits" while it runs, "50 credits spent" or "No credits spent" after. */
  costLine?: string;
  /** Buttons on the status message itself (Cancel while the job runs). */
  actions?: Action[];
}

export interface LocalFile {
  path: string;
  name: string;
  bytes: number;
  mimeType: string;
}

/** A follow-up button: what it does is encoded so it still works after a restart. */
export interface Action {
  id: 'separate_track' | 'split_stems' | 'redeliver' | 'cancel' | 'midi' | 'wav' | 'resubmit';
  label: string;
  jobId: string;
  /** For `separate_track`: the Kie track to separate. */
  taskId?: string;
  /** For `separate_track` and `wav`: the Kie track; for `midi`: one separated stem (absent = all of it). */
  audioId?: string;
  /** For `wav`: the take's 1-based number within the job. */
  take?: number;
  /** For `midi`: the separated tracks, offered as a menu where the platform has one (one stem's MIDI). */
  stems?: { key: string; label: string }[];
}

export interface OutgoingMessage {
  text: string;
  files?: LocalFile[];
  links?: { label: string; url: string }[];
  actions?: Action[];
  /** Mention the requester (failure notices). */
  mention?: boolean;
}

export interface ChatPort {
  readonly platform: Platform;
  limits(job: Job): ChatLimits;
  postStatus(job: Job, view: StatusView): Promise<ChatResult<{ messageId: string }>>;
  editStatus(job: Job, messageId: string, view: StatusView): Promise<ChatResult<void>>;
  /** Open a thread on the status message; FORBIDDEN/INVALID means "reply in the channel instead". */
  openThread(job: Job, messageId: string, name: string): Promise<ChatResult<{ threadId: string }>>;
  /**
   * Post into the job's thread (or channel when `threadId` is null). `idempotencyKey` is stable for the
   * same logical message, so a retried post never shows twice where the platform allows it.
   */
  post(job: Job, threadId: string | null, message: OutgoingMessage, idempotencyKey: string): Promise<ChatResult<{ messageId: string }>>;
  /** Post an admin notice (low balance, out of credits) to the platform's admin channel; absent when none is configured. */
  postNotice?(text: string): Promise<ChatResult<void>>;
}

/** Adapters register their ChatPort by platform. */
export type ChatPorts = Partial<Record<Platform, ChatPort>>;

export type { FailureCode, ResultFile };

// ───────────────────────────── what adapters call ─────────────────────────────

/** Why a command was refused before any job existed; `message` is the sentence to show (privately). */
export type SubmitRefusal = { ok: false; code: FailureCode | 'USER_CAP' | 'WORKSPACE_CAP' | 'USER_BUDGET' | 'SERVER_BUDGET'; message: string };

/** The core's face towards chat adapters (implemented by JobService). */
export interface JobsApi {
  /** Validate and accept a command: the job is durable once this answers ok. */
  submit(command: import('./types.js').Command): Promise<{ ok: true; job: Job } | SubmitRefusal>;
  get(jobId: string): Promise<Job | undefined>;
  listForUser(platform: Platform, userId: string, limit: number): Promise<Job[]>;
  /** Post a finished job's results again (the "deliver again" button); only its requester may. */
  redeliver(jobId: string, userId: string): Promise<{ ok: true } | { ok: false; message: string }>;
  /**
   * Cancel a job. The adapter has already checked that the presser is its requester or a moderator; `by` is
   * the name shown ("Cancelled by …").
   */
  cancel(jobId: string, by: { userId: string; userName: string }): Promise<{ ok: true; message: string } | { ok: false; message: string }>;
  /** Balance and spending for `/credits`; `full` (server managers) adds the balance and the server's spending. */
  credits(who: { platform: Platform; workspaceId: string; userId: string }, full: boolean): Promise<string>;
  /**
   * Submit a job again whose earlier submission may or may not have reached Kie (the "Submit again" button;
   * Kie may charge twice). `userId` is the requester, or whom a moderator acts for.
   */
  resubmit(jobId: string, userId: string): Promise<{ ok: true } | { ok: false; message: string }>;
}
