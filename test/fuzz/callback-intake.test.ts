// Fuzzed intake at POST /callbacks/kie/:token on a real app and a real SQLite store: whatever arrives —
// junk, Kie's own payloads mutated, any token, any signature — the answer is never a 5xx, the process never
// crashes, a refused request leaves the store exactly as it was, and an accepted one only moves jobs forward.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/kie/signature.js';
import { contentType, fixtures, garbage, junkBody, mutatedFixture, signatureKind, tokenSegment } from './arbitraries.js';
import { movedOnlyForward, startIntake, strangerTaskId, type Intake } from './harness.js';

const KEY = 'fuzz-webhook-hmac-key';
const RUNS = 500;

function headers(kind: string, taskId: string, key: string, garbled: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const sign = (ts: number, id = taskId) => ({ 'x-webhook-timestamp': String(ts), 'x-webhook-signature': signWebhook(key, id, ts) });
  switch (kind) {
    case 'valid': return sign(now);
    case 'stale': return sign(now - 3_600);
    case 'future': return sign(now + 3_600);
    case 'other-task': return sign(now, strangerTaskId);
    case 'garbled': return { 'x-webhook-timestamp': garbled, 'x-webhook-signature': garbled };
    case 'empty': return { 'x-webhook-timestamp': '', 'x-webhook-signature': '' };
    default: return {};
  }
}

for (const hmac of [false, true]) {
  describe(`fuzzed callback intake ${hmac ? 'with' : 'without'} KIE_WEBHOOK_HMAC_KEY`, () => {
    let intake: Intake;
    beforeAll(async () => {
      // Load shedding off: a busy CI machine must not turn a refused-for-cause request into a 503 here.
      intake = await startIntake(hmac ? { KIE_WEBHOOK_HMAC_KEY: KEY } : {}, { shedEventLoopDelayMs: 0 });
    });
    afterAll(async () => intake.close());

    // The request, built around one seeded job: its token (or any other path segment), a body that is either
    // junk or a mutated Kie payload carrying the job's task id (or a stranger's), headers as they come.
    const arbitrary = () =>
      fc
        .record({
          job: fc.constantFrom(...intake.jobs),
          ownToken: fc.boolean(),
          segment: tokenSegment(intake.jobs.map((j) => j.token)),
          matchTask: fc.boolean(),
          contentType,
          signature: signatureKind,
          garbled: garbage,
          method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'PUT', 'GET'),
        })
        .chain((r) => {
          const taskId = r.matchTask ? (r.job.taskId ?? strangerTaskId) : strangerTaskId;
          return fc.oneof({ weight: 3, arbitrary: mutatedFixture(taskId) }, { weight: 1, arbitrary: junkBody }).map((payload) => ({ ...r, taskId, payload }));
        });

    // What Kie itself sends: one of its payloads, unmutated, at a job's own token, correctly signed — carrying
    // that job's task id or a stranger's. Drawn on purpose one time in five: left to chance, a fully valid request
    // is rare enough (under 1 % of draws with HMAC on) that a run could pass without ever reaching the store.
    const genuine = () =>
      fc.record({ job: fc.constantFrom(...intake.jobs), fixture: fc.constantFrom(...fixtures), matchTask: fc.boolean() }).map(({ job, fixture, matchTask }) => {
        const taskId = matchTask ? (job.taskId ?? strangerTaskId) : strangerTaskId;
        const body = structuredClone(fixture) as { data?: { task_id?: string } };
        if (body.data) body.data.task_id = taskId;
        return { job, ownToken: true, segment: job.token, matchTask, contentType: 'application/json', signature: 'valid', garbled: '', method: 'POST', taskId, payload: JSON.stringify(body) };
      });
    const request = () => fc.oneof({ weight: 4, arbitrary: arbitrary() }, { weight: 1, arbitrary: genuine() });

    it('GIVEN arbitrary requests at the callback URL WHEN they are refused THEN no 5xx and the store is unchanged; WHEN accepted THEN jobs only move forward', async () => {
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(request(), fc.context(), async (r, ctx) => {
          const url = `/callbacks/kie/${r.ownToken ? r.job.token : r.segment}`;
          const before = intake.snapshot();
          const states = intake.states();
          const res = await intake.bot.app.inject({
            method: r.method as 'POST',
            url,
            payload: r.payload,
            headers: { 'content-type': r.contentType, ...(hmac ? headers(r.signature, r.taskId, KEY, r.garbled) : {}) },
          });
          ctx.log(`${r.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode !== 200) {
            expect(intake.snapshot()).toBe(before);
            // The app's error shape. (Fastify's own bad-URL answer adds `code` and `statusCode`: reported.)
            expect(res.json()).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String) }));
          } else {
            expect(movedOnlyForward(states, intake.states())).toBe(true);
          }
        }),
        { numRuns: RUNS },
      );
      // The generators reach every layer: accepted, malformed, unknown token, wrong task, (bad signature).
      expect([...seen.keys()].sort()).toEqual(expect.arrayContaining(hmac ? [200, 400, 401, 404, 409] : [200, 400, 404, 409]));
      // Still serving after all of it.
      expect((await intake.bot.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });

    it('GIVEN a body over the size limit WHEN posted to a real token THEN 413 and nothing stored', async () => {
      const before = intake.snapshot();
      const huge = JSON.stringify({ code: 200, msg: 'x'.repeat(300 * 1024), data: { task_id: intake.jobs[0]!.taskId } });
      const res = await intake.bot.app.inject({ method: 'POST', url: `/callbacks/kie/${intake.jobs[0]!.token}`, payload: huge, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(413);
      expect(intake.snapshot()).toBe(before);
    });
  });
}
