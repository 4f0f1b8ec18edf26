// Budgets and spending in words: the UTC periods budgets count in, the refusal sentence, and the `/credits`
// report every platform shows (docs/costs.md).
import { creditsText } from './costs.js';
import type { BudgetRefusal } from './ports.js';
import { formatElapsed } from './status-view.js';

/** Start of the UTC day and month `now` falls in, and when each ends. */
export function periods(now: number): { dayStart: number; dayEnd: number; monthStart: number; monthEnd: number } {
  const d = new Date(now);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return { dayStart, dayEnd: dayStart + 86_400_000, monthStart, monthEnd: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** `2026-12-03`: the UTC day, for once-a-day notice keys. */
export const utcDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The private sentence for a budget refusal: what was used, what is left, when it resets. */
export function describeBudgetRefusal(r: BudgetRefusal, cost: number, now: number): string {
  const p = periods(now);
  const left = Math.max(0, r.limit - r.used);
  if (r.code === 'USER_BUDGET') {
    return (
      `This job would cost ≈ ${creditsText(cost)}, more than is left of your daily budget: ${r.used} of ${creditsText(r.limit)} used today, ${left} left. ` +
      `It resets at 00:00 UTC (in ${formatElapsed(p.dayEnd - now)}). Nothing was spent.`
    );
  }
  const next = new Date(p.monthEnd);
  return (
    `This job would cost ≈ ${creditsText(cost)}, more than is left of this server’s monthly budget: ${r.used} of ${creditsText(r.limit)} used this month, ${left} left. ` +
    `It resets on ${next.getUTCDate()} ${monthNames[next.getUTCMonth()]} at 00:00 UTC. Nothing was spent.`
  );
}

export interface CreditsFacts {
  /** Kie's balance, or why it could not be read; only for server managers. */
  balance?: { ok: true; value: number } | { ok: false };
  user: { today: number; month: number };
  server?: { today: number; month: number };
  budgets: { userDaily: number; serverMonthly: number };
}

/** The `/credits` answer, in plain text with `*bold*` marks each adapter keeps or converts. */
export function describeCredits(f: CreditsFacts, now: number): string {
  const p = periods(now);
  const lines: string[] = [];
  if (f.balance) lines.push(f.balance.ok ? `Kie balance: ${creditsText(f.balance.value)}.` : 'Kie balance: could not be read just now.');
  if (f.server) lines.push(`This server: ${creditsText(f.server.today)} today, ${creditsText(f.server.month)} this month.`);
  lines.push(`You: ${creditsText(f.user.today)} today, ${creditsText(f.user.month)} this month.`);
  if (f.budgets.userDaily > 0) {
    lines.push(`Your daily budget: ${Math.max(0, f.budgets.userDaily - f.user.today)} of ${creditsText(f.budgets.userDaily)} left (resets at 00:00 UTC, in ${formatElapsed(p.dayEnd - now)}).`);
  }
  if (f.budgets.serverMonthly > 0 && f.server) {
    lines.push(`Server monthly budget: ${Math.max(0, f.budgets.serverMonthly - f.server.month)} of ${creditsText(f.budgets.serverMonthly)} left (resets on the 1st at 00:00 UTC).`);
  }
  lines.push('Spending counts jobs started here (queued ones are reserved); days and months are UTC.');
  return lines.join('\n');
}
