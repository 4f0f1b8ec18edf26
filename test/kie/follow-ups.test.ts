// Kie's MIDI and WAV payloads, copied from its pages (test/fixtures/kie/midi-*.json, wav-*.json; sources in
// docs/kie-midi-wav.md), through the same parsers the callback route and the poller use.
import { describe, expect, it } from 'vitest';
import { parseCallback } from '../../src/kie/callbacks.js';
import { followUpTaskId, midiRecordToEvent, wavRecordToEvent } from '../../src/kie/follow-ups.js';
import { separationRecordToEvent } from '../../src/kie/records.js';
import { signWebhook, verifyWebhook } from '../../src/kie/signature.js';
import { fixture as raw } from './helpers.js';

// The pages' examples are plain JSON; read loosely, as the parsers do.
const fixture = (name: string) => raw(name) as any;

const TASK = '5c79****be8e';
// Both callback pages' notes, as numbers (their example gives some times as strings).
const callbackInstruments = [
  {
    name: 'Drums',
    notes: [
      { pitch: 73, start: 0.036458333333333336, end: 0.18229166666666666, velocity: 1 },
      { pitch: 61, start: 0.046875, end: 0.19270833333333334, velocity: 1 },
      { pitch: 73, start: 0.1875, end: 0.4895833333333333, velocity: 1 },
    ],
  },
  {
    name: 'Electric Bass (finger)',
    notes: [
      { pitch: 44, start: 7.6875, end: 7.911458333333333, velocity: 1 },
      { pitch: 56, start: 7.6875, end: 7.911458333333333, velocity: 1 },
      { pitch: 51, start: 7.6875, end: 7.911458333333333, velocity: 1 },
    ],
  },
];
const midiEvent = (source: 'callback' | 'poll', instruments: unknown) => ({ taskId: TASK, source, stage: 'complete', files: [{ key: 'midi', label: 'MIDI', url: '', midi: { instruments } }] });

describe('MIDI callbacks — GIVEN both published shapes', () => {
  it.each([
    ['old-docs / mintlify: data.taskId', 'midi-callback-data-taskid.json'],
    ['docs.kie.ai: task_id at the top level', 'midi-callback-top-task-id.json'],
  ])('WHEN %s THEN the task id is found and every note parses, string times as numbers', (_what, file) => {
    const body = fixture(file);
    expect(parseCallback(body, 'midi')).toEqual({ ok: true, taskId: TASK, event: midiEvent('callback', callbackInstruments) });
    // Without knowing the job (the fuzzers call it so), the shape alone says MIDI.
    expect(parseCallback(body)).toEqual(parseCallback(body, 'midi'));
  });

  it('WHEN Kie reports a failure (code 500) THEN a failed event with Kie’s words, wherever the task id is', () => {
    for (const body of [{ code: 500, msg: 'Internal Error', data: { taskId: TASK } }, { task_id: TASK, code: 500, msg: 'Internal Error', data: null }]) {
      expect(parseCallback(body, 'midi')).toEqual({ ok: true, taskId: TASK, event: { taskId: TASK, source: 'callback', stage: 'failed', code: 'KIE_SERVER_ERROR', kieCode: 500, detail: 'Internal Error' } });
    }
  });

  it('WHEN no task id is anywhere, or a note is nonsense THEN the body is refused or the note dropped', () => {
    expect(parseCallback({ code: 200, msg: 'success', data: { state: 'complete', instruments: [] } }, 'midi')).toEqual({ ok: false, reason: 'task id is missing (looked in data.taskId, data.task_id, task_id)' });
    const odd = parseCallback({ task_id: TASK, code: 200, data: { state: 'complete', instruments: [{ name: 'Piano', notes: [{ pitch: 'x', start: 0, end: 1 }, { pitch: 60, start: 2, end: 1 }, { pitch: 61, start: 0, end: 1e9 }, { pitch: 60, start: '1', end: '1.5', velocity: 0.5 }] }] } }, 'midi');
    expect(odd).toMatchObject({ ok: true, event: { files: [{ midi: { instruments: [{ name: 'Piano', notes: [{ pitch: 60, start: 1, end: 1.5, velocity: 0.5 }] }] } }] } });
  });

  it('WHEN the webhook signature covers the task id THEN it verifies with the id found in either place', () => {
    const key = 'hmac-key';
    const now = 1_760_000_000;
    for (const file of ['midi-callback-data-taskid.json', 'midi-callback-top-task-id.json']) {
      const taskId = followUpTaskId(fixture(file))!;
      expect(taskId).toBe(TASK);
      expect(verifyWebhook({ key, taskId, timestamp: String(now), signature: signWebhook(key, TASK, now), nowMs: now * 1000, toleranceSec: 300 }).ok).toBe(true);
      expect(verifyWebhook({ key, taskId, timestamp: String(now), signature: signWebhook(key, 'other', now), nowMs: now * 1000, toleranceSec: 300 }).ok).toBe(false);
    }
  });
});

