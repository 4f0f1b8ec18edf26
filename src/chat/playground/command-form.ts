// The playground composer's fields (the option names of the README's "Commands") → the neutral Command.
// Form fields arrive as strings, JSON may carry numbers; blank means "not given" either way.
import { z } from 'zod';
import { kieLimits } from '../../core/kie-vocabulary.js';
import type { AudioInput, Command, JobParams, Origin } from '../../core/types.js';
import { optionSentence } from './form-errors.js';
import { nameFromUrl } from '../../core/input-name.js';

const blank = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v);
const text = (max: number) => z.preprocess(blank, z.string().max(max).optional());
const weight = z.preprocess(blank, z.coerce.number().min(0).max(1).optional());

/** Lengths are Kie's (docs/kie-api.md): style and tags ≤ 1000, negative tags ≤ 200, title safe at 80. */
const commandFields = z
  .object({
    command: z.enum(['separate', 'add-vocals', 'add-instrumental']),
    url: text(2048),
    task_id: text(200),
    audio_id: text(200),
    mode: z.preprocess(blank, z.enum(['vocals', 'stems', 'single']).optional()),
    stem: text(100),
    prompt: text(kieLimits.prompt),
    style: text(kieLimits.style),
    title: text(kieLimits.title),
    tags: text(kieLimits.tags),
    negative_tags: text(kieLimits.negativeTags),
    vocal_gender: z.preprocess(blank, z.enum(['m', 'f']).optional()),
    model: z.preprocess(blank, z.enum(['V4_5PLUS', 'V5', 'V5_5']).optional()),
    style_weight: weight,
    weirdness: weight,
    audio_weight: weight,
  })
  .strict();
export type CommandFields = z.infer<typeof commandFields>;

export type UploadedAudio = Extract<AudioInput, { type: 'file' }>;
export type FormResult = { ok: true; command: Command } | { ok: false; message: string };

/** Validate the fields and build the Command; `message` names what is missing or wrong. */
export function toCommand(raw: Record<string, unknown>, upload: UploadedAudio | null, origin: Origin): FormResult {
  const parsed = commandFields.safeParse(raw);
  if (!parsed.success) return { ok: false, message: optionSentence(parsed.error.issues[0]!) };
  const f = parsed.data;
  const input = chooseInput(f, upload);
  if (!input.ok) return input;
  const params = chooseParams(f);
  if (!params.ok) return params;
  return { ok: true, command: { origin, input: input.value, params: params.value } };
}

function chooseInput(f: CommandFields, upload: UploadedAudio | null): { ok: true; value: AudioInput } | { ok: false; message: string } {
  const track = f.task_id !== undefined || f.audio_id !== undefined;
  const given = [upload !== null, f.url !== undefined, track].filter(Boolean).length;
  const separate = f.command === 'separate';
  if (given === 0) {
    const how = separate ? 'Attach an audio file, give a url, or give the task_id and audio_id of a Kie track' : 'Attach an audio file or give a url';
    return { ok: false, message: `Which song? ${how}.` };
  }
  if (given > 1) {
    const kinds = separate ? 'an audio file, a url, or a Kie track (task_id + audio_id)' : 'an audio file or a url';
    return { ok: false, message: `Give only one song: ${kinds}, not several at once.` };
  }
  if (upload) return { ok: true, value: upload };
  if (f.url !== undefined) {
    if (!/^https?:\/\//i.test(f.url) || !URL.canParse(f.url)) return { ok: false, message: 'url must be an http(s) link to an audio file.' };
    return { ok: true, value: { type: 'url', url: f.url, name: nameFromUrl(f.url) } };
  }
  if (f.command !== 'separate') return { ok: false, message: `${f.command} takes an audio file or a url, not a Kie track (task_id/audio_id).` };
  if (!f.task_id || !f.audio_id) return { ok: false, message: 'task_id and audio_id go together: give both to separate a Kie track.' };
  return { ok: true, value: { type: 'kie_track', taskId: f.task_id, audioId: f.audio_id, name: `Kie track ${f.audio_id}` } };
}

function chooseParams(f: CommandFields): { ok: true; value: JobParams } | { ok: false; message: string } {
  const missing = (names: (keyof CommandFields)[]) => names.filter((n) => f[n] === undefined);
  if (f.command === 'separate') {
    const mode = f.mode ?? 'vocals';
    if (mode === 'single' && !f.stem) return { ok: false, message: 'mode single needs stem: the instrument to extract, e.g. Piano.' };
    return { ok: true, value: { kind: 'separate', mode, ...(mode === 'single' ? { stem: f.stem } : {}) } };
  }
  const required: (keyof CommandFields)[] = f.command === 'add-vocals' ? ['prompt', 'style', 'title'] : ['tags', 'title'];
  const absent = missing(required);
  if (absent.length > 0) return { ok: false, message: `${f.command} needs ${listOf(absent)}.` };
  const common = {
    title: f.title!,
    ...(f.negative_tags !== undefined ? { negativeTags: f.negative_tags } : {}),
    ...(f.model !== undefined ? { model: f.model } : {}),
    ...(f.style_weight !== undefined ? { styleWeight: f.style_weight } : {}),
    ...(f.weirdness !== undefined ? { weirdness: f.weirdness } : {}),
    ...(f.audio_weight !== undefined ? { audioWeight: f.audio_weight } : {}),
  };
  if (f.command === 'add-vocals') {
    const gender = f.vocal_gender !== undefined ? { vocalGender: f.vocal_gender } : {};
    return { ok: true, value: { kind: 'add_vocals', prompt: f.prompt!, style: f.style!, ...gender, ...common } };
  }
  return { ok: true, value: { kind: 'add_instrumental', tags: f.tags!, ...common } };
}


function listOf(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export { nameFromUrl };
