// The fake Kie's MIDI and WAV follow-ups (docs/kie-midi-wav.md): request checks against the parent task,
// deterministic MIDI notes derived from the parent separation (so tests can check notes end to end), and the
// record-info and callback bodies in both published spellings (scenario option `followUpSpelling`).
import { z } from 'zod';
import type { SimFile, SimTask } from './tasks.js';
import { isRevealed } from './tasks.js';
import { originIdOf } from './record-info.js';
import { seedFrom } from './wav.js';

export interface SimNote {
  pitch: number;
  start: number;
  end: number;
  velocity: number;
}
export interface SimMidi {
  instruments: { name: string; notes: SimNote[] }[];
}

const isHttpUrl = (v: string) => /^https?:\/\//i.test(v) && URL.canParse(v);
const text = (field: string) => z.string({ error: `${field} is required` }).trim().min(1, `${field} is required`);
const midiBody = z.object({ taskId: text('taskId'), audioId: text('audioId').optional(), callBackUrl: text('callBackUrl').refine(isHttpUrl, 'callBackUrl must be an http(s) URL') });
const wavBody = z.object({ taskId: text('taskId'), audioId: text('audioId'), callBackUrl: text('callBackUrl').refine(isHttpUrl, 'callBackUrl must be an http(s) URL') });

export type FollowUpParsed =
  | { ok: true; params: { taskId: string; audioId?: string; callBackUrl: string }; parent: SimTask; stem?: SimFile }
  | { ok: false; code: 400; msg: string };


export function parseFollowUp(kind: 'midi' | 'wav', body: unknown, getTask: (id: string) => SimTask | undefined): FollowUpParsed {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, code: 400, msg: 'request body must be a JSON object' };
  const r = (kind === 'midi' ? midiBody : wavBody).safeParse(body);
  if (!r.success) return { ok: false, code: 400, msg: r.error.issues[0]?.message ?? 'invalid request' };
  const params = r.data;
  const parent = getTask(params.taskId);
  const done = parent && !parent.failure && parent.progress === 'complete';
  if (kind === 'midi') {
    if (!parent || !done || parent.family !== 'separation') return { ok: false, code: 400, msg: 'taskId must be a completed vocal separation task' };
    if (params.audioId === undefined) return { ok: true, params, parent };
    const stem = parent.files.find((f) => isRevealed(parent, f) && originIdOf(parent, f) === params.audioId);
    return stem ? { ok: true, params, parent, stem } : { ok: false, code: 400, msg: 'audioId is not a track of that separation' };
  }
  if (!parent || !done || parent.family !== 'generation') return { ok: false, code: 400, msg: 'taskId must be a completed music generation task' };
  if (!parent.tracks.some((t) => t.id === params.audioId)) return { ok: false, code: 400, msg: 'audioId is not a track of that task' };
  return { ok: true, params, parent };
}

// ───────────── notes ─────────────

/** GM-ish names for the simulator's stems, the way Kie's examples name instruments ("Drums", "Electric Bass (finger)"). */
const instrumentNames: Record<string, string> = {
  vocal: 'Lead 6 (voice)', backing_vocals: 'Choir Aahs', instrumental: 'Acoustic Grand Piano', drums: 'Drums', bass: 'Electric Bass (finger)',
  guitar: 'Electric Guitar (clean)', piano: 'Acoustic Grand Piano', keyboard: 'Electric Piano 1', percussion: 'Percussion',
  strings: 'String Ensemble 1', synth: 'Lead 2 (sawtooth)', fx: 'Pad 8 (sweep)', brass: 'Brass Section', woodwinds: 'Flute',
};

/** xorshift32: a small deterministic stream for a seed. */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/**
 * The notes Kie would find: one instrument per separated track (or only the chosen one), each a short figure.
 * Derived from the parent task's id and the stem keys only, so the same request always gives the same notes.
 * Times are whole milliseconds: at 120 bpm / 480 ppq a millisecond is 0.96 ticks, so a file keeps them within a tick.
 */
