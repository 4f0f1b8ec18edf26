// Liveness, readiness and Prometheus metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JobStore } from '../core/ports.js';
import type { Metrics } from '../ops/metrics.js';

/** `Authorization: Bearer <token>`, compared over sha256 digests so neither content nor length leaks through timing. */
function bearerMatches(req: FastifyRequest, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!given) return false;
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Probes stay open (orchestrators call them unauthenticated); /metrics asks for `metricsToken` when one is set. */
export async function opsRoutes(app: FastifyInstance, o: { store: JobStore; metrics: Metrics; metricsToken?: string }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await o.store.ping().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'store unreachable' });
  });
  app.get('/metrics', async (req, reply) => {
    if (o.metricsToken && !bearerMatches(req, o.metricsToken)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({ error: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' });
    }
    return reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });
}
