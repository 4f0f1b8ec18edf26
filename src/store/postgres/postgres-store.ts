// The JobStore for several instances sharing one database. Same tables and the same event logic as the
// SQLite store (planEvent, transition, rows.ts); row locks make the decisions safe across instances.
import type pg from 'pg';
import { planEvent } from '../../core/apply-event.js';
import { decideIntake, intakeJobView, type IntakeRow } from '../../core/intake.js';
import type { ActiveCaps, ApplyOutcome, Budgets, CallbackIntake, CreateOutcome, IntakeOutcome, JobPatch, JobStore, NewJob, OutboxItem, OutboxKind, RecordedUpload, SpendFilter } from '../../core/ports.js';
import { isTerminal, terminalStatesSql, transition } from '../../core/state-machine.js';
import type { DeliveredFile, Job, JobEvent, Platform } from '../../core/types.js';
import { budgetChecks, spendWhere } from '../budgets.js';
import { capChecks, noCaps } from '../caps.js';
import { jsonPatchKeys, patchColumns, rowToJob, type JobRow } from '../rows.js';
import { migrate } from './migrate.js';
import { claimDuePollsSql, claimOutboxSql } from './outbox-sql.js';
import { createPool, inTransaction, toJsonb, toText, type PgStoreOptions } from './pool.js';