describe('WAV callbacks — GIVEN both spellings of the URL', () => {
  it.each([
    ['docs.kie.ai: audioWavUrl', 'wav-callback-camel.json'],
    ['docs.api.box: audio_wav_url', 'wav-callback-snake.json'],
  ])('WHEN %s THEN one WAV file', (_what, file) => {
    expect(parseCallback(fixture(file), 'wav')).toEqual({
      ok: true,
      taskId: '988e****c8d3',
      event: { taskId: '988e****c8d3', source: 'callback', stage: 'complete', files: [{ key: 'wav', label: 'WAV', url: 'https://example.com/s/04e6****e727.wav' }] },
    });
  });
});

describe('record-info — GIVEN the pages’ examples', () => {
  it('WHEN the MIDI record says successFlag 1 THEN its midiData; 0 keeps waiting; 2 and 3 fail', () => {
    const data = fixture('midi-record-info.json').data;
    expect(midiRecordToEvent(TASK, data)).toEqual(midiEvent('poll', data.midiData.instruments));
    expect(midiRecordToEvent(TASK, { ...data, successFlag: 0, midiData: null })).toBeNull();
    expect(midiRecordToEvent(TASK, { ...data, successFlag: '3', midiData: null, errorMessage: 'midi failed' })).toMatchObject({ stage: 'failed', code: 'KIE_GENERATION_FAILED', detail: 'midi failed' });
    expect(midiRecordToEvent(TASK, { ...data, successFlag: 2, errorCode: 400, errorMessage: 'bad task' })).toMatchObject({ stage: 'failed', code: 'KIE_BAD_PARAMETERS', kieCode: 400 });
  });

  it('WHEN the WAV record comes from docs.kie.ai (the flag list as its value) or docs.sunoapi.org (status, audio_wav_url) THEN the WAV', () => {
    const want = { taskId: '988e****c8d3', source: 'poll', stage: 'complete', files: [{ key: 'wav', label: 'WAV', url: 'https://example.com/s/04e6****e727.wav' }] };
    expect(wavRecordToEvent('988e****c8d3', fixture('wav-record-info-kie.json').data)).toEqual(want);
    expect(wavRecordToEvent('988e****c8d3', fixture('wav-record-info-sunoapi.json').data)).toEqual(want);
    expect(wavRecordToEvent('x', { status: 'PENDING', response: null })).toBeNull();
    expect(wavRecordToEvent('x', { successFlag: 'GENERATE_WAV_FAILED', errorMessage: 'nope' })).toMatchObject({ stage: 'failed', detail: 'nope' });
  });

  it('WHEN a separation record lists originData THEN each stem keeps its id (Kie’s audioId for one stem’s MIDI)', () => {
    const body = fixture('derived-record-separation-success.json');
    const event = separationRecordToEvent(body.data.taskId, body.data);
    expect(event).toMatchObject({ stage: 'complete' });
    const files = (event as { files: { key: string; audioId?: string }[] }).files;
    expect(files.map((f) => [f.key, f.audioId])).toEqual([
      ['vocal', '3d7021c9-fa8b-4eda-91d1-3b9297ddb172'],
      ['instrumental', 'd92a13bf-c6f4-4ade-bb47-f69738435528'],
    ]);
  });
});
