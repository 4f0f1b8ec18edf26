// Kie's callback bodies → one neutral JobEvent. Accepts every shape in test/fixtures/kie/:
// separation (`vocal_removal_info` in older pages, `vocal_separation_info` in the current one; empty URLs)
// and add-vocals / add-instrumental (`data.callbackType` text | first | complete | failed, `data.data[]`).
// Only what stembot relies on is strict (task id, code, URL types); everything else may vary.
import { z } from 'zod';
import type { JobEvent, JobKind, ResultFile } from '../core/types.js';
import { mapKieCode } from './errors.js';
import { followUpShape, parseFollowUpCallback } from './follow-ups.js';
import { STEMS, stemFilesFromRecord } from './stems.js';

export type ParsedCallback = { ok: true; taskId: string; event: JobEvent } | { ok: false; reason: string };

const says = (what: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is missing' : `must be ${what}`),
});
const url = z.string(says('a string')).nullish();

// Only the URLs are held to a type; an odd id, title or duration must not cost a finished track.
const loose = z.unknown().optional();
const track = z.looseObject({ id: loose, audio_url: url, stream_audio_url: url, title: loose, duration: loose }, says('an object'));
const info = z.looseObject(Object.fromEntries(STEMS.map((s) => [s.snake, url])), says('an object'));

const body = z.looseObject(
  {
    code: z.number(says('a number')).int({ error: 'must be an integer' }),
    msg: z.string(says('a string')).nullish(),
    data: z.looseObject(
      {
        task_id: z
          .string(says('a string'))
          .refine((v) => v.trim() !== '', { error: 'must not be empty' })
          .refine((v) => v.length <= 128, { error: 'must be at most 128 characters' }),
        callbackType: z.string(says('a string')).nullish(),
        data: z.array(track, says('an array')).nullish(),
        vocal_separation_info: info.nullish(),
        vocal_removal_info: info.nullish(),
      },
      says('an object'),
    ),
  },
  { error: 'body must be a JSON object' },
);

type Track = z.infer<typeof track>;
const STAGES = ['text', 'first', 'complete', 'failed'] as const;

/** `kind`, when the job is known, picks the MIDI / WAV shapes (docs/kie-midi-wav.md) without guessing. */
export function parseCallback(input: unknown, kind?: JobKind): ParsedCallback {
  const followUp = kind === 'midi' || kind === 'wav' ? kind : kind === undefined ? followUpShape(input) : undefined;
  if (followUp) return parseFollowUpCallback(input, followUp);
  const parsed = body.safeParse(input);
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error) };
  const { code, msg, data } = parsed.data;
  const taskId = data.task_id;
  const source = 'callback' as const;
  const type = data.callbackType ?? undefined;

  // A failure is a failure whatever stage it names: never reject it for an odd callbackType.
  if (code !== 200 || type === 'failed') {
    const detail = msg?.trim() || undefined;
    const event: JobEvent = { taskId, source, stage: 'failed', code: mapKieCode(code, detail ?? '', 'callback') };
    if (code !== 200) event.kieCode = code;
    if (detail) event.detail = detail;
    return { ok: true, taskId, event };
  }

  if (type !== undefined) {
    if (!(STAGES as readonly string[]).includes(type)) {
      return { ok: false, reason: `data.callbackType "${type.slice(0, 32)}" is not one of ${STAGES.join(', ')}` };
    }
    const stage = type as 'text' | 'first' | 'complete';
    const files = trackFiles(data.data ?? [], stage);
    // A success without audio is not believed: answering non-2xx makes Kie retry, and the poller asks
    // record-info, which is authoritative.
    if (stage === 'complete' && files.length === 0) return { ok: false, reason: 'data.data has no track with an audio_url' };
    return { ok: true, taskId, event: { taskId, source, stage, files } };
  }

  const field = data.vocal_separation_info ? 'vocal_separation_info' : 'vocal_removal_info';
  const result = data[field];
  if (!result) return { ok: false, reason: 'data.vocal_separation_info is missing (and no data.callbackType)' };
  const files = stemFilesFromRecord(result);
  if (files.length === 0) return { ok: false, reason: `data.${field} has no stem URL` };
  return { ok: true, taskId, event: { taskId, source, stage: 'complete', files } };
}

/** Generation tracks → ResultFile. Keys follow Kie's order so `track-2` stays the same track across stages. */
function trackFiles(tracks: Track[], stage: 'text' | 'first' | 'complete'): ResultFile[] {
  const files: ResultFile[] = [];
  tracks.forEach((t, i) => {
    // The stream URL plays while the final file renders; only `first` may fall back to it.
    const url = t.audio_url?.trim() || (stage === 'first' ? t.stream_audio_url?.trim() : '') || '';
    if (!url) return;
    const title = typeof t.title === 'string' ? t.title.trim() : '';
    const file: ResultFile = { key: `track-${i + 1}`, label: title || `Track ${i + 1}`, url };
    if (typeof t.id === 'string' && t.id !== '') file.audioId = t.id;
    if (typeof t.duration === 'number' && Number.isFinite(t.duration) && t.duration >= 0) file.durationSec = t.duration;
    files.push(file);
  });
  return files;
}

/** The first issue as a sentence a developer understands: "data.task_id is missing". */
function reasonOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'body is not a valid Kie callback';
  const path = issue.path.reduce<string>((p, seg) => (typeof seg === 'number' ? `${p}[${seg}]` : p ? `${p}.${String(seg)}` : String(seg)), '');
  return path ? `${path} ${issue.message}` : issue.message;
}
