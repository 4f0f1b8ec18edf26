// Load shedding: when the event loop falls behind, answer 503 + Retry-After at once instead of queueing
// every request behind the backlog. Kie gives a callback 15 s and retries a failed one (1, 5, 15 min;
// docs/kie-answers.md "Callback retries"), and the poller reads record-info anyway, so a fast 503
// loses nothing — whereas a callback answered after 15 s counts as failed AND still cost us the work.
// Two checks, both before the body is read or parsed (a refused request costs almost nothing):
// - a bound on callbacks in flight (received, not yet answered), in front of Fastify (inFlightGate). It cannot go blind: the queue it bounds is
//   the queue that makes a callback late, whatever each request costs. With the event-loop delay alone a
//   faster intake was NOT protected — the delay tracks connections × cost per request, so at 3× a cheap
//   server's capacity it stayed under the threshold while accepted callbacks waited past Kie's 15 s
//   (docs/intake-performance.md).
// - the mean event-loop delay (@fastify/under-pressure's sampled histogram, in `onRequest`), a backstop for a
//   loop that is truly stuck.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

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

const defaultExemptUrls = ['/healthz', '/metrics'];

export interface InFlightGateOptions {
  /** Callbacks received and not yet answered above which the next one is refused; 0 turns the gate off. */
  max: number;
  retryAfterSec: number;
  /** Counts each refusal (Prometheus). */
  onShed?: () => void;
}

const CALLBACK_PATH = '/callbacks/kie/';

/**
 * The bound on callbacks in flight, wrapped around the HTTP server's request handler (Fastify's
 * `serverFactory`): a refused callback is answered from here, before Fastify routes it, builds its request
 * and reply or reads its body — refusing must cost far less than accepting, or at 3× capacity the refusals
 * alone would queue past Kie's 15 s. Counts POSTs under /callbacks/kie/ only; the slot is freed on the
 * response's 'close', which also fires when the sender gives up.
 */
export function inFlightGate(handler: (req: IncomingMessage, res: ServerResponse) => void, o: InFlightGateOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (o.max <= 0) return handler;
  // The app's one error shape, prepared once.
  const body = JSON.stringify({ error: 'overloaded', message: `stembot is overloaded; retry in ${o.retryAfterSec} s.` });
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'retry-after': String(o.retryAfterSec) };
  let inFlight = 0;
  const release = () => void inFlight--;
  return (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith(CALLBACK_PATH)) return handler(req, res);
    if (inFlight >= o.max) {
      o.onShed?.();
      res.writeHead(503, headers).end(body); // Node discards the unread body and keeps the connection
      return;
    }
    inFlight++;
    res.once('close', release);
    handler(req, res);
  };
}

async function loadSheddingPlugin(app: FastifyInstance, o: LoadSheddingOptions): Promise<void> {
  const refuse = (reply: FastifyReply) =>
    reply
      .code(503)
      .header('retry-after', String(o.retryAfterSec))
      .send({ error: 'overloaded', message: `stembot is overloaded; retry in ${o.retryAfterSec} s.` });
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
      void refuse(reply);
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