// pg answers BIGINT as a string (it may exceed 2^53); ids and epoch-ms here never do.
type OutboxRow = { id: string; job_id: string; kind: string; attempts: number; run_at: string; last_error: string | null };
const toItem = (r: OutboxRow): OutboxItem => ({
  id: Number(r.id),
  jobId: r.job_id,
  kind: r.kind as OutboxKind,
  attempts: r.attempts,
  runAt: Number(r.run_at),
  lastError: r.last_error,
});

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export class PostgresJobStore implements JobStore {
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private closed = false;

  constructor(connectionString: string, opts: PgStoreOptions = {}) {
    ({ pool: this.pool, schema: this.schema } = createPool(connectionString, opts));
  }

  migrate(): Promise<void> {
    return migrate(this.pool, this.schema);
  }

  private async one(q: Queryable, sql: string, args: unknown[]): Promise<Job | undefined> {
    const row = (await q.query<JobRow>(sql, args)).rows[0];
    return row ? rowToJob(row) : undefined;
  }

  /** Insert one by one so ids follow `kinds` order (the worker runs a job's items in id order). */
  /** One statement for all of `kinds`; ids follow `kinds` order (a multi-row VALUES draws the sequence in row order). */
  private async insertOutbox(c: pg.PoolClient, jobId: string, kinds: OutboxKind[], now: number): Promise<void> {
    if (kinds.length === 0) return;
    await c.query(`INSERT INTO outbox (job_id, kind, run_at) VALUES ${kinds.map((_, i) => `($1, $${i + 3}, $2)`).join(', ')}`, [jobId, now, ...kinds]);
  }

  private async insertEvent(c: pg.PoolClient, jobId: string, event: JobEvent, applied: boolean, now: number): Promise<void> {
    await c.query('INSERT INTO job_events (job_id, stage, source, applied, payload, received_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      jobId, event.stage, event.source, applied, toJsonb(event), now,
    ]);
  }

  /** Lock the job row for the rest of the transaction: event decisions and outbox writes take turns per job. */
  private lockJob(c: pg.PoolClient, id: string): Promise<Job | undefined> {
    return this.one(c, 'SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [id]);
  }

  async createJob(j: NewJob, outbox: OutboxKind[]): Promise<Job> {
    const r = await this.createJobWithinCaps(j, outbox, noCaps);
    if (!r.ok) throw new Error(`createJob: ${r.code}`); // unreachable: no caps
    return r.job;
  }

  createJobWithinCaps(j: NewJob, outbox: OutboxKind[], caps: ActiveCaps, budgets?: Budgets): Promise<CreateOutcome> {
    return inTransaction(this.pool, async (c): Promise<CreateOutcome> => {
      const checks = capChecks(caps, j);
      // Under READ COMMITTED two instances counting at once would both see room. A transaction-scoped advisory
      // lock per counted thing (user, then workspace: one order everywhere, so no deadlock) makes the count and
      // the insert one decision; it is released at COMMIT, when the new row is visible to the next counter.
      for (const check of checks) await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [check.lockKey]);
      // Budget locks come after the cap locks, in one order everywhere (user, then workspace), for the same reason.
      const budgetsToCheck = budgetChecks(budgets, j);
      for (const check of budgetsToCheck) await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [check.lockKey]);
      for (const check of checks) if ((await this.activeCount(c, check.filter)) >= check.limit) return { ok: false, code: check.code };
      for (const check of budgetsToCheck) {
        const used = await this.spentSum(c, check.filter);
        if (used + (j.cost ?? 0) > check.limit) return { ok: false, code: check.code, used, limit: check.limit };
      }
      const job = await this.one(
        c,
        `INSERT INTO jobs (id, platform, workspace_id, channel_id, user_id, user_name, origin_meta, kind, params, input,
           input_name, callback_token, state, created_at, updated_at, cost)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'queued', $13, $13, $14) RETURNING *`,
        [j.id, j.platform, j.workspaceId, j.channelId, j.userId, j.userName, toJsonb(j.originMeta), j.kind,
          toJsonb(j.params), toJsonb(j.input), j.inputName, j.callbackToken, j.createdAt, j.cost ?? 0],
      );
      await this.insertOutbox(c, j.id, outbox, j.createdAt);
      return { ok: true, job: job! };
    });
  }

  getJob(id: string) { return this.one(this.pool, 'SELECT * FROM jobs WHERE id = $1', [id]); }
  findByToken(token: string) { return this.one(this.pool, 'SELECT * FROM jobs WHERE callback_token = $1', [token]); }
  findByTaskId(taskId: string) { return this.one(this.pool, 'SELECT * FROM jobs WHERE task_id = $1', [taskId]); }

  async listJobsByUser(platform: Platform, userId: string, limit: number): Promise<Job[]> {
    // COLLATE "C": the byte order SQLite uses, so both stores break created_at ties alike.
    const sql = 'SELECT * FROM jobs WHERE platform = $1 AND user_id = $2 ORDER BY created_at DESC, id COLLATE "C" LIMIT $3';
    return (await this.pool.query<JobRow>(sql, [platform, userId, limit])).rows.map(rowToJob);
  }

  countActive(f: { platform: Platform; userId?: string; workspaceId?: string }): Promise<number> {
    return this.activeCount(this.pool, f);
  }

  private async activeCount(q: Queryable, f: { platform: Platform; userId?: string; workspaceId?: string }): Promise<number> {
    const where = ['platform = $1', `state NOT IN ${terminalStatesSql}`];
    const args: unknown[] = [f.platform];
    if (f.userId !== undefined) (args.push(f.userId), where.push(`user_id = $${args.length}`));
    if (f.workspaceId !== undefined) (args.push(f.workspaceId), where.push(`workspace_id = $${args.length}`));
    const r = await q.query<{ n: string }>(`SELECT COUNT(*) AS n FROM jobs WHERE ${where.join(' AND ')}`, args);
    return Number(r.rows[0]!.n);
  }

  spent(f: SpendFilter): Promise<number> {
    return this.spentSum(this.pool, f);
  }

  private async spentSum(q: Queryable, f: SpendFilter): Promise<number> {
    const { where, args } = spendWhere(f, (n) => `$${n}`);
    const r = await q.query<{ n: string }>(`SELECT COALESCE(SUM(cost), 0) AS n FROM jobs WHERE ${where}`, args);
    return Number(r.rows[0]!.n);
  }

  cancelJob(id: string, by: string, now: number): Promise<ApplyOutcome> {
    return inTransaction(this.pool, async (c): Promise<ApplyOutcome> => {
      // The row lock orders a cancel against a callback or a submission answer for the same job.
      const job = await this.lockJob(c, id);
      if (!job) throw new Error(`cancelJob: no job ${id}`);
      if (isTerminal(job.state)) return { applied: false, job, reason: 'terminal' };
      const updated = await this.one(
        c,
        "UPDATE jobs SET state = 'cancelled', cancelled_by = $2, finished_at = $3, next_poll_at = NULL, updated_at = $3 WHERE id = $1 RETURNING *",
        [id, toText(by), now],
      );
      await this.insertOutbox(c, id, ['status'], now);
      return { applied: true, job: updated!, from: job.state };
    });
  }

  async claimNotice(key: string, now: number): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO spend_notices (key, created_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, now]);
    return r.rowCount === 1;
  }

  async listQueued(limit: number): Promise<Job[]> {
    const sql = `SELECT * FROM jobs WHERE state = 'queued' AND task_id IS NULL ORDER BY created_at, id COLLATE "C" LIMIT $1`;
    return (await this.pool.query<JobRow>(sql, [limit])).rows.map(rowToJob);
  }

  async updateJob(id: string, patch: JobPatch, now: number): Promise<void> {
    const args: unknown[] = [id, now];
    const sets = ['updated_at = $2'];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      const column = patchColumns[k as keyof JobPatch];
      if (!column) throw new Error(`updateJob: unknown field ${k}`);
      args.push(jsonPatchKeys.has(k) ? toJsonb(v) : v);
      sets.push(`${column} = $${args.length}`);
    }
    await this.pool.query(`UPDATE jobs SET ${sets.join(', ')} WHERE id = $1`, args);
  }

  markSubmitted(id: string, taskId: string, now: number, nextPollAt: number): Promise<ApplyOutcome> {
    return inTransaction(this.pool, async (c): Promise<ApplyOutcome> => {
      const job = await this.lockJob(c, id);
      if (!job) throw new Error(`markSubmitted: no job ${id}`);
      const t = transition(job.state, 'submitted');
      if (!t.ok) return { applied: false, job, reason: t.reason };
      const updated = await this.one(
        c,
        "UPDATE jobs SET task_id = $2, state = 'submitted', submitted_at = $3, next_poll_at = $4, updated_at = $3 WHERE id = $1 RETURNING *",
        [id, taskId, now, nextPollAt],
      );
      await this.insertOutbox(c, id, ['status'], now);
      return { applied: true, job: updated!, from: job.state };
    });
  }

  applyEvent(jobId: string, event: JobEvent, now: number, callbackNextPollAt?: number): Promise<ApplyOutcome> {
    return inTransaction(this.pool, async (c): Promise<ApplyOutcome> => {
      // The row lock makes a second instance holding the same callback wait here, then decide on the
      // state the first one committed: the stage is then a duplicate and nothing is delivered twice.
      const job = await this.lockJob(c, jobId);
      if (!job) throw new Error(`applyEvent: no job ${jobId}`);
      const decision = planEvent(job, event, now);
      await this.insertEvent(c, jobId, event, decision.ok, now);
      if (callbackNextPollAt !== undefined) {
        await c.query(
          `UPDATE jobs SET last_callback_at = $2, next_poll_at = CASE WHEN state IN ${terminalStatesSql} THEN NULL ELSE $3::bigint END WHERE id = $1`,
          [jobId, now, callbackNextPollAt],
        );
      }
      if (!decision.ok) return { applied: false, job, reason: decision.reason };
      const p = decision.plan;
      const updated = await this.one(
        c,
        `UPDATE jobs SET state = $2, files = $3, failure = $4, finished_at = $5, updated_at = $6,
           next_poll_at = CASE WHEN $7 THEN NULL ELSE next_poll_at END WHERE id = $1 RETURNING *`,
        [jobId, p.to, toJsonb(p.files), p.failure ? toJsonb(p.failure) : null, p.finishedAt, now, p.finishedAt !== null],
      );
      await this.insertOutbox(c, jobId, p.outbox, now);
      return { applied: true, job: updated!, from: job.state };
    });
  }

  /**
   * The callback's whole intake in one transaction, as on SQLite; committing many at once is the database's
   * own group commit. The job row is locked first, so a second instance holding the same callback decides on
   * what the first committed. Repeats keep their event row here as well (the multi-instance history shows
   * every copy that reached any instance) and are counted on the job.
   */
  intakeCallback(c: CallbackIntake): Promise<IntakeOutcome> {
    return inTransaction(this.pool, async (q): Promise<IntakeOutcome> => {
      type Row = { id: string; kind: string; params: unknown; state: string; task_id: string | null; files: unknown; repeat_count: number; last_repeat_at: string | null };
      const row = (
        await q.query<Row>('SELECT id, kind, params, state, task_id, files, repeat_count, last_repeat_at FROM jobs WHERE callback_token = $1 FOR UPDATE', [c.token])
      ).rows[0];
      if (!row) return { ok: false, code: 'unknown_token' };
      const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
      const job: IntakeRow = { id: row.id, kind: row.kind as IntakeRow['kind'], params: json(row.params), state: row.state as IntakeRow['state'], taskId: row.task_id, files: json(row.files) };
      const d = decideIntake(job, c.taskId, c.event, c.now);
      if (d.do === 'refuse') return { ok: false, code: d.code };
      if (d.do === 'record_task') {
        await q.query('UPDATE jobs SET task_id = $2, updated_at = $3 WHERE id = $1', [job.id, c.taskId, c.now]);
        return { ok: false, code: 'cancelled_without_task' };
      }
      const view = { id: job.id, kind: job.kind, repeatCount: row.repeat_count, lastRepeatAt: row.last_repeat_at === null ? null : Number(row.last_repeat_at) };
      const event = (applied: boolean) => this.insertEvent(q, job.id, d.event, applied, c.now);
      if (d.do !== 'apply') {
        await event(false);
        await q.query(
          `UPDATE jobs SET last_callback_at = $2, next_poll_at = CASE WHEN state IN ${terminalStatesSql} THEN NULL ELSE $3::bigint END,
             repeat_count = repeat_count + $4, last_repeat_at = CASE WHEN $4 = 1 THEN $2 ELSE last_repeat_at END WHERE id = $1`,
          [job.id, c.now, c.nextPollAt, d.do === 'repeat' ? 1 : 0],
        );
        return { ok: true, applied: false, job: intakeJobView(view, job.state, d.do === 'repeat' ? c.now : undefined), event: d.event, reason: d.reason };
      }
      const p = d.plan;
      if (d.adopt) {
        await q.query("UPDATE jobs SET task_id = $2, state = 'submitted', submitted_at = $3, updated_at = $3 WHERE id = $1", [job.id, c.taskId, c.now]);
        await this.insertOutbox(q, job.id, ['status'], c.now);
      }
      await event(true);
      await q.query(
        `UPDATE jobs SET state = $2, files = $3, failure = $4, finished_at = $5, updated_at = $6, last_callback_at = $6, next_poll_at = $7 WHERE id = $1`,
        [job.id, p.to, toJsonb(p.files), p.failure ? toJsonb(p.failure) : null, p.finishedAt, c.now, p.finishedAt !== null ? null : c.nextPollAt],
      );
      await this.insertOutbox(q, job.id, p.outbox, c.now);
      return { ok: true, applied: true, job: intakeJobView(view, p.to), event: d.event, from: d.from, adopted: d.adopt };
    });
  }

  async addDelivered(id: string, files: DeliveredFile[], now: number): Promise<void> {
    // JSONB array concatenation in one statement: concurrent appends cannot lose each other's files.
    await this.pool.query('UPDATE jobs SET delivered = delivered || $2::jsonb, updated_at = $3 WHERE id = $1', [id, toJsonb(files), now]);
  }

  async recordUploads(postKey: string, jobId: string, files: RecordedUpload[], now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO slack_uploads (post_key, job_id, files, created_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (post_key) DO UPDATE SET files = EXCLUDED.files, created_at = EXCLUDED.created_at`,
      [postKey, jobId, toJsonb(files), now],
    );
  }

  async recordedUploads(postKey: string): Promise<RecordedUpload[] | undefined> {
    const row = (await this.pool.query<{ files: RecordedUpload[] }>('SELECT files FROM slack_uploads WHERE post_key = $1', [postKey])).rows[0];
    return row?.files;
  }

  enqueue(jobId: string, kinds: OutboxKind[], now: number): Promise<void> {
    return inTransaction(this.pool, async (c) => {
      await this.lockJob(c, jobId); // ids of one job must commit in id order (see outbox-sql.ts)
      await this.insertOutbox(c, jobId, kinds, now);
    });
  }

  async claimOutbox(workerId: string, now: number, leaseMs: number, limit: number): Promise<OutboxItem[]> {
    const r = await this.pool.query<OutboxRow>(claimOutboxSql, [now, limit, workerId, now + leaseMs]);
    // UPDATE … RETURNING has no order of its own.
    return r.rows.map(toItem).sort((a, b) => a.runAt - b.runAt || a.id - b.id);
  }

  async completeOutbox(id: number, workerId: string): Promise<void> {
    await this.pool.query('UPDATE outbox SET done_at = $3, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2', [
      id, workerId, Date.now(),
    ]);
  }

  async extendLease(id: number, workerId: string, lockedUntil: number): Promise<void> {
    await this.pool.query('UPDATE outbox SET locked_until = $3 WHERE id = $1 AND locked_by = $2 AND done_at IS NULL', [id, workerId, lockedUntil]);
  }

  async failOutbox(id: number, workerId: string, error: string, retryAt: number | null): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET last_error = $3, run_at = COALESCE($4::bigint, run_at), dead = $5, locked_by = NULL, locked_until = NULL
       WHERE id = $1 AND locked_by = $2`,
      [id, workerId, toText(error.slice(0, 1000)), retryAt, retryAt === null],
    );
  }

  async outboxDepth(): Promise<number> {
    const r = await this.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM outbox WHERE done_at IS NULL AND NOT dead');
    return Number(r.rows[0]!.n);
  }

  async claimDuePolls(now: number, nextPollAt: number, limit: number): Promise<Job[]> {
    return (await this.pool.query<JobRow>(claimDuePollsSql, [now, limit, nextPollAt])).rows.map(rowToJob);
  }


  async setNote(key: string, value: string, expiresAt: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO kv (key, value, expires_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at',
      [key, value, expiresAt],
    );
  }

  async getNote(key: string, now: number): Promise<string | undefined> {
    return (await this.pool.query<{ value: string }>('SELECT value FROM kv WHERE key = $1 AND expires_at > $2', [key, now])).rows[0]?.value;
  }

  /** false instead of a throw: /readyz reports an unreachable database as not ready. */
  async ping(): Promise<boolean> {
    try {
      return (await this.pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return; // pg.Pool.end() throws when called twice
    this.closed = true;
    await this.pool.end();
  }
}
