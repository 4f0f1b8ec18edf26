// Slow clients must not hold the server (a body dripped one byte every few seconds keeps a socket alive past
// any idle timeout). Node cuts a request whose headers or whole body take too long (`headersTimeout`,
// `requestTimeout`, checked every `connectionsCheckingInterval`), but its limit is one per server: set to the
// upload routes' longer limit. This hook gives every other route the shorter one: a request whose body is
// still arriving after `requestTimeoutMs` gets 408 and its connection closed. A slow handler is not cut
// (the body is complete by then). Upload routes opt out with `config: { slowBody: true }`.
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Receives large uploads: only the server-wide (longer) request timeout applies. */
    slowBody?: boolean;
  }
}

export const uploadRouteConfig = { slowBody: true } as const;

export function cutSlowBodies(app: FastifyInstance, requestTimeoutMs: number): void {
  if (requestTimeoutMs <= 0) return;
  app.addHook('onRequest', (req, reply, done) => {
    if (req.routeOptions.config?.slowBody || req.raw.complete) return done();
    const timer = setTimeout(() => {
      if (req.raw.complete || reply.sent || reply.raw.headersSent) return;
      // The route pattern, not the URL: a callback URL carries its job's secret token.
      req.log.warn({ route: req.routeOptions.url }, 'request body too slow: cut off');
      // Fastify must not answer again when the body parser fails on the closed socket.
      reply.hijack();
      reply.raw.writeHead(408, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      reply.raw.end(JSON.stringify({ error: 'request_timeout', message: 'The request took too long to arrive.' }), () => req.raw.socket?.destroy());
    }, requestTimeoutMs);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
    req.raw.once('end', () => clearTimeout(timer));
    done();
  });
}
