// The default JobStore: better-sqlite3 in WAL mode. better-sqlite3 is synchronous, so every method is a
// short transaction; the async signatures are the port's, shared with the Postgres store.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { planEvent } from '../../core/apply-event.js';
import { defaults } from '../../config.js';
import { decideIntake, intakeJobView, type IntakeRow } from '../../core/intake.js';
import type { ActiveCaps, ApplyOutcome, Budgets, CallbackIntake, CreateOutcome, IntakeOutcome, JobPatch, JobStore, NewJob, OutboxItem, OutboxKind, RecordedUpload, SpendFilter } from '../../core/ports.js';
import { isTerminal, terminalStatesSql, transition } from '../../core/state-machine.js';
import type { DeliveredFile, Job, JobEvent, Platform } from '../../core/types.js';
import { budgetChecks, spendWhere } from '../budgets.js';
import { capChecks, noCaps } from '../caps.js';
import { jsonPatchKeys, patchColumns, rowToJob, type JobRow } from '../rows.js';
import { Checkpointer, type CheckpointReport } from './checkpointer.js';
import { migrations } from './migrations/index.js';

type OutboxRow = { id: number; job_id: string; kind: string; attempts: number; run_at: number; last_error: string | null };
type IntakeDbRow = { rid: number; id: string; kind: string; params: string; state: string; task_id: string | null; repeat_count: number; last_repeat_at: number | null };
type Pending = { c: CallbackIntake; resolve: (o: IntakeOutcome) => void; reject: (e: unknown) => void };
/** A callback's own work threw (not BEGIN or COMMIT): the batch is worth running again, isolated. */
class CallbackThrew extends Error {
  constructor(cause: unknown) {
    super('a callback of the batch threw', { cause });
  }
}
type Settled = { ok: true; v: IntakeOutcome } | { ok: false; err: unknown };

export interface SqliteStoreOptions {
  /**
   * WAL checkpoints from a worker thread every this many ms, never on the serving connection (0: SQLite's
   * automatic checkpoint on the serving connection, as before). Files only; `:memory:` has no WAL.
   */
  checkpointIntervalMs?: number;
  /** The WAL file is cut back to this size whenever it restarts from its beginning (journal_size_limit). */
  walSizeLimitBytes?: number;
  /** Each checkpoint the worker ran (tests, diagnostics). */
  onCheckpoint?: (r: CheckpointReport) => void;
}

/**
 * An event as stored in job_events. With `filesJson` (JSON.stringify(event.files), made already for the job's
 * row) the 1.5 KB of result URLs is not serialized a second time; `files` then comes last among the keys.
 */
export function eventJson(event: JobEvent, filesJson?: string): string {
  if (filesJson === undefined || !('files' in event)) return JSON.stringify(event);
  const { files: _files, ...rest } = event;
  const head = JSON.stringify(rest);
  return head === '{}' ? `{"files":${filesJson}}` : `${head.slice(0, -1)},"files":${filesJson}}`;
}

const toItem = (r: OutboxRow): OutboxItem => ({ id: r.id, jobId: r.job_id, kind: r.kind as OutboxKind, attempts: r.attempts, runAt: r.run_at, lastError: r.last_error });

export class SqliteJobStore implements JobStore {
  private readonly db: Database.Database;
  /**
   * Every statement is prepared once and kept for the life of the store. Besides saving a prepare per call,
   * this keeps V8 from finalizing better-sqlite3 Statements while the server runs: on Node 24 a Statement
   * finalized by the garbage collector can abort the process (better-sqlite3 12 + Node 24,
   * "Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook; upstream WiseLibs/better-sqlite3#1515).
   * For the same reason the pragmas below go through exec(), which makes no Statement object.
   */
  private readonly statements = new Map<string, Database.Statement>();

