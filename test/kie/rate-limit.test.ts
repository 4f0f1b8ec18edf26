import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { KieClient } from '../../src/kie/client.js';
import { SlidingWindow } from '../../src/kie/window.js';
import { API, KEY, envelope, kieTuning, manualTime, mockedClient } from './helpers.js';

/** Largest number of starts inside any sliding window [t, t + windowMs) — times in whole ms, as Date.now gives. */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! - sorted[i]! < windowMs) j++;
    max = Math.max(max, j - i + 1);
  }
  return max;
}

describe('SlidingWindow — GIVEN Kie’s 20 per 10 s and a manual clock', () => {
  it('WHEN 45 starts are asked at once THEN 20 go now, the rest only as the oldest leave the window, none is dropped', async () => {
    const time = manualTime(0);
    const window = new SlidingWindow(20, 10_000, time.clock, time.sleep, () => false);
    const starts: number[] = [];
    for (let i = 0; i < 45; i++) {
      await window.acquire();
      starts.push(time.clock.now());
    }
    expect(starts.slice(0, 20)).toEqual(Array(20).fill(0));
    // The 21st waits for the oldest to be 10 s + the 1% arrival margin old.
    expect(starts[20]).toBe(10_100);
    expect(starts).toHaveLength(45);
    expect(maxInAnyWindow(starts, 10_000)).toBe(20);
    // A fixed reservoir refreshed every 10 s would have allowed 40 around the boundary.
  });

  it('WHEN held after a 429 THEN the next start waits for the hold even with room in the window', async () => {
    const time = manualTime(0);
    const window = new SlidingWindow(20, 10_000, time.clock, time.sleep, () => false);
    window.holdUntil(3_000);
    await window.acquire();
    expect(time.clock.now()).toBe(3_000);
  });
});

describe('KieClient submissions — GIVEN a limit of 4 per 300 ms', () => {
  const body = { audioUrl: 'https://x/s.mp3', type: 'separate_vocal', callBackUrl: 'https://b/c' } as const;

  it('WHEN 10 submissions are queued at once THEN all complete and no 300 ms window ever saw more than 4 reach Kie', async () => {
    // The injected clock moves only when the limiter sleeps, so "when a request reached Kie" is exact.
    const { client, api, time } = mockedClient({ submitPerWindow: 4, submitWindowMs: 300 });
    const t0 = time.clock.now();
    const arrivals: number[] = [];
    api
      .intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' })
      .reply(200, () => {
        arrivals.push(time.clock.now() - t0);
        return envelope({ taskId: `t${arrivals.length}` });
      })
      .persist();

    const results = await Promise.all(Array.from({ length: 10 }, () => client.submitSeparation(body)));

    expect(results.map((r) => (r.ok ? r.value.taskId : r.code))).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', 't10']);
    // Four at once, then each waits for the oldest to be 300 ms + the arrival margin (10% of a short window: 30 ms) old.
    expect(arrivals).toEqual([0, 0, 0, 0, 330, 330, 330, 330, 660, 660]);
    expect(maxInAnyWindow(arrivals, 300)).toBe(4);
    expect(client.stats()).toMatchObject({ submissionsSent: 10, submitQueued: 0 });
    await client.close();
  });

  it('WHEN the same runs on real time THEN all 10 complete, held back about two windows and no more', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(API).intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).reply(200, envelope({ taskId: 'x' })).persist();
    const client = new KieClient({ apiUrl: API, uploadUrl: API, apiKey: KEY, dispatcher: agent, ...kieTuning, submitPerWindow: 4, submitWindowMs: 300 });
    const began = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.submitSeparation(body)));
    const took = Date.now() - began;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(took).toBeGreaterThanOrEqual(660);
    expect(took).toBeLessThan(3_000);
    await client.close();
  });

  it('WHEN the submit window is full THEN a record-info read still goes straight through (its own lane)', async () => {
    const { client, api, time } = mockedClient({ submitPerWindow: 1, submitWindowMs: 5_000, sleep: () => new Promise(() => undefined) });
    api.intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).reply(200, envelope({ taskId: 'x' })).persist();
    api.intercept({ path: '/api/v1/vocal-removal/record-info?taskId=x', method: 'GET' }).reply(200, envelope({ successFlag: 'PENDING' }));
    await client.submitSeparation(body);
    const waiting = client.submitSeparation(body); // sleeps forever: the window is full
    expect(await client.getSeparationRecord('x')).toMatchObject({ ok: true, value: { successFlag: 'PENDING' } });
    expect(time.slept).toEqual([]);
    await client.close();
    expect(await waiting).toMatchObject({ ok: false, code: 'KIE_UNREACHABLE' });
  });

  it('WHEN one task is polled 7 times at once THEN at most 3 reads of it reach Kie in any second', async () => {
    const { client, api, time } = mockedClient({ readsPerSecondPerTask: 3 });
    const t0 = time.clock.now();
    const reads: number[] = [];
    api
      .intercept({ path: '/api/v1/generate/record-info?taskId=g', method: 'GET' })
      .reply(200, () => {
        reads.push(time.clock.now() - t0);
        return envelope({ status: 'PENDING' });
      })
      .persist();
    api.intercept({ path: '/api/v1/generate/record-info?taskId=other', method: 'GET' }).reply(200, envelope({ status: 'PENDING' }));
    await Promise.all(Array.from({ length: 7 }, () => client.getGenerationRecord('g')));
    expect(reads).toHaveLength(7);
    expect(maxInAnyWindow(reads, 1_000)).toBe(3);
    expect(reads.slice(0, 3)).toEqual([0, 0, 0]);
    // Another task is not held back by the first one's budget.
    const before = time.clock.now();
    expect(await client.getGenerationRecord('other')).toMatchObject({ ok: true });
    expect(time.clock.now()).toBe(before);
    await client.close();
  });
});
