// Load shedding on a real Fastify app: the event loop is blocked on purpose (as a CPU-bound burst would),
// and requests then meet a fast 503 with Retry-After, except the liveness probe.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/errors.js';
import { inFlightGate, loadShedding } from '../../src/http/load-shedding.js';
import { createServer } from 'node:http';

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

describe('bound on callbacks in flight', () => {
  /** A real port: callbacks are held in the handler until released, as a slow store would hold them. */
  async function held(maxInFlight: number) {
    const gates: (() => void)[] = [];
    app = Fastify({ serverFactory: (handler) => createServer(inFlightGate(handler, { max: maxInFlight, retryAfterSec: 7 })) });
    installErrorHandler(app);
    await app.register(loadShedding, { maxEventLoopDelayMs: 0, retryAfterSec: 7 });
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.post('/callbacks/kie/:token', async () => {
      await new Promise<void>((r) => gates.push(r));
      return { status: 'received' };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const post = (signal?: AbortSignal) =>
      fetch(`${base}/callbacks/kie/abc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":200}', ...(signal ? { signal } : {}) });
    const waitHeld = async (n: number) => {
      for (let i = 0; i < 200 && gates.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      expect(gates.length).toBe(n);
    };
    return { base, post, gates, waitHeld };
  }

  it('GIVEN 2 callbacks held with a cap of 2 WHEN a third arrives THEN it gets 503 + Retry-After at once, and after one answer the next is taken', async () => {
    const h = await held(2);
    const first = [h.post(), h.post()];
    await h.waitHeld(2);
    const third = await h.post();
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('7');
    expect(await third.json()).toEqual({ error: 'overloaded', message: 'stembot is overloaded; retry in 7 s.' });
    expect(h.gates).toHaveLength(2); // the refused one never reached the route
    // Liveness is not counted and never refused.
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    h.gates.shift()!();
    expect((await first[0]!).status).toBe(200);
    const fourth = h.post();
    await h.waitHeld(2);
    for (const g of h.gates.splice(0)) g();
    expect((await first[1]!).status).toBe(200);
    expect((await fourth).status).toBe(200);
  });

  it('GIVEN a held callback whose sender gave up WHEN the next arrives THEN its slot was freed', async () => {
    const h = await held(1);
    const gaveUp = new AbortController();
    const abandoned = h.post(gaveUp.signal).catch(() => 'aborted');
    await h.waitHeld(1);
    gaveUp.abort();
    expect(await abandoned).toBe('aborted');
    await new Promise((r) => setTimeout(r, 50));
    const next = h.post();
    await h.waitHeld(2);
    for (const g of h.gates.splice(0)) g();
    expect((await next).status).toBe(200);
  });
});
