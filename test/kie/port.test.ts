import { afterEach, describe, expect, it } from 'vitest';
import type { KiePort } from '../../src/core/ports.js';
import type { JobParams } from '../../src/core/types.js';
import type { KieClient } from '../../src/kie/client.js';
import { defaultCosts } from '../../src/core/costs.js';
import { createKiePort } from '../../src/kie/port.js';
import { envelope, fixture, mockedClient, seen, type Seen } from './helpers.js';

const clients: KieClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
function setup() {
  const m = mockedClient();
  clients.push(m.client);
  return { ...m, port: createKiePort(m.client, { uploadPath: 'stembot', randomId: () => 'r4nd0m' }) };
}
const CB = 'https://bot.example.com/callbacks/kie/tok';

/** Submit through the port and return what Kie received. */
async function submitted(port: KiePort, api: ReturnType<typeof setup>['api'], path: string, ...args: Parameters<KiePort['submit']>) {
  let got: Seen | undefined;
  api.intercept({ path, method: 'POST' }).reply(200, (opts) => {
    got = seen(opts);
    return envelope({ taskId: 'task-9' });
  });
  const r = await port.submit(...args);
  return { r, body: got?.body };
}

describe('KiePort.submit — GIVEN neutral JobParams', () => {
  it.each([
    ['vocals', 'separate_vocal'],
    ['stems', 'split_stem'],
  ] as const)('WHEN mode %s from a URL THEN Kie gets type %s with audioUrl only', async (mode, type) => {
    const { port, api } = setup();
    const { r, body } = await submitted(port, api, '/api/v1/vocal-removal/generate', { kind: 'separate', mode }, { audioUrl: 'https://cdn.example.com/a.mp3' }, CB);
    expect(r).toEqual({ ok: true, value: { taskId: 'task-9' } });
    expect(body).toEqual({ audioUrl: 'https://cdn.example.com/a.mp3', type, callBackUrl: CB });
  });

  it('WHEN mode single from a Kie track THEN split_stem_advanced with taskId, audioId and stemName', async () => {
    const { port, api } = setup();
    const { body } = await submitted(port, api, '/api/v1/vocal-removal/generate', { kind: 'separate', mode: 'single', stem: 'Drum Kit' }, { taskId: 't-1', audioId: 'a-1' }, CB);
    expect(body).toEqual({ taskId: 't-1', audioId: 'a-1', type: 'split_stem_advanced', stemName: 'Drum Kit', callBackUrl: CB });
  });

  it('WHEN mode single has no stem THEN INPUT_INVALID and nothing is sent', async () => {
    const { port, client } = setup();
    const r = await port.submit({ kind: 'separate', mode: 'single' }, { audioUrl: 'https://x/a.mp3' }, CB);
    expect(r).toMatchObject({ ok: false, code: 'INPUT_INVALID' });
    expect(client.stats().submissionsSent).toBe(0);
  });

  it('WHEN add-vocals has no negative tags and a weirdness THEN negativeTags "" and weirdnessConstraint are sent', async () => {
    const { port, api } = setup();
    const params: JobParams = { kind: 'add_vocals', prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song', vocalGender: 'f', model: 'V5', weirdness: 0.72, styleWeight: 0.614 };
    const { body } = await submitted(port, api, '/api/v1/generate/add-vocals', params, { audioUrl: 'https://cdn.example.com/inst.mp3' }, CB);
    expect(body).toEqual({
      uploadUrl: 'https://cdn.example.com/inst.mp3',
      prompt: 'a folk song about rivers',
      style: 'Folk',
      title: 'River Song',
      negativeTags: '',
      vocalGender: 'f',
      model: 'V5',
      weirdnessConstraint: 0.72,
      styleWeight: 0.61,
      callBackUrl: CB,
    });
  });

  it('WHEN add-instrumental is asked THEN tags, negativeTags and audioWeight reach Kie', async () => {
    const { port, api } = setup();
    const { body } = await submitted(port, api, '/api/v1/generate/add-instrumental', { kind: 'add_instrumental', tags: 'lofi, piano', title: 'Night', negativeTags: 'metal', audioWeight: 0.5 }, { audioUrl: 'https://cdn.example.com/vox.mp3' }, CB);
    expect(body).toEqual({ uploadUrl: 'https://cdn.example.com/vox.mp3', tags: 'lofi, piano', title: 'Night', negativeTags: 'metal', audioWeight: 0.5, callBackUrl: CB });
  });

  it.each([
    ['a Kie track as the source of add-vocals', { kind: 'add_vocals', prompt: 'p', style: 's', title: 't' }, { taskId: 't', audioId: 'a' }, /audio file or link/],
    ['an 81-character title', { kind: 'add_instrumental', tags: 'x', title: 'x'.repeat(81) }, { audioUrl: 'https://x/a.mp3' }, /title must be at most 80 characters/],
    ['a 1001-character style', { kind: 'add_vocals', prompt: 'p', style: 's'.repeat(1001), title: 't' }, { audioUrl: 'https://x/a.mp3' }, /style must be at most 1000/],
    ['201 characters of negative tags', { kind: 'add_instrumental', tags: 'x', title: 't', negativeTags: 'n'.repeat(201) }, { audioUrl: 'https://x/a.mp3' }, /negative tags must be at most 200/],
    ['a weight above 1', { kind: 'add_instrumental', tags: 'x', title: 't', styleWeight: 1.5 }, { audioUrl: 'https://x/a.mp3' }, /style weight must be between 0 and 1/],
    ['a source that is not http(s)', { kind: 'separate', mode: 'vocals' }, { audioUrl: 'file:///etc/passwd' }, /audioUrl must be an http\(s\) URL/],
  ] as [string, JobParams, Parameters<KiePort['submit']>[1], RegExp][])('WHEN given %s THEN INPUT_INVALID with a reason, nothing sent', async (_what, params, source, reason) => {
    const { port, client } = setup();
    const r = await port.submit(params, source, CB);
    expect(r).toMatchObject({ ok: false, code: 'INPUT_INVALID' });
    if (!r.ok) expect(r.detail).toMatch(reason);
    expect(client.stats().submissionsSent).toBe(0);
  });
});

describe('KiePort.submit — GIVEN the configured prices (KIE_COSTS)', () => {
  it('WHEN Kie answers an envelope 429 and the balance is below the configured cost (but not the default) THEN out of credits, naming that cost', async () => {
    const m = mockedClient();
    clients.push(m.client);
    const port = createKiePort(m.client, { costs: { ...defaultCosts, split_stem: 60 } });
    m.api.intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).reply(200, { code: 429, msg: 'Too many requests', data: null });
    m.api.intercept({ path: '/api/v1/chat/credit', method: 'GET' }).reply(200, envelope(55));
    const r = await port.submit({ kind: 'separate', mode: 'stems' }, { audioUrl: 'https://cdn.example.com/a.mp3' }, CB);
    expect(r).toMatchObject({ ok: false, code: 'KIE_INSUFFICIENT_CREDITS' });
    expect(!r.ok && r.detail).toContain('balance 55 credits, this job needs about 60');
  });
});

