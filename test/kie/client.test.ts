import { afterEach, describe, expect, it } from 'vitest';
import type { KieClient } from '../../src/kie/client.js';
import { KEY, envelope, mockedClient, seen, type Seen } from './helpers.js';

const clients: KieClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
function setup(options: Parameters<typeof mockedClient>[0] = {}) {
  const m = mockedClient(options);
  clients.push(m.client);
  return m;
}
const noErrorMentionsKey = (r: unknown) => expect(JSON.stringify(r)).not.toContain(KEY);

describe('KieClient submissions — GIVEN a mocked Kie', () => {
  it.each([
    ['submitSeparation', '/api/v1/vocal-removal/generate', { audioUrl: 'https://cdn.example.com/song.mp3', type: 'separate_vocal', callBackUrl: 'https://bot.example.com/cb/x' }],
    ['submitAddVocals', '/api/v1/generate/add-vocals', { uploadUrl: 'https://cdn.example.com/i.mp3', prompt: 'rivers', title: 'River', style: 'Folk', negativeTags: '', callBackUrl: 'https://bot.example.com/cb/y' }],
    ['submitAddInstrumental', '/api/v1/generate/add-instrumental', { uploadUrl: 'https://cdn.example.com/v.mp3', title: 'Night', tags: 'lofi', negativeTags: 'metal', callBackUrl: 'https://bot.example.com/cb/z' }],
  ] as const)('WHEN %s is called THEN it POSTs %s with the JSON body and the bearer key, and answers the taskId', async (method, path, body) => {
    const { client, api } = setup();
    let got: Seen | undefined;
    api.intercept({ path, method: 'POST' }).reply(200, (opts) => {
      got = seen(opts);
      return envelope({ taskId: '5c79be8e' });
    });
    const r = await (client[method] as (b: unknown) => ReturnType<KieClient['submitSeparation']>)(body);
    expect(r).toEqual({ ok: true, value: { taskId: '5c79be8e' } });
    expect(got).toMatchObject({ path, method: 'POST', body });
    expect(got!.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(client.stats().submissionsSent).toBe(1);
  });

  it.each([
    [401, 'Unauthorized access', 'KIE_UNAUTHORIZED'],
    [402, 'Insufficient credits', 'KIE_INSUFFICIENT_CREDITS'],
    [429, 'Insufficient credits', 'KIE_INSUFFICIENT_CREDITS'],
    [413, 'Theme or prompt too long', 'KIE_TOO_LONG'],
    [455, 'System maintenance', 'KIE_MAINTENANCE'],
    [400, 'audioUrl is not a supported audio format', 'KIE_BAD_PARAMETERS'],
    [500, 'Server error', 'KIE_SERVER_ERROR'],
  ] as const)('WHEN Kie answers HTTP 200 with envelope code %i THEN %s with Kie’s words, and no retry', async (code, msg, expected) => {
    const { client, api } = setup();
    api.intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).reply(200, { code, msg });
    const r = await client.submitSeparation({ audioUrl: 'https://x/s.mp3', type: 'separate_vocal', callBackUrl: 'https://b/c' });
    expect(r).toEqual({ ok: false, code: expected, detail: msg });
    expect(client.stats()).toMatchObject({ submissionsSent: 1, rateLimitedSeen: 0 });
  });

  it('WHEN Kie answers HTTP 401 with an HTML page THEN KIE_UNAUTHORIZED', async () => {
    const { client, api } = setup();
    api.intercept({ path: '/api/v1/chat/credit', method: 'GET' }).reply(401, '<html>nope</html>');
    expect(await client.getCredits()).toMatchObject({ ok: false, code: 'KIE_UNAUTHORIZED' });
  });

  it('WHEN HTTP 429 (Retry-After: 2) comes first and then 200 THEN it waits 2 s, retries once, and succeeds', async () => {
    const { client, api, time } = setup();
    api.intercept({ path: '/api/v1/generate/add-vocals', method: 'POST' }).reply(429, 'slow down', { headers: { 'retry-after': '2' } });
    api.intercept({ path: '/api/v1/generate/add-vocals', method: 'POST' }).reply(200, envelope({ taskId: 'after-wait' }));
    const r = await client.submitAddVocals({ uploadUrl: 'https://x/i.mp3', prompt: 'p', title: 't', style: 's', negativeTags: '', callBackUrl: 'https://b/c' });
    expect(r).toEqual({ ok: true, value: { taskId: 'after-wait' } });
    expect(time.slept).toEqual([2000]);
    expect(client.stats()).toMatchObject({ submissionsSent: 2, rateLimitedSeen: 1 });
  });

  it('WHEN Kie keeps answering envelope 430 THEN exponential backoff, then KIE_RATE_LIMITED after maxRetries429', async () => {
    const { client, api, time } = setup({ maxRetries429: 2, retryBaseMs: 500 });
    api.intercept({ path: '/api/v1/generate/add-instrumental', method: 'POST' }).reply(200, { code: 430, msg: 'Your call frequency is too high. Please try again later.' }).times(3);
    const r = await client.submitAddInstrumental({ uploadUrl: 'https://x/v.mp3', title: 't', tags: 'lofi', negativeTags: '', callBackUrl: 'https://b/c' });
    expect(r).toMatchObject({ ok: false, code: 'KIE_RATE_LIMITED', retryAfterMs: 2000 });
    expect(time.slept).toEqual([500, 1000]);
    expect(client.stats()).toMatchObject({ submissionsSent: 3, rateLimitedSeen: 3 });
  });

  it('WHEN the network fails THEN KIE_UNREACHABLE, and the key appears nowhere in the error', async () => {
    const { client, api } = setup();
    api.intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).replyWithError(new Error(`connect ECONNREFUSED (auth ${KEY})`));
    const r = await client.submitSeparation({ audioUrl: 'https://x/s.mp3', type: 'split_stem', callBackUrl: 'https://b/c' });
    expect(r).toMatchObject({ ok: false, code: 'KIE_UNREACHABLE' });
    expect(r.ok ? '' : r.detail).toContain('ECONNREFUSED');
    noErrorMentionsKey(r);
  });

  it('WHEN Kie echoes the key in its message THEN the detail is redacted', async () => {
    const { client, api } = setup();
    api.intercept({ path: '/api/v1/chat/credit', method: 'GET' }).reply(200, { code: 401, msg: `bad key ${KEY}` });
    const r = await client.getCredits();
    expect(r).toEqual({ ok: false, code: 'KIE_UNAUTHORIZED', detail: 'bad key [redacted]' });
  });

  it.each([
    ['a success envelope without taskId', envelope({})],
    ['a body that is not JSON', 'Bad Gateway but 200'],
    ['JSON that is not an envelope', { hello: 'world' }],
    ['a taskId that is a number', envelope({ taskId: 42 })],
  ])('WHEN Kie answers %s THEN KIE_BAD_RESPONSE', async (_what, body) => {
    const { client, api } = setup();
    api.intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).reply(200, body);
    const r = await client.submitSeparation({ audioUrl: 'https://x/s.mp3', type: 'separate_vocal', callBackUrl: 'https://b/c' });
    expect(r).toMatchObject({ ok: false, code: 'KIE_BAD_RESPONSE' });
  });
});

