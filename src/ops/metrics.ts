// Prometheus metrics on a registry of our own (not prom-client's global), so several apps can live in
// one test process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(outboxDepth: () => Promise<number>, withDefaults = true) {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'stembot_' });
  const m = {
    registry,
    jobsSubmitted: new Counter({ name: 'stembot_jobs_submitted_total', help: 'Jobs accepted from chat', labelNames: ['kind', 'platform'], registers: [registry] }),
    jobsCompleted: new Counter({ name: 'stembot_jobs_completed_total', help: 'Jobs Kie completed', labelNames: ['kind'], registers: [registry] }),
    jobsFailed: new Counter({ name: 'stembot_jobs_failed_total', help: 'Jobs that failed', labelNames: ['kind', 'code'], registers: [registry] }),
    callbacks: new Counter({ name: 'stembot_callbacks_total', help: 'Kie callbacks by outcome', labelNames: ['outcome'], registers: [registry] }),
    polls: new Counter({ name: 'stembot_polls_total', help: 'record-info polls by outcome', labelNames: ['outcome'], registers: [registry] }),
    steps: new Counter({ name: 'stembot_outbox_steps_total', help: 'Outbox steps by kind and result', labelNames: ['kind', 'result'], registers: [registry] }),
    deliveryLatency: new Histogram({
      name: 'stembot_delivery_latency_seconds',
      help: 'From Kie reporting completion to the last file posted',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'stembot_outbox_depth',
    help: 'Outbox items waiting or in progress',
    registers: [registry],
    async collect() {
      this.set(await outboxDepth());
    },
  });
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