describe('KiePort.submit — GIVEN a MIDI or WAV follow-up, the same submission hooks as every other job', () => {
  const midi: JobParams = { kind: 'midi', parentJobId: 'j1', title: 'River Song', audioId: 'a-1' };
  const wav: JobParams = { kind: 'wav', parentJobId: 'j1', title: 'River Song', audioId: 'a-1', take: 1 };
  const follow = [
    ['midi', '/api/v1/midi/generate', midi],
    ['wav', '/api/v1/wav/generate', wav],
  ] as const;

  it.each(follow)('WHEN the %s job was cancelled while it waited for its turn THEN nothing is sent to Kie', async (_kind, path, params) => {
    const { port, api } = setup();
    let marked = 0;
    let reachedKie = 0;
    api.intercept({ path, method: 'POST' }).reply(200, () => {
      reachedKie++;
      return envelope({ taskId: 'task-9' });
    });
    const r = await port.submit(params, { taskId: 'sep-1', audioId: 'a-1' }, CB, { stillWanted: async () => false, onSend: async () => void marked++ });
    expect(r).toEqual({ ok: false, code: 'INPUT_INVALID', detail: 'cancelled before it was sent to Kie' });
    expect(reachedKie).toBe(0);
    expect(marked).toBe(0);
  });

  it.each(follow)('WHEN the %s job is sent THEN its started mark is written before Kie receives it', async (_kind, path, params) => {
    const { port, api } = setup();
    const order: string[] = [];
    api.intercept({ path, method: 'POST' }).reply(200, () => {
      order.push('kie');
      return envelope({ taskId: 'task-9' });
    });
    const r = await port.submit(params, { taskId: 'sep-1', audioId: 'a-1' }, CB, { stillWanted: async () => true, onSend: async () => void order.push('marked') });
    expect(r).toEqual({ ok: true, value: { taskId: 'task-9' } });
    expect(order).toEqual(['marked', 'kie']);
  });
});

