import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { AUTH, download, manualTimers, parseWav, signatureValid, startHarness, startReceiver, type Harness } from './helpers.js';
import { waitFor } from '../support/wait.js';

const ADD_VOCALS = '/api/v1/generate/add-vocals';
const ADD_INSTRUMENTAL = '/api/v1/generate/add-instrumental';
const RECORD = '/api/v1/generate/record-info?taskId=';
const TRACK_FIELDS = ['audio_url', 'createTime', 'duration', 'id', 'image_url', 'model_name', 'prompt', 'source_audio_url', 'stream_audio_url', 'tags', 'title'];

const vocalsBody = {
  uploadUrl: 'https://example.com/instrumental.mp3',
  prompt: 'a folk song about rivers',
  title: 'River Song',
  style: 'Folk',
  negativeTags: 'metal',
  model: 'V5',
  vocalGender: 'f',
  audioWeight: 0.6,
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('add vocals / add instrumental', () => {
  it('GIVEN add-vocals WHEN it runs THEN text, first and complete callbacks arrive in order, signed, shaped like the seed', async () => {
    h = await startHarness({ hmacKey: 'k' });
    const taskId = await h.submit(ADD_VOCALS, vocalsBody);
    const cbs = await waitFor('the callbacks', () => h!.receiver.forTask(taskId).length === 3 && h!.receiver.forTask(taskId));

    expect(cbs.map((c) => c.body.data.callbackType)).toEqual(['text', 'first', 'complete']);
    expect(cbs.map((c) => c.body.data.data.length)).toEqual([0, 1, 2]);
    expect(cbs.map((c) => c.body.msg)).toEqual(['Text generation completed successfully.', 'First track generated successfully.', 'All generated successfully.']);
    expect(cbs.every((c) => c.body.code === 200 && signatureValid('k', c.headers, taskId))).toBe(true);

    const [one, two] = cbs[2]!.body.data.data;
    expect(Object.keys(one).sort()).toEqual(TRACK_FIELDS);
    expect(one).toMatchObject({ title: 'River Song', tags: 'Folk', prompt: 'a folk song about rivers', source_audio_url: vocalsBody.uploadUrl, duration: 8 });
    expect(one.audio_url).toBe(`${h.sim.url}/files/${taskId}/track-1.wav`);
    expect(one.createTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(two.id).not.toBe(one.id);
    expect(cbs[1]!.body.data.data[0]).toEqual(one);

    const rec = await h.api('GET', RECORD + taskId);
    expect(rec.json.data.status).toBe('SUCCESS');
    expect(rec.json.data.response.sunoData.map((t: any) => [t.id, t.audioUrl, t.title, t.tags, t.duration])).toEqual([
      [one.id, one.audio_url, 'River Song', 'Folk', 8],
      [two.id, two.audio_url, 'River Song', 'Folk', 8],
    ]);
    expect(rec.json.data.response.sunoData[0].streamAudioUrl).toBe(one.stream_audio_url);

    const a = await download(one.audio_url);
    const b = await download(two.audio_url);
    expect(parseWav(a.bytes).dataBytes).toBe(8 * 22_050 * 2);
    expect(a.bytes.equals(b.bytes)).toBe(false);
    const cover = await download(one.image_url);
    expect(cover.headers['content-type']).toBe('image/png');
    expect(cover.bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('GIVEN controlled time WHEN add-instrumental steps through its stages THEN record-info shows each status and only the tracks that exist', async () => {
    const timers = manualTimers();
    const receiver = await startReceiver();
    const sim = await startSimulator({ setTimer: timers.setTimer, trackDurationSec: 1 });
    const get = async (path: string) => (await (await fetch(`${sim.url}${path}`, { headers: AUTH })).json()) as any;
    try {
      const res = await fetch(`${sim.url}${ADD_INSTRUMENTAL}`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ uploadUrl: 'https://example.com/voice.mp3', title: 'Night Drive', tags: 'synthwave', negativeTags: '', callBackUrl: `${receiver.url}/cb/x` }),
      });
      const taskId = ((await res.json()) as any).data.taskId as string;
      const statuses: string[] = [];
      const counts: number[] = [];
      for (;;) {
        const rec = await get(RECORD + taskId);
        statuses.push(rec.data.status);
        counts.push(rec.data.response?.sunoData.length ?? -1);
        // A fired step changes the truth at once; its callback goes out on its own.
        if (!timers.runNext()) break;
      }
      await waitFor('the callbacks', () => receiver.forTask(taskId).length === 3);
      expect(statuses).toEqual(['PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS', 'SUCCESS']);
      expect(counts).toEqual([-1, 0, 1, 2]);
      expect((await get(RECORD + taskId)).data).toMatchObject({ type: 'ADD_INSTRUMENTAL', errorCode: null, errorMessage: null });
      expect(receiver.forTask(taskId).map((r) => r.body.data.data[0]?.tags ?? null)).toEqual([null, 'synthwave', 'synthwave']);
      expect(receiver.forTask(taskId)[2]!.body.data.data[0].prompt).toBe('');
    } finally {
      await sim.close();
      await receiver.close();
    }
  });

  it('GIVEN a finished track WHEN its taskId + audioId are separated THEN the simulator accepts the follow-up job', async () => {
    h = await startHarness();
    const genId = await h.submit(ADD_VOCALS, vocalsBody);
    const done = await waitFor('the callbacks', () => h!.receiver.forTask(genId).find((c) => c.body.data.callbackType === 'complete'));
    const audioId = done.body.data.data[0].id as string;
    const sepId = await h.submit('/api/v1/vocal-removal/generate', { taskId: genId, audioId, type: 'separate_vocal' });
    const rec = await waitFor('the separation record', async () => {
      const r = await h!.api('GET', `/api/v1/vocal-removal/record-info?taskId=${sepId}`);
      return r.json.data.successFlag === 'SUCCESS' && r.json.data;
    });
    expect(rec.musicId).toBe(audioId);
  });
});