  private readonly checkpointer: Checkpointer | undefined;
  /** Callbacks of this event-loop turn, committed together at its end (group commit). */
  private intakeQueue: Pending[] = [];
  /** The whole batch in one transaction, no savepoints: the usual case, where no callback throws. */
  private readonly intakeBatch: Database.Transaction<(batch: Pending[]) => IntakeOutcome[]>;
  /** One callback's work; called inside the batch's transaction it runs as a SAVEPOINT of its own. */
  private readonly intakeInSavepoint: (c: CallbackIntake) => IntakeOutcome;
  /** The batch again after one of its callbacks threw: each in its own savepoint, so only that one fails. */
  private readonly intakeBatchIsolated: Database.Transaction<(batch: Pending[], out: Settled[]) => void>;

  /** `path` is a file path or `:memory:`. */
  constructor(path: string, o: SqliteStoreOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
    const interval = o.checkpointIntervalMs ?? defaults.walCheckpointIntervalMs;
    if (path !== ':memory:') this.db.exec(`PRAGMA journal_size_limit = ${Math.floor(o.walSizeLimitBytes ?? defaults.walSizeLimitBytes)}`);
    if (path !== ':memory:' && interval > 0) {
      this.db.exec('PRAGMA wal_autocheckpoint = 0');
      this.checkpointer = new Checkpointer(path, interval, o.onCheckpoint);
    }
    this.intakeBatch = this.db.transaction((batch: Pending[]) =>
      batch.map((p) => {
        try {
          return this.intakeOne(p.c);
        } catch (err) {
          throw new CallbackThrew(err);
        }
      }),
    );
    this.intakeInSavepoint = this.db.transaction((c: CallbackIntake) => this.intakeOne(c));
    this.intakeBatchIsolated = this.db.transaction((batch: Pending[], out: Settled[]) => {
      for (const p of batch) {
        try {
          out.push({ ok: true, v: this.intakeInSavepoint(p.c) });
        } catch (err) {
          // Rolled back to its savepoint: this callback changed nothing, its neighbours go on.
          out.push({ ok: false, err });
        }
      }
    });
  }

  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set(this.stmt('SELECT version FROM schema_migrations').all().map((r) => (r as { version: number }).version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.stmt('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }).immediate();
    }
  }

  private one(sql: string, ...args: unknown[]): Job | undefined {
    const row = this.stmt(sql).get(...args) as JobRow | undefined;
    return row ? rowToJob(row) : undefined;
  }

  /** One statement for all of `kinds` (ids follow `kinds` order). */
  private insertOutbox(jobId: string, kinds: OutboxKind[], now: number): void {
    if (kinds.length === 0) return;
    const sql = `INSERT INTO outbox (job_id, kind, run_at) VALUES ${kinds.map(() => '(?, ?, ?)').join(', ')}`;
    this.stmt(sql).run(...kinds.flatMap((k) => [jobId, k, now]));
  }

  async createJob(j: NewJob, outbox: OutboxKind[]): Promise<Job> {
    const r = await this.createJobWithinCaps(j, outbox, noCaps);
    if (!r.ok) throw new Error(`createJob: ${r.code}`); // unreachable: no caps
    return r.job;
  }

  async createJobWithinCaps(j: NewJob, outbox: OutboxKind[], caps: ActiveCaps, budgets?: Budgets): Promise<CreateOutcome> {
    // BEGIN IMMEDIATE takes the database's write lock first, so the count below and the insert are one
    // decision for every connection and process on this file.
    return this.db.transaction((): CreateOutcome => {
      for (const c of capChecks(caps, j)) if (this.activeCount(c.filter) >= c.limit) return { ok: false, code: c.code };
      // The budget is reserved by the insert itself: the new row's cost counts in the next sum.
      for (const c of budgetChecks(budgets, j)) {
        const used = this.spentSum(c.filter);
        if (used + (j.cost ?? 0) > c.limit) return { ok: false, code: c.code, used, limit: c.limit };
      }
      // RETURNING: the new row as committed, without reading it again.
      const row = this.stmt(
          `INSERT INTO jobs (id, platform, workspace_id, channel_id, user_id, user_name, origin_meta, kind, params, input,
             input_name, callback_token, state, created_at, updated_at, cost)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING *`,
        )
        .get(j.id, j.platform, j.workspaceId, j.channelId, j.userId, j.userName, JSON.stringify(j.originMeta), j.kind,
          JSON.stringify(j.params), JSON.stringify(j.input), j.inputName, j.callbackToken, j.createdAt, j.createdAt, j.cost ?? 0);
      this.insertOutbox(j.id, outbox, j.createdAt);
      return { ok: true, job: rowToJob(row as JobRow) };
    }).immediate();
  }

  async getJob(id: string) { return this.one('SELECT * FROM jobs WHERE id = ?', id); }
  async findByToken(token: string) { return this.one('SELECT * FROM jobs WHERE callback_token = ?', token); }
  async findByTaskId(taskId: string) { return this.one('SELECT * FROM jobs WHERE task_id = ?', taskId); }

  async listJobsByUser(platform: Platform, userId: string, limit: number): Promise<Job[]> {
    const rows = this.stmt('SELECT * FROM jobs WHERE platform = ? AND user_id = ? ORDER BY created_at DESC, id LIMIT ?').all(platform, userId, limit);
    return (rows as JobRow[]).map(rowToJob);
  }

  async countActive(f: { platform: Platform; userId?: string; workspaceId?: string }): Promise<number> {
    return this.activeCount(f);
  }

  private activeCount(f: { platform: Platform; userId?: string; workspaceId?: string }): number {
    const where = ["platform = ?", `state NOT IN ${terminalStatesSql}`];
    const args: unknown[] = [f.platform];
    if (f.userId !== undefined) (where.push('user_id = ?'), args.push(f.userId));
    if (f.workspaceId !== undefined) (where.push('workspace_id = ?'), args.push(f.workspaceId));
    return (this.stmt(`SELECT COUNT(*) AS n FROM jobs WHERE ${where.join(' AND ')}`).get(...args) as { n: number }).n;
  }

  async spent(f: SpendFilter): Promise<number> {
    return this.spentSum(f);
  }

  private spentSum(f: SpendFilter): number {
    const { where, args } = spendWhere(f, () => '?');
    return (this.stmt(`SELECT COALESCE(SUM(cost), 0) AS n FROM jobs WHERE ${where}`).get(...args) as { n: number }).n;
  }

  async cancelJob(id: string, by: string, now: number): Promise<ApplyOutcome> {
    return this.db.transaction((): ApplyOutcome => {
      const job = this.one('SELECT * FROM jobs WHERE id = ?', id);
      if (!job) throw new Error(`cancelJob: no job ${id}`);
      if (isTerminal(job.state)) return { applied: false, job, reason: 'terminal' };
      const updated = this.one("UPDATE jobs SET state = 'cancelled', cancelled_by = ?, finished_at = ?, next_poll_at = NULL, updated_at = ? WHERE id = ? RETURNING *", by, now, now, id);
      this.insertOutbox(id, ['status'], now);
      return { applied: true, job: updated!, from: job.state };
    }).immediate();
  }

  async claimNotice(key: string, now: number): Promise<boolean> {
    return this.stmt('INSERT INTO spend_notices (key, created_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, now).changes === 1;
  }

  async listQueued(limit: number): Promise<Job[]> {
    const rows = this.stmt("SELECT * FROM jobs WHERE state = 'queued' AND task_id IS NULL ORDER BY created_at, id LIMIT ?").all(limit);
    return (rows as JobRow[]).map(rowToJob);
  }

  async updateJob(id: string, patch: JobPatch, now: number): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const args: unknown[] = [now];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      sets.push(`${patchColumns[k as keyof JobPatch]} = ?`);
      args.push(jsonPatchKeys.has(k) ? JSON.stringify(v) : v);
    }
    this.stmt(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  async markSubmitted(id: string, taskId: string, now: number, nextPollAt: number): Promise<ApplyOutcome> {
    return this.db.transaction((): ApplyOutcome => {
      const job = this.one('SELECT * FROM jobs WHERE id = ?', id);
      if (!job) throw new Error(`markSubmitted: no job ${id}`);
      const t = transition(job.state, 'submitted');
      if (!t.ok) return { applied: false, job, reason: t.reason };
      const updated = this.one("UPDATE jobs SET task_id = ?, state = 'submitted', submitted_at = ?, next_poll_at = ?, updated_at = ? WHERE id = ? RETURNING *", taskId, now, nextPollAt, now, id);
      this.insertOutbox(id, ['status'], now);
      return { applied: true, job: updated!, from: job.state };
    }).immediate();
  }

  async applyEvent(jobId: string, event: JobEvent, now: number, callbackNextPollAt?: number): Promise<ApplyOutcome> {
    return this.db.transaction((): ApplyOutcome => {
      const job = this.one('SELECT * FROM jobs WHERE id = ?', jobId);
      if (!job) throw new Error(`applyEvent: no job ${jobId}`);
      const decision = planEvent(job, event, now);
      this.insertEvent(jobId, event, decision.ok, now);
      if (callbackNextPollAt !== undefined) {
        this.stmt(`UPDATE jobs SET last_callback_at = ?, next_poll_at = CASE WHEN state IN ${terminalStatesSql} THEN NULL ELSE ? END WHERE id = ?`).run(now, callbackNextPollAt, jobId);
      }
      if (!decision.ok) return { applied: false, job, reason: decision.reason };
      const p = decision.plan;
      const updated = this.one(
        `UPDATE jobs SET state = ?, files = ?, failure = ?, finished_at = ?, updated_at = ?,
           next_poll_at = CASE WHEN ? THEN NULL ELSE next_poll_at END WHERE id = ? RETURNING *`,
        p.to, JSON.stringify(p.files), p.failure ? JSON.stringify(p.failure) : null, p.finishedAt, now, p.finishedAt !== null ? 1 : 0, jobId,
      );
      this.insertOutbox(jobId, p.outbox, now);
      return { applied: true, job: updated!, from: job.state };
    }).immediate();
  }

  intakeCallback(c: CallbackIntake): Promise<IntakeOutcome> {
    return new Promise((resolve, reject) => {
      this.intakeQueue.push({ c, resolve, reject });
      // setImmediate runs after this turn's I/O: every callback whose body was parsed in it joins the batch.
      if (this.intakeQueue.length === 1) setImmediate(this.flushIntake);
    });
  }

  /**
   * Group commit: one BEGIN IMMEDIATE … COMMIT for the whole batch (a COMMIT is the expensive part of a
   * write), and every promise settles only after that COMMIT — the route's 200 always follows durability.
   * The batch first runs without savepoints: a savepoint makes SQLite copy every page it first touches into
   * a sub-journal, which cost about a fifth of the store's time per callback (docs/intake-performance.md). When
   * a callback throws, that whole attempt rolls back and the batch runs again with a savepoint per
   * callback, so the one that throws fails alone and its neighbours commit.
   */
  private readonly flushIntake = (): void => {
    const batch = this.intakeQueue;
    if (batch.length === 0) return;
    this.intakeQueue = [];
    let out: Settled[] = [];
    try {
      try {
        out = this.intakeBatch.immediate(batch).map((v) => ({ ok: true, v }));
      } catch (err) {
        if (!(err instanceof CallbackThrew)) throw err;
        // Rolled back: nothing of this attempt was committed. Whatever threw throws again below, alone.
        out = [];
        this.intakeBatchIsolated.immediate(batch, out);
      }
    } catch (err) {
      // BEGIN or COMMIT failed (the database is locked past busy_timeout, the disk is full): nothing committed.
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const r = out[i]!;
      if (r.ok) p.resolve(r.v);
      else p.reject(r.err);
    });
  };

  private intakeOne(c: CallbackIntake): IntakeOutcome {
    const row = this.stmt('SELECT rowid AS rid, id, kind, params, state, task_id, repeat_count, last_repeat_at FROM jobs WHERE callback_token = ?').get(c.token) as IntakeDbRow | undefined;
    if (!row) return { ok: false, code: 'unknown_token' };
    // The job's updates below address its row by rowid: no second index lookup by id.
    const stmtFiles = this.stmt('SELECT files FROM jobs WHERE rowid = ?');
    const job: IntakeRow = {
      id: row.id,
      kind: row.kind as IntakeRow['kind'],
      params: JSON.parse(row.params) as IntakeRow['params'],
      state: row.state as IntakeRow['state'],
      taskId: row.task_id,
      // Read and parsed only when the decision needs it (a progress stage without tracks keeps the job's
      // files): not for a completion, which brings its own, nor for a repeat. Same transaction, same row.
      get files() {
        const { files } = stmtFiles.get(row.rid) as { files: string };
        return JSON.parse(files) as IntakeRow['files'];
      },
    };
    const d = decideIntake(job, c.taskId, c.event, c.now);
    const view = { id: row.id, kind: job.kind, repeatCount: row.repeat_count, lastRepeatAt: row.last_repeat_at };
    switch (d.do) {
      case 'refuse':
        return { ok: false, code: d.code };
      case 'record_task':
        this.stmt('UPDATE jobs SET task_id = ?, updated_at = ? WHERE rowid = ?').run(c.taskId, c.now, row.rid);
        return { ok: false, code: 'cancelled_without_task' };
      case 'repeat':
        this.stmt(
          `UPDATE jobs SET repeat_count = repeat_count + 1, last_repeat_at = ?, last_callback_at = ?,
             next_poll_at = CASE WHEN state IN ${terminalStatesSql} THEN NULL ELSE ? END WHERE rowid = ?`,
        ).run(c.now, c.now, c.nextPollAt, row.rid);
        return { ok: true, applied: false, job: intakeJobView(view, job.state, c.now), event: d.event, reason: d.reason };
      case 'record':
        this.insertEvent(job.id, d.event, false, c.now);
        this.stmt('UPDATE jobs SET last_callback_at = ?, next_poll_at = ? WHERE rowid = ?').run(c.now, c.nextPollAt, row.rid);
        return { ok: true, applied: false, job: intakeJobView(view, job.state), event: d.event, reason: d.reason };
      case 'apply': {
        const p = d.plan;
        if (d.adopt) {
          this.stmt("UPDATE jobs SET task_id = ?, state = 'submitted', submitted_at = ?, updated_at = ? WHERE rowid = ?").run(c.taskId, c.now, c.now, row.rid);
          this.insertOutbox(job.id, ['status'], c.now);
        }
        const filesJson = JSON.stringify(p.files);
        // A completion's files are the event's own: serialized once for both rows.
        this.insertEvent(job.id, d.event, true, c.now, 'files' in d.event && d.event.files === p.files ? filesJson : undefined);
        this.stmt(
          `UPDATE jobs SET state = ?, files = ?, failure = ?, finished_at = ?, updated_at = ?, last_callback_at = ?, next_poll_at = ? WHERE rowid = ?`,
        ).run(p.to, filesJson, p.failure ? JSON.stringify(p.failure) : null, p.finishedAt, c.now, c.now, p.finishedAt !== null ? null : c.nextPollAt, row.rid);
        this.insertOutbox(job.id, p.outbox, c.now);
        return { ok: true, applied: true, job: intakeJobView(view, p.to), event: d.event, from: d.from, adopted: d.adopt };
      }
    }
  }

  /** `filesJson`: the event's files already serialized for the job's row, reused (see eventJson). */
  private insertEvent(jobId: string, event: JobEvent, applied: boolean, now: number, filesJson?: string): void {
    this.stmt('INSERT INTO job_events (job_id, stage, source, applied, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(jobId, event.stage, event.source, applied ? 1 : 0, eventJson(event, filesJson), now);
  }

  async addDelivered(id: string, files: DeliveredFile[], now: number): Promise<void> {
    this.db.transaction(() => {
      const row = this.stmt('SELECT delivered FROM jobs WHERE id = ?').get(id) as { delivered: string } | undefined;
      if (!row) return;
      const merged = [...(JSON.parse(row.delivered) as DeliveredFile[]), ...files];
      this.stmt('UPDATE jobs SET delivered = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(merged), now, id);
    }).immediate();
  }

  async recordUploads(postKey: string, jobId: string, files: RecordedUpload[], now: number): Promise<void> {
    this.stmt('INSERT INTO slack_uploads (post_key, job_id, files, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (post_key) DO UPDATE SET files = excluded.files, created_at = excluded.created_at')
      .run(postKey, jobId, JSON.stringify(files), now);
  }

  async recordedUploads(postKey: string): Promise<RecordedUpload[] | undefined> {
    const row = this.stmt('SELECT files FROM slack_uploads WHERE post_key = ?').get(postKey) as { files: string } | undefined;
    return row ? (JSON.parse(row.files) as RecordedUpload[]) : undefined;
  }

  async enqueue(jobId: string, kinds: OutboxKind[], now: number): Promise<void> {
    this.db.transaction(() => this.insertOutbox(jobId, kinds, now)).immediate();
  }

  async claimOutbox(workerId: string, now: number, leaseMs: number, limit: number): Promise<OutboxItem[]> {
    return this.db.transaction(() => {
      // Only the oldest unfinished item of each job: a job's work runs in order, one step at a time.
      const rows = this.stmt(
          `SELECT o.id, o.job_id, o.kind, o.attempts, o.run_at, o.last_error FROM outbox o
           WHERE o.done_at IS NULL AND o.dead = 0 AND o.run_at <= ? AND (o.locked_until IS NULL OR o.locked_until < ?)
             AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.job_id = o.job_id AND p.id < o.id AND p.done_at IS NULL AND p.dead = 0)
           ORDER BY o.run_at, o.id LIMIT ?`,
        )
        .all(now, now, limit) as OutboxRow[];
      const lock = this.stmt('UPDATE outbox SET locked_by = ?, locked_until = ?, attempts = attempts + 1 WHERE id = ?');
      for (const r of rows) lock.run(workerId, now + leaseMs, r.id);
      return rows.map((r) => toItem({ ...r, attempts: r.attempts + 1 }));
    }).immediate();
  }

  async completeOutbox(id: number, workerId: string): Promise<void> {
    this.stmt('UPDATE outbox SET done_at = ?, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?').run(Date.now(), id, workerId);
  }

  async extendLease(id: number, workerId: string, lockedUntil: number): Promise<void> {
    this.stmt('UPDATE outbox SET locked_until = ? WHERE id = ? AND locked_by = ? AND done_at IS NULL').run(lockedUntil, id, workerId);
  }

  async failOutbox(id: number, workerId: string, error: string, retryAt: number | null): Promise<void> {
    this.stmt('UPDATE outbox SET last_error = ?, run_at = COALESCE(?, run_at), dead = ?, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?')
      .run(error.slice(0, 1000), retryAt, retryAt === null ? 1 : 0, id, workerId);
  }

  async outboxDepth(): Promise<number> {
    return (this.stmt('SELECT COUNT(*) AS n FROM outbox WHERE done_at IS NULL AND dead = 0').get() as { n: number }).n;
  }

  async claimDuePolls(now: number, nextPollAt: number, limit: number): Promise<Job[]> {
    return this.db.transaction(() => {
      const rows = this.stmt(
          `SELECT * FROM jobs WHERE next_poll_at IS NOT NULL AND next_poll_at <= ? AND task_id IS NOT NULL
             AND state NOT IN ${terminalStatesSql} ORDER BY next_poll_at LIMIT ?`,
        )
        .all(now, limit) as JobRow[];
      const push = this.stmt('UPDATE jobs SET next_poll_at = ? WHERE id = ?');
      for (const r of rows) push.run(nextPollAt, r.id);
      return rows.map(rowToJob);
    }).immediate();
  }


  async setNote(key: string, value: string, expiresAt: number): Promise<void> {
    this.stmt('INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at').run(key, value, expiresAt);
  }

  async getNote(key: string, now: number): Promise<string | undefined> {
    const row = this.stmt('SELECT value FROM kv WHERE key = ? AND expires_at > ?').get(key, now) as { value: string } | undefined;
    return row?.value;
  }

  async ping(): Promise<boolean> {
    return (this.stmt('SELECT 1 AS one').get() as { one: number }).one === 1;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.flushIntake(); // callbacks already waiting for their commit get it
    await this.checkpointer?.stop();
    this.db.close();
  }
}
