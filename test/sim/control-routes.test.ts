import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

const SEPARATE = '/api/v1/vocal-removal/generate';
const NO_AUTH = {};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('HTTP control surface (standalone)', () => {
  it('GIVEN scenarios queued over HTTP WHEN jobs are submitted THEN they run in FIFO order', async () => {
    h = await startHarness();
    expect((await h.api('POST', '/__sim/script', 'fail-500', NO_AUTH)).json).toEqual({ ok: true, queued: 1 });
    expect((await h.api('POST', '/__sim/script', { scenario: 'duplicate', count: 2 }, NO_AUTH)).json).toEqual({ ok: true, queued: 2 });
    expect((await h.api('POST', '/__sim/script', { steps: [{ stage: 'complete', afterMs: 10, lost: true }] }, NO_AUTH)).json.ok).toBe(true);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' }));
    await h.sim.control.settled();
    expect(ids.map((id) => h!.receiver.forTask(id).map((r) => r.body.code))).toEqual([[500], [200, 200, 200], [200, 200, 200], [], [200]]);

    const tasks = (await h.api('GET', '/__sim/tasks', undefined, NO_AUTH)).json;
    expect(tasks.map((t: any) => t.scenario)).toEqual(['fail-500', 'duplicate', 'duplicate', 'scripted', 'happy']);
  });

  it('GIVEN activity WHEN stats, callbacks and uploads are read over HTTP THEN they match the control object', async () => {
    h = await startHarness();
    await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.api('POST', '/api/file-base64-upload', { base64Data: Buffer.from('abc').toString('base64'), uploadPath: 'x', fileName: 'a.txt' });
    await h.sim.control.settled();
    expect((await h.api('GET', '/__sim/stats', undefined, NO_AUTH)).json).toMatchObject({ accepted: 1, rateLimited: 0, maxAcceptedInWindow: 1, callbacksSent: 1, credits: 9_990 });
    expect((await h.api('GET', '/__sim/callbacks', undefined, NO_AUTH)).json).toMatchObject([{ stage: 'complete', status: 200, attempt: 1 }]);
    expect((await h.api('GET', '/__sim/uploads', undefined, NO_AUTH)).json).toMatchObject([{ fileName: 'a.txt', bytes: 3 }]);

    expect((await h.api('POST', '/__sim/reset', {}, NO_AUTH)).json).toEqual({ ok: true });
    expect(h.sim.control.stats()).toMatchObject({ accepted: 0, tasks: 0, credits: 10_000 });
  });

  it('GIVEN an unknown scenario or a broken script WHEN posted THEN 400 and nothing is queued', async () => {
    h = await startHarness();
    expect((await h.api('POST', '/__sim/script', 'fail-999', NO_AUTH)).status).toBe(400);
    expect((await h.api('POST', '/__sim/script', { steps: [{ stage: 'sideways', afterMs: 1 }] }, NO_AUTH)).status).toBe(400);
    const id = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    expect(h.sim.control.task(id)!.scenario).toBe('happy');
  });
});
