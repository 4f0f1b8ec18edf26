// Liveness, readiness and Prometheus metrics.
import type { FastifyInstance } from 'fastify';
import type { JobStore } from '../core/ports.js';
import type { Metrics } from '../ops/metrics.js';

export async function opsRoutes(app: FastifyInstance, o: { store: JobStore; metrics: Metrics }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await o.store.ping().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'store unreachable' });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });
}
