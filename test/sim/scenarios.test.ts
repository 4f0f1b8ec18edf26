import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { failureMessages } from '../../src/sim/index.js';
import { download, startHarness, type Harness } from './helpers.js';
import { waitFor } from '../support/wait.js';

const SEPARATE = '/api/v1/vocal-removal/generate';
const ADD_VOCALS = '/api/v1/generate/add-vocals';
const vocals = (extra: Record<string, unknown> = {}) => ({
  uploadUrl: 'https://example.com/in.mp3',
  prompt: 'la la',
  title: 'Song',
  style: 'Pop',
  negativeTags: '',
  ...extra,
});
const stages = (h: Harness, taskId: string) => h.receiver.forTask(taskId).map((r) => r.body.data.callbackType);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('many callbacks at once', () => {
  it('GIVEN 15 separations whose callbacks are all in flight together THEN Node reports no listener leak', async () => {
    // Every callback request shares the simulator's one abort signal; Node warns past 10 listeners on one.
    // A receiver that answers nobody until all 15 have arrived keeps them in flight at the same time.
    const held: ServerResponse[] = [];
    const gate = createServer((req, res) => {
      req.resume();
      held.push(res);
      if (held.length === 15) for (const r of held) r.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"received"}');
    });
    await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
    const callBackUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/cb/kie`;
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      h = await startHarness();
      await Promise.all(Array.from({ length: 15 }, (_, i) => h!.submit(SEPARATE, { audioUrl: `https://example.com/${i}.mp3`, callBackUrl })));
      await h.sim.control.settled();
      await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
      gate.close();
    }
    expect(held).toHaveLength(15);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('scenarios', () => {
  it('GIVEN "duplicate" WHEN add-vocals runs THEN every stage arrives more than once, in stage order', async () => {
    h = await startHarness();
    h.sim.control.scriptNext('duplicate');
    const taskId = await h.submit(ADD_VOCALS, vocals());
    await h.sim.control.settled();
    expect(stages(h, taskId)).toEqual(['text', 'text', 'first', 'first', 'complete', 'complete', 'complete']);
  });

  it('GIVEN "out-of-order" WHEN add-vocals runs THEN complete comes before first and text, and record-info stays SUCCESS', async () => {
    h = await startHarness();
    h.sim.control.scriptNext('out-of-order');
    const taskId = await h.submit(ADD_VOCALS, vocals());
    await h.sim.control.settled();
    expect(stages(h, taskId)).toEqual(['complete', 'first', 'text']);
    expect((await h.api('GET', `/api/v1/generate/record-info?taskId=${taskId}`)).json.data.status).toBe('SUCCESS');
  });

  it('GIVEN "skip-stages" WHEN add-vocals runs THEN only complete arrives', async () => {
    h = await startHarness();
    h.sim.control.scriptNext('skip-stages');
    const taskId = await h.submit(ADD_VOCALS, vocals());
    await h.sim.control.settled();
    expect(stages(h, taskId)).toEqual(['complete']);
  });

  it('GIVEN "lost-callback" WHEN a separation finishes THEN nothing is sent but record-info tells the truth', async () => {
    h = await startHarness();
    h.sim.control.scriptNext('lost-callback');
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.sim.control.settled();
    expect(h.receiver.received).toHaveLength(0);
    const rec = await h.api('GET', `/api/v1/vocal-removal/record-info?taskId=${taskId}`);
    expect(rec.json.data.successFlag).toBe('SUCCESS');
    expect(h.sim.control.callbacks()).toMatchObject([{ taskId, stage: 'complete', lost: true, status: null }]);
    expect(h.sim.control.stats()).toMatchObject({ callbacksSent: 0, callbacksLost: 1 });
  });

  it.each([400, 401, 402, 413, 429, 451, 455, 500])('GIVEN "fail-%i" WHEN add-vocals runs THEN a failed callback carries the code and record-info agrees', async (code) => {
    h = await startHarness();
    h.sim.control.scriptNext(`fail-${code}` as 'fail-400');
    const taskId = await h.submit(ADD_VOCALS, vocals());
    await h.sim.control.settled();
    const last = h.receiver.forTask(taskId).at(-1)!.body;
    expect(last).toEqual({ code, msg: failureMessages[code], data: { callbackType: 'failed', task_id: taskId, data: null } });
    const rec = (await h.api('GET', `/api/v1/generate/record-info?taskId=${taskId}`)).json.data;
    expect(rec).toMatchObject({ errorCode: code, errorMessage: failureMessages[code] });
    const expected = code === 400 ? 'SENSITIVE_WORD_ERROR' : [401, 402, 413, 429].includes(code) ? 'CREATE_TASK_FAILED' : 'GENERATE_AUDIO_FAILED';
    expect(rec.status).toBe(expected);
  });

  it('GIVEN "fail-451" WHEN a separation runs THEN the callback is just code, msg and task_id', async () => {
    h = await startHarness();
    h.sim.control.scriptNext('fail-451');
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.sim.control.settled();
    expect(h.receiver.forTask(taskId).map((r) => r.body)).toEqual([{ code: 451, msg: failureMessages[451], data: { task_id: taskId } }]);
    const rec = (await h.api('GET', `/api/v1/vocal-removal/record-info?taskId=${taskId}`)).json.data;
    expect(rec).toMatchObject({ successFlag: 'GENERATE_AUDIO_FAILED', errorCode: 451, response: null });
  });

  it('GIVEN "empty-stems" WHEN split_stem completes THEN those URLs are "" in the callback, null in record-info and not served', async () => {
    h = await startHarness({ stemDurationSec: 0.1 });
    h.sim.control.scriptNext('empty-stems');
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3', type: 'split_stem' });
    await h.sim.control.settled();
    const info = h.receiver.forTask(taskId)[0]!.body.data.vocal_separation_info;
    expect([info.vocal_url, info.backing_vocals_url, info.brass_url, info.woodwinds_url]).toEqual(['', '', '', '']);
    expect(info.drums_url).toMatch(/drums\.wav$/);
    const rec = (await h.api('GET', `/api/v1/vocal-removal/record-info?taskId=${taskId}`)).json.data;
    expect(rec.response.vocalUrl).toBeNull();
    expect(rec.response.originData).toHaveLength(8);
    expect((await download(`${h.sim.url}/files/${taskId}/vocal.wav`)).status).toBe(404);
  });

  it('GIVEN "big-stems" WHEN a stem is downloaded THEN 30 MiB stream with a matching Content-Length', async () => {
    h = await startHarness();
    h.sim.control.scriptNext('big-stems');
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.sim.control.settled();
    const file = await download(h.receiver.forTask(taskId)[0]!.body.data.vocal_separation_info.vocal_url);
    expect(Number(file.headers['content-length'])).toBe(30 * 1024 * 1024);
    expect(file.bytes.length).toBe(30 * 1024 * 1024);
    expect(file.bytes.readUInt32LE(40)).toBe(30 * 1024 * 1024 - 44);
  });

  it('GIVEN a person asks in the URL or title WHEN jobs are submitted THEN that scenario runs, and a queued script wins over both', async () => {
    h = await startHarness();
    const byQuery = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3?sim=fail-500' });
    const byFragment = await h.submit(ADD_VOCALS, vocals({ uploadUrl: 'https://example.com/in.mp3#sim=skip-stages' }));
    const byTitle = await h.submit(ADD_VOCALS, vocals({ title: '[sim:fail-413] River Song' }));
    const unknown = await h.submit(ADD_VOCALS, vocals({ title: '[sim:no-such-thing] Song' }));
    h.sim.control.scriptNext('lost-callback');
    const scripted = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3?sim=fail-500' });
    const byId = new Map(h.sim.control.tasks().map((t) => [t.taskId, t.scenario]));
    expect([byQuery, byFragment, byTitle, unknown, scripted].map((id) => byId.get(id))).toEqual(['fail-500', 'skip-stages', 'fail-413', 'happy', 'lost-callback']);

    await h.sim.control.settled();
    expect(h.receiver.forTask(byTitle).at(-1)!.body.code).toBe(413);
    const done = h.sim.control.task(byFragment)!.record as any;
    expect(done.response.sunoData[0].title).toBe('Song');
  });

  it('GIVEN explicit steps WHEN scripted THEN the callbacks follow them exactly, with the given code and message', async () => {
    h = await startHarness();
    h.sim.control.scriptNext({
      steps: [
        { stage: 'text', afterMs: 100 },
        { stage: 'first', afterMs: 200, lost: true },
        { stage: 'failed', afterMs: 300, code: 500, msg: 'GPU on fire', duplicate: 2 },
      ],
    });
    const taskId = await h.submit(ADD_VOCALS, vocals());
    await h.sim.control.settled();
    expect(h.receiver.forTask(taskId).map((r) => [r.body.code, r.body.data.callbackType, r.body.msg])).toEqual([
      [200, 'text', 'Text generation completed successfully.'],
      [500, 'failed', 'GPU on fire'],
      [500, 'failed', 'GPU on fire'],
    ]);
  });

  it('GIVEN a receiver that fails twice WHEN a callback is sent THEN Kie-style retries deliver it on the third attempt', async () => {
    // Kie's schedule (1, 5, 15 minutes) at speed 3000: 20, 100, 300 ms.
    h = await startHarness({ speed: 3000 }, (n) => (n <= 2 ? 503 : 200));
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.sim.control.settled();
    expect(h.receiver.forTask(taskId)).toHaveLength(3);
    expect(h.sim.control.callbacks().map((c) => [c.attempt, c.status])).toEqual([[1, 503], [2, 503], [3, 200]]);
  });

  it('GIVEN a receiver that always fails WHEN a callback is sent THEN it is tried 4 times (1 + 3 retries) and then given up', async () => {
    h = await startHarness({ speed: 3000 }, () => 500);
    await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.sim.control.settled();
    expect(h.receiver.received).toHaveLength(4);
    expect(h.sim.control.stats().callbacksFailed).toBe(4);
  });

  it('GIVEN a receiver that never answers 200 THEN the retries come after Kie’s 1, 5 and 15 minutes (scaled by speed)', async () => {
    // speed 600: 100 ms, 500 ms, 1500 ms. A timer never fires early; the upper bound allows a busy machine.
    h = await startHarness({ speed: 600 }, () => 500);
    await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.sim.control.settled();
    const at = h.receiver.received.map((r) => r.at);
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    [100, 500, 1500].forEach((expected, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(expected - 5);
      expect(gaps[i]).toBeLessThan(expected + 400);
    });
  });

  it('GIVEN no HMAC key WHEN a callback is sent THEN it carries no signature headers', async () => {
    h = await startHarness();
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await waitFor('the callbacks', () => h!.receiver.forTask(taskId).length === 1);
    expect(h.receiver.received[0]!.headers['x-webhook-signature']).toBeUndefined();
  });

  it('GIVEN pending stages WHEN reset THEN no callback is sent afterwards and the tasks are gone', async () => {
    h = await startHarness({ speed: 1 });
    await h.submit(ADD_VOCALS, vocals());
    h.sim.control.reset();
    await h.sim.control.settled();
    expect(h.receiver.received).toHaveLength(0);
    expect(h.sim.control.tasks()).toHaveLength(0);
  });
});
