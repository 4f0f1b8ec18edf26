// MIDI and WAV on the playground, end to end against the simulator with signed callbacks (polling is an hour
// away here, so every job below finishes through Kie's callback — in both published spellings — and its HMAC).
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/types.js';
import { sha256 } from '../support/hash.js';
import { expectMidiMatches, pngSize } from '../support/midi-check.js';
import { HMAC_KEY, bytesOf, startStack, type Stack } from './harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const finished = (jobId: string) =>
  stack.waitFor(async () => {
    const job = await stack.bot.store.getJob(jobId);
    if (!job || (job.state !== 'complete' && job.state !== 'failed')) return undefined;
    return job.delivered.length > 0 || job.state === 'failed' ? job : undefined;
  }, `job ${jobId} finished and delivered`);
const press = async (action: object) => {
  const r = await request(`${stack.base}/playground/api/actions`, { method: 'POST', headers: { cookie: stack.cookie, origin: stack.base, 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
  return { status: r.statusCode, body: (await r.body.json()) as { jobId?: string; message?: string } };
};
const callbacksOf = (taskId: string) => stack.sim.control.callbacks().filter((c) => c.taskId === taskId);

describe('song → stems → MIDI on the playground', () => {
  let parent: Job;
  beforeAll(async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/River%20Song.mp3', mode: 'vocals' });
    parent = await finished(r.body.jobId!);
  });

  it('GIVEN the stems THEN their message offers MIDI; pressing it gives a .mid and the same piano roll, through a signed callback', async () => {
    const [m] = await stack.thread(parent.id);
    const action = m!.actions.find((a) => a.id === 'midi');
    // With the stems as a menu: the page shows a select beside the button.
    expect(action).toEqual({ id: 'midi', label: 'MIDI', jobId: parent.id, stems: [{ key: 'vocal', label: 'Vocals' }, { key: 'instrumental', label: 'Instrumental' }] });
    const r = await press({ id: 'midi', label: 'MIDI', jobId: parent.id });
    expect(r.status).toBe(202);
    const midi = await finished(r.body.jobId!);
    expect(midi).toMatchObject({ kind: 'midi', state: 'complete' });
    expect(midi.lastCallbackAt).not.toBeNull();
    expect(callbacksOf(midi.taskId!).map((c) => [c.signed, c.status, 'taskId' in c.body.data])).toEqual([[true, 200, true]]);

    const [posted] = await stack.thread(midi.id);
    expect(posted!.files.map((f) => [f.name, f.mimeType])).toEqual([
      ['River Song - MIDI.mid', 'audio/midi'],
      ['River Song - MIDI piano roll.png', 'image/png'],
    ]);
    const instruments = (stack.sim.control.task(midi.taskId!)!.record as any).midiData.instruments;
    expectMidiMatches(await stack.fileBytes(posted!.files[0]!.url), instruments);
    expect(pngSize(await stack.fileBytes(posted!.files[1]!.url))).toEqual({ width: 960, height: 480 });
  });

  it('GIVEN the sibling spelling (task_id at the top level) THEN the signature is checked against it and the MIDI arrives', async () => {
    stack.sim.control.scriptNext('sibling-callbacks');
    const r = await stack.submit({ command: 'midi', id: parent.id, stem: 'Vocals' });
    expect(r.status).toBe(202);
    const midi = await finished(r.body.jobId!);
    expect(midi.state).toBe('complete');
    const [cb] = callbacksOf(midi.taskId!);
    expect(cb).toMatchObject({ signed: true, status: 200, body: { task_id: midi.taskId } });
    expect('taskId' in cb!.body.data).toBe(false);
    const [posted] = await stack.thread(midi.id);
    expect(posted!.files[0]!.name).toBe('River Song - Vocals MIDI.mid');
    expectMidiMatches(await stack.fileBytes(posted!.files[0]!.url), (stack.sim.control.task(midi.taskId!)!.record as any).midiData.instruments);
  });

  it('GIVEN a forged MIDI callback (signed for another task, task id in either place) THEN 401 and the job does not move', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000 }] });
    const r = await stack.submit({ command: 'midi', id: parent.id });
    const job = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(r.body.jobId!);
      return j?.taskId ? j : undefined;
    }, 'the MIDI job submitted');
    const ts = Math.floor(Date.now() / 1000);
    const forged = createHmac('sha256', HMAC_KEY).update(`someone-else.${ts}`).digest('base64');
    const genuine = createHmac('sha256', HMAC_KEY).update(`${job.taskId}.${ts}`).digest('base64');
    const notes = { state: 'complete', instruments: [{ name: 'Drums', notes: [{ pitch: 36, start: 0, end: 0.5, velocity: 1 }] }] };
    const post = (body: object, signature: string) =>
      request(`${stack.base}/callbacks/kie/${job.callbackToken}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-timestamp': String(ts), 'x-webhook-signature': signature }, body: JSON.stringify(body) }).then(async (res) => ({ status: res.statusCode, body: await res.body.json() }));
    for (const body of [{ code: 200, msg: 'success', data: { ...notes, taskId: job.taskId } }, { task_id: job.taskId, code: 200, msg: 'success', data: notes }]) {
      expect(await post(body, forged)).toMatchObject({ status: 401, body: { error: 'bad_signature' } });
    }
    expect((await stack.bot.store.getJob(job.id))!.state).toBe('submitted');
    // The genuine signature over the same id, found at the top level, is accepted.
    expect(await post({ task_id: job.taskId, code: 200, msg: 'success', data: notes }, genuine)).toMatchObject({ status: 200, body: { applied: true } });
    const done = await finished(job.id);
    expect(done.files[0]!.midi!.instruments).toEqual(notes.instruments);
  });
});

describe('generated take → WAV on the playground', () => {
  it('GIVEN /add-vocals finished THEN each take offers WAV; the WAV arrives once, byte for byte, named for the take', async () => {
    const r = await stack.submit({ command: 'add-vocals', url: 'https://music.example.com/backing.mp3', prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song' });
    const gen = await finished(r.body.jobId!);
    const [m] = await stack.thread(gen.id);
    const wavs = m!.actions.filter((a) => a.id === 'wav');
    expect(wavs.map((a) => [a.label, a.take, a.audioId])).toEqual(gen.files.map((f, i) => [`WAV (take ${i + 1})`, i + 1, f.audioId]));
    const p = await press(wavs[1]!);
    const wav = await finished(p.body.jobId!);
    const task = stack.sim.control.task(wav.taskId!)!;
    expect(task.params).toMatchObject({ taskId: gen.taskId, audioId: gen.files[1]!.audioId });
    const expected = sha256(await bytesOf(task.files[0]!.url));
    const [posted] = await stack.thread(wav.id);
    expect(posted!.files.map((f) => f.name)).toEqual(['River Song - Take 2.wav']);
    expect(sha256(await stack.fileBytes(posted!.files[0]!.url))).toBe(expected);
    // Exactly once across the whole channel (the simulator's takes are WAVs too, so count by content).
    const all = (await stack.messages()).flatMap((msg) => msg.files).filter((f) => f.name.endsWith('.wav'));
    const same = (await Promise.all(all.map(async (f) => sha256(await stack.fileBytes(f.url))))).filter((h) => h === expected);
    expect(same).toHaveLength(1);
  });

  it('GIVEN /midi on a job that is not a separation, or /wav on a separation THEN the composer says why and no job starts', async () => {
    const gen = (await stack.bot.store.listJobsByUser('playground', 'playground-user', 50)).find((j) => j.kind === 'add_vocals')!;
    const sep = (await stack.bot.store.listJobsByUser('playground', 'playground-user', 50)).find((j) => j.kind === 'separate')!;
    expect(await stack.submit({ command: 'midi', id: gen.id })).toEqual({ status: 400, body: { code: 'INPUT_INVALID', message: 'MIDI comes from a stem separation. Use it on a `/separate` job.' } });
    expect(await stack.submit({ command: 'wav', id: sep.id, take: 1 })).toEqual({
      status: 400,
      body: { code: 'INPUT_INVALID', message: 'WAV is made from a generated track. Use it on an `/add-vocals` or `/add-instrumental` job.' },
    });
  });
});
