// Kie's MIDI and WAV follow-ups (docs/kie-midi-wav.md): request bodies, record-info and callback shapes → the
// neutral JobEvent. Kie's pages disagree on where the task id sits (`data.taskId` vs a top-level `task_id`), on
// the WAV URL's spelling (`audioWavUrl` vs `audio_wav_url`) and on note times (numbers vs numeric strings), so
// every published shape is read; only what stembot relies on is held to a type.
import { z } from 'zod';
import type { JobEvent, MidiData, MidiInstrument, MidiNote } from '../core/types.js';
import { mapKieCode } from './errors.js';

// ───────────── requests ─────────────

const id = (name: string) => z.string({ error: `${name} is required` }).min(1, { error: `${name} is required` }).max(128, { error: `${name} is too long` });
const callBackUrl = z.string().refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), { error: 'callBackUrl must be an http(s) URL' });

export const midiRequestSchema = z.strictObject({ taskId: id('taskId'), audioId: id('audioId').optional(), callBackUrl });
export const wavRequestSchema = z.strictObject({ taskId: id('taskId'), audioId: id('audioId'), callBackUrl });
export type MidiRequest = z.infer<typeof midiRequestSchema>;
export type WavRequest = z.infer<typeof wavRequestSchema>;

// ───────────── notes ─────────────

/** Seconds as a number or a numeric string (Kie's own example mixes both within one note). */
function seconds(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const MAX_NOTE_SECONDS = 6 * 3600;

/** Kie's instruments → MidiData; a note that cannot be played (no pitch, end before start) is dropped. */
export function readInstruments(raw: unknown): MidiData {
  const instruments: MidiInstrument[] = [];
  if (!Array.isArray(raw)) return { instruments };
  raw.forEach((inst, i) => {
    if (!inst || typeof inst !== 'object') return;
    const o = inst as Record<string, unknown>;
    const name = typeof o.name === 'string' && o.name.trim() ? o.name.trim().slice(0, 100) : `Instrument ${i + 1}`;
    const notes: MidiNote[] = [];
    for (const n of Array.isArray(o.notes) ? o.notes : []) {
      if (!n || typeof n !== 'object') continue;
      const r = n as Record<string, unknown>;
      const pitch = seconds(r.pitch);
      const start = seconds(r.start);
      const end = seconds(r.end);
      // A note past six hours is no song's: a MIDI file could not even hold its time (and a picture would be a line).
      if (pitch === undefined || start === undefined || end === undefined || end < start || end > MAX_NOTE_SECONDS) continue;
      const vel = seconds(r.velocity);
      notes.push({ pitch: Math.min(127, Math.round(pitch)), start, end, velocity: vel === undefined ? 0.8 : Math.min(1, vel) });
    }
    instruments.push({ name, notes });
  });
  return { instruments };
}

export const noteCount = (m: MidiData): number => m.instruments.reduce((n, i) => n + i.notes.length, 0);

const midiComplete = (taskId: string, source: 'callback' | 'poll', midi: MidiData): JobEvent => ({
  taskId,
  source,
  stage: 'complete',
  // Notes, not a file: the .mid is written at delivery (src/delivery/midi-file.ts). An empty result is a
  // result too (Kie: MIDI may be empty after split_stem), and delivery says so plainly.
  files: [{ key: 'midi', label: 'MIDI', url: '', midi }],
});

const wavComplete = (taskId: string, source: 'callback' | 'poll', url: string): JobEvent => ({
  taskId,
  source,
  stage: 'complete',
  files: [{ key: 'wav', label: 'WAV', url }],
});

// ───────────── callbacks ─────────────

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The task id wherever a page put it: `data.taskId`, `data.task_id`, top-level `task_id` or `taskId`. */
export function followUpTaskId(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const d = b.data && typeof b.data === 'object' ? (b.data as Record<string, unknown>) : {};
  const found = str(d.taskId) ?? str(d.task_id) ?? str(b.task_id) ?? str(b.taskId);
  return found && found.length <= 128 ? found : undefined;
}

/** Does this body look like a MIDI or WAV callback (rather than a separation or generation one)? */
export function followUpShape(body: unknown): 'midi' | 'wav' | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const d = b.data && typeof b.data === 'object' ? (b.data as Record<string, unknown>) : undefined;
  if (d && ('instruments' in d || 'state' in d)) return 'midi';
  if (d && ('audioWavUrl' in d || 'audio_wav_url' in d)) return 'wav';
  // A failure may carry no result at all; only a top-level task id (the MIDI page's shape) tells it apart.
  if ('task_id' in b || 'taskId' in b) return 'midi';
  return undefined;
}

export type ParsedFollowUp = { ok: true; taskId: string; event: JobEvent } | { ok: false; reason: string };