describe('KiePort.poll — GIVEN record-info answers', () => {
  const sepPath = (id: string) => `/api/v1/vocal-removal/record-info?taskId=${id}`;
  const genPath = (id: string) => `/api/v1/generate/record-info?taskId=${id}`;

  it('WHEN a separation record says SUCCESS THEN the same complete event as a callback, from the camelCase URLs', async () => {
    const { port, api } = setup();
    api.intercept({ path: sepPath('3e63b4cc88d52611159371f6af5571e7'), method: 'GET' }).reply(200, fixture('derived-record-separation-success.json') as object);
    expect(await port.poll('separate', '3e63b4cc88d52611159371f6af5571e7')).toEqual({
      ok: true,
      value: {
        taskId: '3e63b4cc88d52611159371f6af5571e7',
        source: 'poll',
        stage: 'complete',
        files: [
          // Plus each stem's originData id: what one stem's MIDI is asked with (docs/kie-midi-wav.md).
          { key: 'vocal', label: 'Vocals', url: 'https://file.aiquickdraw.com/s/3d7021c9-fa8b-4eda-91d1-3b9297ddb172_Vocals.mp3', audioId: '3d7021c9-fa8b-4eda-91d1-3b9297ddb172' },
          { key: 'instrumental', label: 'Instrumental', url: 'https://file.aiquickdraw.com/s/d92a13bf-c6f4-4ade-bb47-f69738435528_Instrumental.mp3', audioId: 'd92a13bf-c6f4-4ade-bb47-f69738435528' },
        ],
      },
    });
  });

  it('WHEN the URL fields are absent THEN the stems come from originData', async () => {
    const { port, api } = setup();
    const data = { successFlag: 'SUCCESS', response: { originData: [{ audio_url: 'https://k/d.mp3', stem_type_group_name: 'Drums', duration: 12 }] } };
    api.intercept({ path: sepPath('t2'), method: 'GET' }).reply(200, envelope(data));
    expect(await port.poll('separate', 't2')).toMatchObject({ ok: true, value: { stage: 'complete', files: [{ key: 'drums', label: 'Drums', url: 'https://k/d.mp3', durationSec: 12 }] } });
  });

  it.each([
    [{ successFlag: 'PENDING', response: null }, null],
    [{ successFlag: 'GENERATE_AUDIO_FAILED', errorCode: 451, errorMessage: 'Unable to download source audio' }, { stage: 'failed', code: 'KIE_SOURCE_DOWNLOAD_FAILED', kieCode: 451, detail: 'Unable to download source audio' }],
    [{ successFlag: 'CREATE_TASK_FAILED', errorCode: null, errorMessage: null }, { stage: 'failed', code: 'KIE_GENERATION_FAILED', detail: 'CREATE_TASK_FAILED' }],
    [{ successFlag: 'CALLBACK_EXCEPTION', response: { vocalUrl: 'https://k/v.mp3' } }, { stage: 'complete', files: [{ key: 'vocal', label: 'Vocals', url: 'https://k/v.mp3' }] }],
    [{ successFlag: 'SUCCESS', response: { vocalUrl: null, instrumentalUrl: '' } }, { stage: 'failed', code: 'KIE_GENERATION_FAILED' }],
  ])('WHEN a separation record is %j THEN %j', async (data, expected) => {
    const { port, api } = setup();
    api.intercept({ path: sepPath('t3'), method: 'GET' }).reply(200, envelope(data));
    const r = await port.poll('separate', 't3');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    if (expected === null) expect(r.value).toBeNull();
    else expect(r.value).toMatchObject({ taskId: 't3', source: 'poll', ...expected });
  });

  it('WHEN a generation record says SUCCESS THEN complete tracks with their audioIds', async () => {
    const { port, api } = setup();
    api.intercept({ path: genPath('2fac7d3e9b1c4a58a0e6c1d2b3f49f72'), method: 'GET' }).reply(200, fixture('derived-record-generation-success.json') as object);
    const r = await port.poll('add_vocals', '2fac7d3e9b1c4a58a0e6c1d2b3f49f72');
    if (!r.ok || !r.value || r.value.stage !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(r)}`);
    expect(r.value.files).toEqual([
      { key: 'track-1', label: 'River Song', url: 'https://tempfile.aiquickdraw.com/r/8551f3a2-1c7e-4b0a-9d4e-5b2c7a9e662c.mp3', audioId: '8551****-****-****-****-****662c', durationSec: 198.44 },
      { key: 'track-2', label: 'River Song', url: 'https://tempfile.aiquickdraw.com/r/bd15a7c4-9f2e-4d1b-8c3a-6e0f2d7b1e4a.mp3', audioId: 'bd15****-****-****-****-****1e4a', durationSec: 201.7 },
    ]);
  });

  it.each([
    [{ status: 'PENDING', response: null }, null],
    [{ status: 'TEXT_SUCCESS', response: { sunoData: [{ id: 'a', audioUrl: '', streamAudioUrl: '' }] } }, { stage: 'text', files: [] }],
    [{ status: 'FIRST_SUCCESS', response: { sunoData: [{ id: 'a', audioUrl: '', streamAudioUrl: 'https://s/a', title: 'T' }] } }, { stage: 'first', files: [{ key: 'track-1', label: 'T', url: 'https://s/a', audioId: 'a' }] }],
    [{ status: 'SENSITIVE_WORD_ERROR', errorCode: 400, errorMessage: 'Prompt rejected' }, { stage: 'failed', code: 'KIE_CONTENT_VIOLATION', kieCode: 400 }],
    [{ status: 'GENERATE_AUDIO_FAILED', errorCode: '413', errorMessage: 'Prompt too long' }, { stage: 'failed', code: 'KIE_TOO_LONG', kieCode: 413 }],
    [{ status: 'CREATE_TASK_FAILED', errorMessage: 'Insufficient credits' }, { stage: 'failed', code: 'KIE_GENERATION_FAILED', detail: 'Insufficient credits' }],
    [{ status: 'SOMETHING_NEW', response: null }, null],
  ])('WHEN a generation record is %j THEN %j', async (data, expected) => {
    const { port, api } = setup();
    api.intercept({ path: genPath('g1'), method: 'GET' }).reply(200, envelope(data));
    const r = await port.poll('add_instrumental', 'g1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    if (expected === null) expect(r.value).toBeNull();
    else expect(r.value).toMatchObject({ taskId: 'g1', source: 'poll', ...expected });
  });

  it('WHEN the read itself fails THEN the failure is the read’s, not the job’s', async () => {
    const { port, api } = setup();
    api.intercept({ path: genPath('g2'), method: 'GET' }).reply(200, { code: 455, msg: 'System maintenance' });
    expect(await port.poll('add_vocals', 'g2')).toEqual({ ok: false, code: 'KIE_MAINTENANCE', detail: 'System maintenance' });
  });

  it('WHEN credits are asked through the port THEN the number', async () => {
    const { port, api } = setup();
    api.intercept({ path: '/api/v1/chat/credit', method: 'GET' }).reply(200, envelope(88));
    expect(await port.credits()).toEqual({ ok: true, value: 88 });
  });
});
