// Load shedding on a real Fastify app: the event loop is blocked on purpose (as a CPU-bound burst would),
// and requests then meet a fast 503 with Retry-After, except the liveness probe.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/errors.js';
import { loadShedding } from '../../src/http/load-shedding.js';

let app: FastifyInstance | undefined;
afterEach(async () => app?.close());

async function build(maxEventLoopDelayMs: number): Promise<FastifyInstance> {
  app = Fastify();
  installErrorHandler(app);
  await app.register(loadShedding, { maxEventLoopDelayMs, retryAfterSec: 7, sampleIntervalMs: 100 });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/callbacks/kie/:token', async () => ({ status: 'received' }));
  await app.ready();
  return app;
}

/** Blocks the event loop, then yields once: the overdue sampler runs first and sees the delay. */
async function blockLoop(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs, exactly like an overloaded process
  }
  await new Promise((r) => setTimeout(r, 1));
}

describe('load shedding', () => {
  it('GIVEN a blocked event loop WHEN a callback arrives THEN it gets 503 with Retry-After and the app error shape', async () => {
    const a = await build(30);
    await blockLoop(400);
    const res = await a.inject({ method: 'POST', url: '/callbacks/kie/abc', payload: { code: 200 } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toEqual({ error: 'overloaded', message: 'stembot is overloaded; retry in 7 s.' });
  });

  it('GIVEN a blocked event loop WHEN the liveness probe asks THEN it still answers 200', async () => {
    const a = await build(30);
    await blockLoop(400);
    const res = await a.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
  });

  it('GIVEN an idle event loop WHEN a callback arrives THEN it is handled normally', async () => {
    const a = await build(1_000);
    const res = await a.inject({ method: 'POST', url: '/callbacks/kie/abc', payload: { code: 200 } });
    expect(res.statusCode).toBe(200);
  });

  it('GIVEN shedding turned off (0) WHEN the loop was blocked THEN nothing is refused', async () => {
    const a = await build(0);
    await blockLoop(200);
    const res = await a.inject({ method: 'POST', url: '/callbacks/kie/abc', payload: { code: 200 } });
    expect(res.statusCode).toBe(200);
  });
});