export function parseFollowUpCallback(body: unknown, kind: 'midi' | 'wav'): ParsedFollowUp {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'body must be a JSON object' };
  const b = body as Record<string, unknown>;
  const taskId = followUpTaskId(body);
  if (!taskId) return { ok: false, reason: 'task id is missing (looked in data.taskId, data.task_id, task_id)' };
  const code = typeof b.code === 'number' ? b.code : typeof b.code === 'string' && /^\d+$/.test(b.code) ? Number(b.code) : undefined;
  if (code === undefined) return { ok: false, reason: 'code is missing' };
  const msg = str(b.msg);
  const d = b.data && typeof b.data === 'object' ? (b.data as Record<string, unknown>) : {};
  const state = str(d.state)?.toLowerCase();
  if (code !== 200 || state === 'failed' || state === 'fail' || state === 'error') {
    const event: JobEvent = { taskId, source: 'callback', stage: 'failed', code: mapKieCode(code, msg ?? '', 'callback') };
    if (code !== 200) event.kieCode = code;
    if (msg) event.detail = msg;
    return { ok: true, taskId, event };
  }
  if (kind === 'midi') {
    // Anything but `complete` with no notes is a progress note Kie does not document: let record-info decide.
    if (state !== undefined && state !== 'complete' && state !== 'success') return { ok: false, reason: `data.state "${state.slice(0, 32)}" is not complete` };
    return { ok: true, taskId, event: midiComplete(taskId, 'callback', readInstruments(d.instruments)) };
  }
  const url = str(d.audioWavUrl) ?? str(d.audio_wav_url);
  if (!url) return { ok: false, reason: 'data.audioWavUrl is missing' };
  return { ok: true, taskId, event: wavComplete(taskId, 'callback', url) };
}

// ───────────── record-info ─────────────

const loose = z.unknown().optional();
export const midiRecordSchema = z.looseObject({ taskId: loose, successFlag: loose, midiData: loose, errorCode: loose, errorMessage: loose });
export const wavRecordSchema = z.looseObject({ taskId: loose, successFlag: loose, status: loose, response: loose, errorCode: loose, errorMessage: loose });
export type MidiRecord = z.infer<typeof midiRecordSchema>;
export type WavRecord = z.infer<typeof wavRecordSchema>;

function failed(taskId: string, errorCode: unknown, errorMessage: unknown, fallback: string): JobEvent {
  const detail = str(errorMessage) ?? fallback;
  const n = typeof errorCode === 'number' ? errorCode : typeof errorCode === 'string' && /^\d+$/.test(errorCode) ? Number(errorCode) : undefined;
  const event: JobEvent = { taskId, source: 'poll', stage: 'failed', code: n !== undefined && n >= 400 ? mapKieCode(n, detail, 'poll') : mapKieCode(0, detail, 'poll'), detail };
  if (n !== undefined && n !== 0) event.kieCode = n;
  return event;
}

/** MIDI record: `successFlag` 0 pending, 1 success, 2 create failed, 3 generate failed (number or string). */
export function midiRecordToEvent(taskId: string, record: MidiRecord | null): JobEvent | null {
  if (!record) return null;
  const flag = String(record.successFlag ?? '').trim().toUpperCase();
  if (flag === '1' || flag === 'SUCCESS') {
    const data = record.midiData && typeof record.midiData === 'object' ? (record.midiData as Record<string, unknown>) : {};
    return midiComplete(taskId, 'poll', readInstruments(data.instruments));
  }
  if (flag === '2' || flag === 'CREATE_TASK_FAILED') return failed(taskId, record.errorCode, record.errorMessage, 'Kie could not create the MIDI task');
  if (flag === '3' || flag === 'GENERATE_MIDI_FAILED') return failed(taskId, record.errorCode, record.errorMessage, 'Kie could not generate the MIDI');
  return null;
}

const WAV_FAILED = new Set(['CREATE_TASK_FAILED', 'GENERATE_WAV_FAILED', 'GENERATE_AUDIO_FAILED']);

/**
 * WAV record: `successFlag` (docs.kie.ai) or `status` (docs.sunoapi.org). docs.kie.ai's example puts the whole
 * list of values in that field, so only an exact failure flag counts as one; a WAV URL is success.
 */
export function wavRecordToEvent(taskId: string, record: WavRecord | null): JobEvent | null {
  if (!record) return null;
  const flag = String(record.successFlag ?? record.status ?? '').trim().toUpperCase();
  if (WAV_FAILED.has(flag)) return failed(taskId, record.errorCode, record.errorMessage, flag);
  const r = record.response && typeof record.response === 'object' ? (record.response as Record<string, unknown>) : {};
  const url = str(r.audioWavUrl) ?? str(r.audio_wav_url);
  if (url) return wavComplete(taskId, 'poll', url);
  if (flag === 'SUCCESS') return failed(taskId, null, 'Kie reported success but returned no WAV file', 'SUCCESS');
  return null;
}
