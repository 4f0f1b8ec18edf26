import { afterEach, describe, expect, it } from 'vitest';
import { seedFrom, splitStems, startSimulator, wavBytesFor } from '../../src/sim/index.js';
import { stemFreqHz } from '../../src/sim/stems.js';
import { AUTH, download, manualTimers, parseWav, signatureValid, startHarness, startReceiver, type Harness } from './helpers.js';
import { waitFor } from '../support/wait.js';

const SEPARATE = '/api/v1/vocal-removal/generate';
const RECORD = '/api/v1/vocal-removal/record-info?taskId=';
const HMAC = 'sim-webhook-key';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('separation', () => {
  it('GIVEN a signing key WHEN separate_vocal is submitted by URL THEN one signed callback like the current seed arrives and record-info agrees', async () => {
    h = await startHarness({ hmacKey: HMAC });
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/song.mp3', type: 'separate_vocal' });
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);

    const [cb] = await waitFor('the callbacks', () => h!.receiver.forTask(taskId).length === 1 && h!.receiver.forTask(taskId));
    expect(cb!.body).toEqual({
      code: 200,
      msg: 'vocal separation generated successfully.',
      data: {
        task_id: taskId,
        vocal_separation_info: {
          origin_url: '',
          vocal_url: `${h.sim.url}/files/${taskId}/vocal.wav`,
          instrumental_url: `${h.sim.url}/files/${taskId}/instrumental.wav`,
        },
      },
    });
    expect(cb!.headers['content-type']).toContain('application/json');
    expect(signatureValid(HMAC, cb!.headers, taskId)).toBe(true);
    expect(signatureValid('another-key', cb!.headers, taskId)).toBe(false);
    expect(Math.abs(Number(cb!.headers['x-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);

    const rec = await h.api('GET', RECORD + taskId);
    expect(rec.json.code).toBe(200);
    expect(rec.json.data).toMatchObject({
      taskId,
      successFlag: 'SUCCESS',
      errorCode: null,
      errorMessage: null,
      response: { vocalUrl: cb!.body.data.vocal_separation_info.vocal_url, instrumentalUrl: cb!.body.data.vocal_separation_info.instrumental_url, drumsUrl: null, pianoUrl: null },
    });
    expect(rec.json.data.response.originData.map((o: any) => o.stem_type_group_name)).toEqual(['Vocals', 'Instrumental']);
    expect(rec.json.data.completeTime).toBeGreaterThanOrEqual(rec.json.data.createTime);
  });

  it('GIVEN split_stem WHEN it completes THEN the callback carries the twelve stems and each URL serves its own valid WAV', async () => {
    h = await startHarness({ stemDurationSec: 0.2 });
    const taskId = await h.submit(SEPARATE, { taskId: 'a'.repeat(32), audioId: 'e231-audio', type: 'split_stem' });
    const [cb] = await waitFor('the callbacks', () => h!.receiver.forTask(taskId).length > 0 && h!.receiver.forTask(taskId));
    const info = cb!.body.data.vocal_separation_info as Record<string, string>;
    expect(Object.keys(info).sort()).toEqual(['origin_url', ...splitStems.map((k) => `${k}_url`)].sort());

    const seen = new Set<string>();
    for (const key of splitStems) {
      const file = await download(info[`${key}_url`]!);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('audio/wav');
      expect(Number(file.headers['content-length'])).toBe(file.bytes.length);
      expect(parseWav(file.bytes).dataBytes).toBe(4_410 * 2);
      expect(file.bytes.equals(wavBytesFor({ seed: seedFrom(taskId, key), freqHz: stemFreqHz(taskId, key), bytes: file.bytes.length }))).toBe(true);
      seen.add(file.bytes.toString('base64'));
    }
    expect(seen.size).toBe(12);

    const rec = await h.api('GET', RECORD + taskId);
    expect(rec.json.data.response.instrumentalUrl).toBeNull();
    expect(rec.json.data.response.woodwindsUrl).toBe(info.woodwinds_url);
    expect(rec.json.data.audioId).toBe('e231-audio');
    expect(rec.json.data.response.originData).toHaveLength(12);
  });

  it('GIVEN split_stem_advanced for "Drum Kit" WHEN it completes THEN one stem arrives, named in originData', async () => {
    h = await startHarness();
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3', type: 'split_stem_advanced', stemName: 'Drum Kit' });
    const [cb] = await waitFor('the callbacks', () => h!.receiver.forTask(taskId).length > 0 && h!.receiver.forTask(taskId));
    expect(cb!.body.data.vocal_separation_info).toEqual({ origin_url: '', drum_kit_url: `${h.sim.url}/files/${taskId}/drum_kit.wav` });
    const rec = await h.api('GET', RECORD + taskId);
    expect(rec.json.data.response.originData).toEqual([
      { audio_url: `${h.sim.url}/files/${taskId}/drum_kit.wav`, stem_type_group_name: 'Drum Kit', id: `${taskId}-drum_kit`, duration: 6 },
    ]);
  });

  it('GIVEN controlled time WHEN the stage has not fired THEN record-info says PENDING and the files do not exist yet', async () => {
    const timers = manualTimers();
    const receiver = await startReceiver();
    const sim = await startSimulator({ setTimer: timers.setTimer });
    try {
      const res = await fetch(`${sim.url}${SEPARATE}`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ audioUrl: 'https://example.com/a.mp3', callBackUrl: `${receiver.url}/cb/x` }),
      });
      const taskId = ((await res.json()) as any).data.taskId as string;
      const pending = (await (await fetch(`${sim.url}${RECORD}${taskId}`, { headers: AUTH })).json()) as any;
      expect(pending.data).toMatchObject({ successFlag: 'PENDING', response: null, completeTime: null });
      expect((await download(`${sim.url}/files/${taskId}/vocal.wav`)).status).toBe(404);

      expect(timers.runNext()).toBe(true);
      await sim.control.settled();
      const done = (await (await fetch(`${sim.url}${RECORD}${taskId}`, { headers: AUTH })).json()) as any;
      expect(done.data.successFlag).toBe('SUCCESS');
      expect(receiver.forTask(taskId)).toHaveLength(1);
      expect((await download(`${sim.url}/files/${taskId}/vocal.wav`)).status).toBe(200);
    } finally {
      await sim.close();
      await receiver.close();
    }
  });

  it('GIVEN infoKey "alternate" WHEN two separations complete THEN one uses vocal_separation_info and the next the older vocal_removal_info', async () => {
    h = await startHarness({ infoKey: 'alternate' });
    const first = await h.submit(SEPARATE, { audioUrl: 'https://example.com/1.mp3' });
    const second = await h.submit(SEPARATE, { audioUrl: 'https://example.com/2.mp3' });
    await waitFor('the callbacks', () => h!.receiver.forTask(first).length + h!.receiver.forTask(second).length === 2);
    expect(Object.keys(h.receiver.forTask(first)[0]!.body.data)).toContain('vocal_separation_info');
    const old = h.receiver.forTask(second)[0]!.body;
    expect(old.msg).toBe('vocal Removal generated successfully.');
    expect(Object.keys(old.data.vocal_removal_info).sort()).toEqual(['instrumental_url', 'origin_url', 'vocal_url']);
  });

  it('GIVEN a stem URL WHEN fetched with a Range header THEN the server answers 206 with exactly those bytes', async () => {
    h = await startHarness();
    const taskId = await h.submit(SEPARATE, { audioUrl: 'https://example.com/a.mp3' });
    const [cb] = await waitFor('the callbacks', () => h!.receiver.forTask(taskId).length > 0 && h!.receiver.forTask(taskId));
    const url = cb!.body.data.vocal_separation_info.vocal_url as string;
    const whole = (await download(url)).bytes;
    const part = await download(url, { range: 'bytes=40-1000' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 40-1000/${whole.length}`);
    expect(part.bytes.equals(whole.subarray(40, 1001))).toBe(true);
    expect((await download(url, { range: `bytes=${whole.length}-` })).status).toBe(416);
  });
});
