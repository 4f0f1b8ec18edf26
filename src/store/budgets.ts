// The credit budgets as checks a store runs inside the transaction that creates a job (next to the caps in
// caps.ts), so the sum and the insert are one decision across every instance on the database.
import type { Budgets, NewJob, SpendFilter } from '../core/ports.js';

/**
 * A job's cost counts (reserved, then spent) unless it ended failed or cancelled before Kie accepted it (no
 * task id): Kie charges at submission, so nothing was spent and the reservation is released. Written as SQL
 * so both stores and every reader agree.
 */
export const chargedSql = "NOT (state IN ('failed', 'cancelled') AND task_id IS NULL)";

export interface BudgetCheck {
  code: 'USER_BUDGET' | 'SERVER_BUDGET';
  limit: number;
  filter: SpendFilter;
  /** Serialises creates spending from the same budget (Postgres advisory lock), taken after the cap locks. */
  lockKey: string;
}

export function budgetChecks(b: Budgets | undefined, j: Pick<NewJob, 'platform' | 'userId' | 'workspaceId' | 'cost'>): BudgetCheck[] {
  if (!b || !j.cost) return [];
  const checks: BudgetCheck[] = [];
  if (b.userDaily > 0) {
    checks.push({ code: 'USER_BUDGET', limit: b.userDaily, filter: { platform: j.platform, userId: j.userId, since: b.dayStart }, lockKey: `stembot:budget:user:${j.platform}:${j.userId}` });
  }
  if (b.serverMonthly > 0) {
    checks.push({ code: 'SERVER_BUDGET', limit: b.serverMonthly, filter: { platform: j.platform, workspaceId: j.workspaceId, since: b.monthStart }, lockKey: `stembot:budget:workspace:${j.platform}:${j.workspaceId}` });
  }
  return checks;
}

/** WHERE clause and arguments for a spend sum; `p(n)` renders the n-th placeholder (`?` or `$n`). */
export function spendWhere(f: SpendFilter, p: (n: number) => string): { where: string; args: unknown[] } {
  const args: unknown[] = [f.platform, f.since];
  const where = [`platform = ${p(1)}`, `created_at >= ${p(2)}`, chargedSql];
  if (f.userId !== undefined) (args.push(f.userId), where.push(`user_id = ${p(args.length)}`));
  if (f.workspaceId !== undefined) (args.push(f.workspaceId), where.push(`workspace_id = ${p(args.length)}`));
  return { where: where.join(' AND '), args };
}
