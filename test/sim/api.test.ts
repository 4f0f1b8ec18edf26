import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { AUTH, startHarness, type Harness } from './helpers.js';

const SEPARATE = '/api/v1/vocal-removal/generate';
const ADD_VOCALS = '/api/v1/generate/add-vocals';
const ADD_INSTRUMENTAL = '/api/v1/generate/add-instrumental';
const CB = 'http://127.0.0.1:9/cb';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const vocals = { uploadUrl: 'https://example.com/in.mp3', prompt: 'p', title: 't', style: 's', negativeTags: '', callBackUrl: CB };

describe('API contract', () => {
  it('GIVEN no bearer, a malformed one or the wrong key WHEN calling THEN 401 with an envelope; the right key is accepted', async () => {
    h = await startHarness({ apiKey: 'right' });
    const body = { audioUrl: 'https://example.com/a.mp3', callBackUrl: CB };
    for (const headers of [{}, { authorization: 'Token right' }, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const res = await h.api('POST', SEPARATE, body, headers);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ code: 401, msg: 'You do not have access permissions', data: null });
    }
    expect((await h.api('GET', '/api/v1/chat/credit', undefined, {})).status).toBe(401);
    const ok = await h.api('POST', SEPARATE, body, { authorization: 'Bearer right' });
    expect(ok.json).toMatchObject({ code: 200, msg: 'success', data: { taskId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
  });

  it.each([
    [SEPARATE, { audioUrl: 'https://example.com/a.mp3' }, 'callBackUrl is required'],
    [SEPARATE, { callBackUrl: CB }, 'audioUrl or taskId + audioId is required'],
    [SEPARATE, { audioUrl: 'https://example.com/a.mp3', taskId: 'x', audioId: 'y', callBackUrl: CB }, 'send either taskId + audioId or audioUrl, not both'],
    [SEPARATE, { taskId: 'x', callBackUrl: CB }, 'audioId is required with taskId'],
    [SEPARATE, { audioUrl: 'ftp://example.com/a.mp3', callBackUrl: CB }, 'audioUrl must be an http(s) URL'],
    [SEPARATE, { audioUrl: 'https://example.com/a.mp3', type: 'split_stem_advanced', callBackUrl: CB }, 'stemName is required for split_stem_advanced'],
    [SEPARATE, { audioUrl: 'https://example.com/a.mp3', type: 'karaoke', callBackUrl: CB }, 'type must be separate_vocal, split_stem or split_stem_advanced'],
    [ADD_VOCALS, { ...vocals, style: undefined }, 'style is required'],
    [ADD_VOCALS, { ...vocals, negativeTags: undefined }, 'negativeTags is required'],
    [ADD_VOCALS, { ...vocals, audioWeight: 1.5 }, 'audioWeight must be between 0 and 1'],
    [ADD_VOCALS, { ...vocals, vocalGender: 'x' }, 'vocalGender must be m or f'],
    [ADD_VOCALS, { ...vocals, model: 'V3' }, 'model must be V4_5PLUS, V5 or V5_5'],
    [ADD_INSTRUMENTAL, { ...vocals, tags: undefined }, 'tags is required'],
  ])('GIVEN a bad body for %s WHEN submitted THEN HTTP 200 with {code:400, msg:"%s"}', async (path, body, msg) => {
    h = await startHarness();
    const res = await h.api('POST', path, body);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ code: 400, msg: expect.stringContaining(msg as string), data: null });
    expect(h.sim.control.tasks()).toHaveLength(0);
  });

  it('GIVEN a field over its limit or broken JSON WHEN submitted THEN Kie-style envelopes (413, 400) and no task', async () => {
    h = await startHarness();
    const long = await h.api('POST', ADD_VOCALS, { ...vocals, negativeTags: 'x'.repeat(201) });
    expect(long.json).toEqual({ code: 413, msg: 'negativeTags exceeds 200 characters', data: null });
    const res = await request(`${h.sim.url}${SEPARATE}`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"audioUrl":' });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ code: 400, data: null });
    expect(h.sim.control.tasks()).toHaveLength(0);
  });

  it('GIVEN 21 submissions inside one window WHEN sent THEN exactly one gets HTTP 429, is not queued, and stats show it', async () => {
    let now = 1_000_000;
    h = await startHarness({ clock: () => now });
    const results = [];
    for (let i = 0; i < 21; i++) {
      now += 100;
      results.push(await h.api('POST', SEPARATE, { audioUrl: 'https://example.com/a.mp3', callBackUrl: CB }));
    }
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.json).toMatchObject({ code: 429, msg: expect.stringContaining('too many requests') });
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(h.sim.control.tasks()).toHaveLength(20);
    expect(h.sim.control.stats()).toMatchObject({ accepted: 20, rateLimited: 1, maxAcceptedInWindow: 20 });

    now += 10_000 - 100 * 20 + 100; // the first submission has left the sliding window
    expect((await h.api('POST', SEPARATE, { audioUrl: 'https://example.com/a.mp3', callBackUrl: CB })).status).toBe(200);
    expect(h.sim.control.stats().maxAcceptedInWindow).toBe(20);
  });

  it('GIVEN a balance WHEN jobs are submitted THEN each costs its documented credits, and too few credits refuse the job', async () => {
    h = await startHarness({ credits: 100 });
    const credit = async () => (await h!.api('GET', '/api/v1/chat/credit')).json;
    expect(await credit()).toEqual({ code: 200, msg: 'success', data: 100 });
    await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3', type: 'split_stem' });
    await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3', type: 'split_stem_advanced', stemName: 'Piano' });
    await h.submit(ADD_VOCALS, vocals);
    expect((await credit()).data).toBe(100 - 10 - 50 - 20 - 12);

    const refused = await h.api('POST', ADD_INSTRUMENTAL, { ...vocals, tags: 'pop' });
    expect(refused.json).toEqual({ code: 402, msg: 'The current credits are insufficient. Please top up.', data: null });
    expect((await credit()).data).toBe(8);
    expect(h.sim.control.tasks()).toHaveLength(4);
  });

  it('GIVEN record-info WHEN the task id is missing, unknown or of the other family THEN an error envelope', async () => {
    h = await startHarness();
    const genId = await h.submit(ADD_VOCALS, vocals);
    expect((await h.api('GET', '/api/v1/vocal-removal/record-info')).json).toMatchObject({ code: 400, msg: 'taskId is required' });
    expect((await h.api('GET', '/api/v1/generate/record-info?taskId=nope')).json).toMatchObject({ code: 404, data: null });
    expect((await h.api('GET', `/api/v1/vocal-removal/record-info?taskId=${genId}`)).json).toMatchObject({ code: 404 });
    expect((await h.api('GET', `/api/v1/generate/record-info?taskId=${genId}`)).json).toMatchObject({ code: 200 });
  });

  it('GIVEN recordInfoPerSecond 3 WHEN a task is read 4 times in a second THEN the 4th is refused with 429', async () => {
    h = await startHarness({ recordInfoPerSecond: 3 });
    const id = await h.submit(ADD_VOCALS, vocals);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await h.api('GET', `/api/v1/generate/record-info?taskId=${id}`)).status);
    expect(codes).toEqual([200, 200, 200, 429]);
  });
});