export function simMidiFor(parent: SimTask, stem: SimFile | undefined, empty: boolean): SimMidi {
  if (empty) return { instruments: [] };
  const files = stem ? [stem] : parent.files.filter((f) => isRevealed(parent, f));
  return {
    instruments: files.map((f) => {
      const next = rng(seedFrom(parent.id, f.key, 'midi'));
      const drums = f.key === 'drums' || f.key === 'percussion';
      const [lo, range] = drums ? [35, 22] : f.key === 'bass' ? [28, 24] : [48, 36];
      const count = 8 + Math.floor(next() * 17);
      const notes: SimNote[] = [];
      let t = Math.floor(next() * 500);
      for (let i = 0; i < count; i++) {
        // A monophonic line: each note ends before the next begins, so every note-off pairs with its note-on.
        const step = 125 + Math.floor(next() * 375);
        const len = 60 + Math.floor(next() * (step - 70));
        notes.push({ pitch: lo + Math.floor(next() * range), start: t / 1000, end: (t + len) / 1000, velocity: Math.round((0.4 + next() * 0.6) * 100) / 100 });
        t += step;
      }
      return { name: instrumentNames[f.key] ?? f.label, notes };
    }),
  };
}

// ───────────── record-info ─────────────

/** Refusals fail at creation (2), the rest while generating (3). */
const createFailed = (code: number) => [400, 401, 402, 413, 429].includes(code);

export function midiRecord(task: SimTask): Record<string, unknown> {
  const flag = task.failure ? (createFailed(task.failure.code) ? 2 : 3) : task.progress === 'complete' ? 1 : 0;
  return {
    taskId: task.id,
    recordTaskId: -1,
    audioId: task.params.audioId ?? null,
    callbackUrl: task.callBackUrl,
    completeTime: task.completedAt ?? null,
    midiData: flag === 1 ? { state: 'complete', instruments: task.midi?.instruments ?? [] } : null,
    successFlag: flag,
    createTime: task.createdAt,
    errorCode: task.failure?.code ?? null,
    errorMessage: task.failure?.msg ?? null,
  };
}

export function wavRecord(task: SimTask): Record<string, unknown> {
  const flag = task.failure ? (createFailed(task.failure.code) ? 'CREATE_TASK_FAILED' : 'GENERATE_WAV_FAILED') : task.progress === 'complete' ? 'SUCCESS' : 'PENDING';
  const url = flag === 'SUCCESS' ? task.files[0]?.url : undefined;
  const sibling = task.scenario.followUpSpelling === 'sibling';
  return {
    taskId: task.id,
    musicId: task.params.audioId ?? null,
    callbackUrl: task.callBackUrl,
    musicIndex: '0',
    completeTime: task.completedAt ?? null,
    response: url ? (sibling ? { audio_wav_url: url } : { audioWavUrl: url }) : null,
    // docs.kie.ai calls it successFlag; docs.sunoapi.org calls it status.
    ...(sibling ? { status: flag } : { successFlag: flag }),
    createTime: task.createdAt,
    errorCode: task.failure?.code ?? null,
    errorMessage: task.failure?.msg ?? null,
  };
}

// ───────────── callbacks ─────────────

/**
 * `kie` spelling: MIDI `{code,msg,data:{state,taskId,instruments}}`, WAV `data.audioWavUrl`; `sibling`: MIDI with
 * a top-level `task_id`, WAV `data.audio_wav_url`. Kie's own example mixes number and string times; so does this.
 */
export function followUpCallback(task: SimTask, failure?: { code: number; msg: string }): Record<string, unknown> {
  const sibling = task.scenario.followUpSpelling === 'sibling';
  if (task.family === 'midi') {
    const where = (data: Record<string, unknown>) => (sibling ? { task_id: task.id, data } : { data: { ...data, taskId: task.id } });
    if (failure) return { code: failure.code, msg: failure.msg, ...where({ state: 'failed' }) };
    const instruments = (task.midi?.instruments ?? []).map((inst) => ({
      name: inst.name,
      notes: inst.notes.map((n, i) => (i % 2 === 0 ? { ...n, start: String(n.start), end: String(n.end) } : n)),
    }));
    return { code: 200, msg: 'success', ...where({ state: 'complete', instruments }) };
  }
  if (failure) return { code: failure.code, msg: failure.msg, data: { task_id: task.id } };
  const url = task.files[0]?.url ?? '';
  return { code: 200, msg: 'success', data: { ...(sibling ? { audio_wav_url: url } : { audioWavUrl: url }), task_id: task.id } };
}
