// The outbox and poll claims: the two places where instances compete for the same rows.

/**
 * Claim the oldest unfinished item of each job: $1 now, $2 limit, $3 worker, $4 lease end.
 *
 * Why two claimers never hold two items of one job:
 * - `FOR UPDATE OF o SKIP LOCKED` makes a claimer pass over an item another claimer is taking, and under
 *   READ COMMITTED a row that changed since the statement's snapshot is re-checked on its newest version
 *   (EvalPlanQual), so an item claimed or finished a moment ago fails the lease/done test and is dropped.
 * - The NOT EXISTS reads the snapshot, so it can only see an earlier item as *done or buried* if it really
 *   is; both are final. Hence item k is taken only once every earlier item is final, and no later item is
 *   taken while k is unfinished.
 * - That argument needs a job's outbox ids to become visible in id order. Identity values are handed out
 *   at INSERT, not at COMMIT, so two transactions enqueuing for one job could commit out of order and let
 *   id 11 be claimed before id 10 appears. Every writer of outbox rows therefore holds the job row
 *   `FOR UPDATE` (applyEvent, markSubmitted, enqueue; createJob's job is not yet visible).
 * - Belt and braces: the claim also takes the job row `FOR NO KEY UPDATE … SKIP LOCKED`. Two claims can then
 *   never look at the same job at the same time, and a job whose event or enqueue is still being written is
 *   skipped until it commits. No claim ever waits on a lock, so it can neither deadlock nor stall.
 * https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
export const claimOutboxSql = `
WITH claimable AS (
  SELECT o.id FROM outbox o JOIN jobs j ON j.id = o.job_id
  WHERE o.done_at IS NULL AND NOT o.dead AND o.run_at <= $1 AND (o.locked_until IS NULL OR o.locked_until < $1)
    AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.job_id = o.job_id AND p.id < o.id AND p.done_at IS NULL AND NOT p.dead)
  ORDER BY o.run_at, o.id
  LIMIT $2
  FOR UPDATE OF o SKIP LOCKED
  FOR NO KEY UPDATE OF j SKIP LOCKED
)
UPDATE outbox SET locked_by = $3, locked_until = $4, attempts = outbox.attempts + 1
FROM claimable WHERE outbox.id = claimable.id
RETURNING outbox.id, outbox.job_id, outbox.kind, outbox.attempts, outbox.run_at, outbox.last_error`;

/**
 * Claim due polls and push them to $3 in one statement: $1 now, $2 limit. SKIP LOCKED hands each job to one
 * poller; a job pushed a moment ago fails `next_poll_at <= now` on re-check. Answers the rows as they were
 * before the push, like the SQLite store.
 */
export const claimDuePollsSql = `
WITH due AS (
  SELECT * FROM jobs
  WHERE next_poll_at IS NOT NULL AND next_poll_at <= $1 AND task_id IS NOT NULL AND state NOT IN ('complete', 'failed', 'cancelled')
  ORDER BY next_poll_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
), pushed AS (
  UPDATE jobs SET next_poll_at = $3 FROM due WHERE jobs.id = due.id
)
SELECT * FROM due ORDER BY next_poll_at, id`;
