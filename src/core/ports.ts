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
  | 'notify_failure'; // post the failure notice in the thread

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
}

export type JobPatch = Partial<
  Pick<Job, 'statusMessageId' | 'threadId' | 'taskId' | 'submittedAt' | 'nextPollAt' | 'input' | 'originMeta' | 'deliveryRound'>
>;

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
  /** Refused, nothing written: no job has this token, the callback names another task, or the job (without a task) is past submission. */
  | { ok: false; code: 'unknown_token' | 'task_mismatch' | 'not_submitted' }
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

export type CreateOutcome = { ok: true; job: Job } | { ok: false; code: 'USER_CAP' | 'WORKSPACE_CAP' };

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
  createJobWithinCaps(job: NewJob, outbox: OutboxKind[], caps: ActiveCaps): Promise<CreateOutcome>;
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
   * 200 only then), and a refusal writes nothing. Stores may commit several callbacks together (SQLite
   * commits the callbacks of one event-loop turn in one transaction, each in its own savepoint, so one that
   * fails does not fail the others); a callback whose own work fails rejects alone.
   */
  intakeCallback(c: CallbackIntake): Promise<IntakeOutcome>;
  /** Remember files posted so a retry skips them. */
  addDelivered(id: string, files: DeliveredFile[], now: number): Promise<void>;
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

  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// ───────────────────────────── Kie ─────────────────────────────

/** What Kie is given as the source of a job: a URL it can read, or one of its own tracks. */
export type KieSource = { audioUrl: string } | { taskId: string; audioId: string };

export interface KiePort {
  submit(params: JobParams, source: KieSource, callBackUrl: string): Promise<Result<{ taskId: string }>>;
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
}

export interface LocalFile {
  path: string;
  name: string;
  bytes: number;
  mimeType: string;
}

/** A follow-up button: what it does is encoded so it still works after a restart. */
export interface Action {
  id: 'separate_track' | 'split_stems' | 'redeliver';
  label: string;
  jobId: string;
  /** For `separate_track`: the Kie track to separate. */
  taskId?: string;
  audioId?: string;
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
}

/** Adapters register their ChatPort by platform. */
export type ChatPorts = Partial<Record<Platform, ChatPort>>;

export type { FailureCode, ResultFile };

// ───────────────────────────── what adapters call ─────────────────────────────

/** Why a command was refused before any job existed; `message` is the sentence to show (privately). */
export type SubmitRefusal = { ok: false; code: FailureCode | 'USER_CAP' | 'WORKSPACE_CAP'; message: string };

/** The core's face towards chat adapters (implemented by JobService). */
export interface JobsApi {
  /** Validate and accept a command: the job is durable once this answers ok. */
  submit(command: import('./types.js').Command): Promise<{ ok: true; job: Job } | SubmitRefusal>;
  get(jobId: string): Promise<Job | undefined>;
  listForUser(platform: Platform, userId: string, limit: number): Promise<Job[]>;
  /** Post a finished job's results again (the "deliver again" button); only its requester may. */
  redeliver(jobId: string, userId: string): Promise<{ ok: true } | { ok: false; message: string }>;
}