describe('KieClient reads — GIVEN a mocked Kie', () => {
  it('WHEN credits are asked THEN the number in data', async () => {
    const { client, api } = setup();
    api.intercept({ path: '/api/v1/chat/credit', method: 'GET' }).reply(200, envelope(1234.5));
    expect(await client.getCredits()).toEqual({ ok: true, value: 1234.5 });
  });

  it('WHEN record-info answers data null THEN ok with null (nothing to say yet)', async () => {
    const { client, api } = setup();
    api.intercept({ path: `/api/v1/vocal-removal/record-info?taskId=a%2Fb`, method: 'GET' }).reply(200, envelope(null));
    expect(await client.getSeparationRecord('a/b')).toEqual({ ok: true, value: null });
  });

  it('WHEN Kie fetches a file by URL THEN the JSON body goes to the upload host', async () => {
    const { client, upload } = setup();
    let got: Seen | undefined;
    upload.intercept({ path: '/api/file-url-upload', method: 'POST' }).reply(200, (opts) => {
      got = seen(opts);
      return { success: true, code: 200, msg: 'File uploaded successfully', data: { fileName: 'a.mp3', downloadUrl: 'https://tempfile.redpandaai.co/a.mp3', fileSize: 10 } };
    });
    const r = await client.uploadFileUrl({ fileUrl: 'https://cdn.example.com/a.mp3', uploadPath: 'stembot', fileName: 'a.mp3' });
    expect(r).toMatchObject({ ok: true, value: { downloadUrl: 'https://tempfile.redpandaai.co/a.mp3' } });
    expect(got!.body).toEqual({ fileUrl: 'https://cdn.example.com/a.mp3', uploadPath: 'stembot', fileName: 'a.mp3' });
  });

  it('WHEN the upload host answers code 200 with success:false THEN it is not taken for a success', async () => {
    const { client, upload } = setup();
    upload.intercept({ path: '/api/file-url-upload', method: 'POST' }).reply(200, { success: false, code: 200, msg: 'download timeout', data: null });
    expect(await client.uploadFileUrl({ fileUrl: 'https://x/a.mp3', uploadPath: 'p' })).toMatchObject({ ok: false, code: 'KIE_BAD_RESPONSE', detail: 'download timeout' });
  });
});

describe('KieClient.close', () => {
  it('GIVEN a submission queued behind a full window WHEN the client closes THEN it ends at once as KIE_UNREACHABLE', async () => {
    const { client, api } = setup({ submitPerWindow: 1, submitWindowMs: 60_000, clock: { now: () => Date.now() }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    api.intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).reply(200, envelope({ taskId: 'first' }));
    const body = { audioUrl: 'https://x/s.mp3', type: 'separate_vocal', callBackUrl: 'https://b/c' } as const;
    expect(await client.submitSeparation(body)).toMatchObject({ ok: true });
    const queued = client.submitSeparation(body);
    const started = Date.now();
    await client.close();
    expect(await queued).toEqual({ ok: false, code: 'KIE_UNREACHABLE', detail: 'Kie client is closed' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await client.getCredits()).toMatchObject({ ok: false, code: 'KIE_UNREACHABLE' });
  });
});
