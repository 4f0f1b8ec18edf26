// Spend-control metrics (issue 12), on stembot's own registry: credits Kie charged by kind and platform, the
// last balance read, budget refusals and cancels.
import { Counter, Gauge, type Registry } from 'prom-client';

export function createSpendMetrics(registry: Registry) {
  return {
    creditsSpent: new Counter({ name: 'stembot_credits_spent_total', help: 'Kie credits charged: the cost of each job Kie accepted', labelNames: ['kind', 'platform'], registers: [registry] }),
    balance: new Gauge({ name: 'stembot_kie_balance_credits', help: 'Kie credit balance at the last read (after a submission, or /credits)', registers: [registry] }),
    budgetRefusals: new Counter({ name: 'stembot_budget_refusals_total', help: 'Commands refused by a credit budget', labelNames: ['budget', 'platform'], registers: [registry] }),
    cancels: new Counter({ name: 'stembot_jobs_cancelled_total', help: 'Jobs cancelled, by whether Kie had accepted them', labelNames: ['platform', 'stage'], registers: [registry] }),
  };
}
export type SpendMetrics = ReturnType<typeof createSpendMetrics>;
