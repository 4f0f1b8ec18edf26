// Load shedding: when the event loop falls behind, answer 503 + Retry-After at once instead of queueing
// every request behind the backlog. Kie gives a callback 15 s and retries a failed one (1, 5, 15 min;
// docs/kie-answers.md "Callback retries"), and the poller reads record-info anyway, so a fast 503
// loses nothing — whereas a callback answered after 15 s counts as failed AND still cost us the work.
// Built on @fastify/under-pressure (a sampled event-loop-delay histogram, checked in `onRequest`,
// before the body is read or parsed: a refused request costs almost nothing).
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export interface LoadSheddingOptions {
  /** Mean event-loop delay (ms) over one sample above which requests are refused; 0 turns shedding off. */
  maxEventLoopDelayMs: number;
  /** Seconds a refused client is asked to wait (`Retry-After`). */
  retryAfterSec: number;
  /** How often the delay is sampled: the reaction time of the shedder. */
  sampleIntervalMs?: number;
  /** Routes never refused: liveness must stay a cheap 200, or an orchestrator restarts a busy server. */
  exemptUrls?: string[];
  /** Counts each refusal (Prometheus). */
  onShed?: (url: string) => void;
}

export const defaultExemptUrls = ['/healthz', '/metrics'];

async function loadSheddingPlugin(app: FastifyInstance, o: LoadSheddingOptions): Promise<void> {
  if (o.maxEventLoopDelayMs <= 0) return;
  const exempt = new Set(o.exemptUrls ?? defaultExemptUrls);
  await app.register(underPressure, {
    maxEventLoopDelay: o.maxEventLoopDelayMs,
    sampleInterval: o.sampleIntervalMs ?? 250,
    retryAfter: o.retryAfterSec,
    // Our own answer, in the app's one error shape: under-pressure's default error would reach the
    // error handler as an unknown 503 and leave as a 500.
    pressureHandler: (req: FastifyRequest, reply: FastifyReply) => {
      const url = req.routeOptions.url ?? req.url.split('?')[0]!;
      if (exempt.has(url)) return; // nullish: the request is handled normally
      o.onShed?.(url);
      void reply
        .code(503)
        .header('retry-after', String(o.retryAfterSec))
        .send({ error: 'overloaded', message: `stembot is overloaded; retry in ${o.retryAfterSec} s.` });
    },
  });
}

/**
 * Not encapsulated, so under-pressure's hook lands on the app itself and guards every route. Fastify's
 * documented `skip-override` marker does what fastify-plugin would (that package is not a dependency).
 * Register it before the routes.
 */
export const loadShedding: FastifyPluginAsync<LoadSheddingOptions> = Object.assign(loadSheddingPlugin, {
  [Symbol.for('skip-override')]: true,
});
