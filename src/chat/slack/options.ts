// The options of /separate, /add-vocals and /add-instrumental (docs/conventions.md: same names on every platform), and
// how their text values become the core's JobParams. The line parser and the modal both produce RawOptions,
// so a value means the same thing whichever way it was typed.
import { ADVANCED_STEM_NAMES } from '../../core/kie-vocabulary.js';
import type { StartKind as JobKind, JobParams, KieModel, SeparationMode } from '../../core/types.js';

export type OptionName =
  | 'url' | 'task_id' | 'audio_id' | 'mode' | 'stem' | 'prompt' | 'style' | 'title' | 'tags' | 'negative_tags'
  | 'vocal_gender' | 'model' | 'style_weight' | 'weirdness' | 'audio_weight';
export type RawOptions = Partial<Record<OptionName, string>>;

export const commandKinds = { separate: 'separate', 'add-vocals': 'add_vocals', 'add-instrumental': 'add_instrumental' } as const satisfies Record<string, JobKind>;
export type CommandName = keyof typeof commandKinds;
export const commandOf = (kind: JobKind): CommandName => (kind === 'separate' ? 'separate' : kind === 'add_vocals' ? 'add-vocals' : 'add-instrumental');

const weights: OptionName[] = ['style_weight', 'weirdness', 'audio_weight'];
export const optionNames: Record<JobKind, OptionName[]> = {
  separate: ['url', 'task_id', 'audio_id', 'mode', 'stem'],
  add_vocals: ['url', 'prompt', 'style', 'title', 'negative_tags', 'vocal_gender', 'model', ...weights],
  add_instrumental: ['url', 'tags', 'title', 'negative_tags', 'model', ...weights],
};

export const modes: SeparationMode[] = ['vocals', 'stems', 'single'];
export const models: KieModel[] = ['V4_5PLUS', 'V5', 'V5_5'];

/** A mistake in one option; `audio` stands for "the input" (file, link or Kie track). */
export interface Problem {
  option: OptionName | 'audio';
  message: string;
}
export type Built<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

const text = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

function stemName(v: string): string {
  // Kie's names are case-sensitive ("Drum Kit"); accept "drum kit" and keep names Kie may add later.
  return ADVANCED_STEM_NAMES.find((n) => n.toLowerCase() === v.toLowerCase()) ?? v;
}

function model(v: string): KieModel | undefined {
  const norm = v.toUpperCase().replace(/[.\s-]/g, '_').replace(/\+$/, 'PLUS').replace(/_PLUS$/, 'PLUS');
  return models.find((m) => m === norm);
}

export function buildParams(kind: JobKind, raw: RawOptions): Built<JobParams> {
  const problems: Problem[] = [];
  const need = (name: OptionName) => {
    const v = text(raw[name]);
    if (v === undefined) problems.push({ option: name, message: `\`${name}\` is required` });
    return v ?? '';
  };
  if (kind === 'separate') {
    const given = text(raw.mode)?.toLowerCase();
    const stem = text(raw.stem);
    const mode = (given ?? (stem ? 'single' : 'vocals')) as SeparationMode;
    if (!modes.includes(mode)) problems.push({ option: 'mode', message: `\`mode\` must be one of ${modes.join(', ')}` });
    else if (mode === 'single' && !stem) problems.push({ option: 'stem', message: 'mode `single` needs the instrument to extract, e.g. `stem:"Drum Kit"`' });
    if (problems.length) return { ok: false, problems };
    return { ok: true, value: { kind, mode, ...(mode === 'single' && stem ? { stem: stemName(stem) } : {}) } };
  }
  const common = {
    title: need('title'),
    ...optional('negativeTags', text(raw.negative_tags)),
    ...optional('model', text(raw.model) === undefined ? undefined : checked(model(raw.model!), 'model', `\`model\` must be one of ${models.join(', ')}`, problems)),
    ...optional('styleWeight', weight(raw, 'style_weight', problems)),
    ...optional('weirdness', weight(raw, 'weirdness', problems)),
    ...optional('audioWeight', weight(raw, 'audio_weight', problems)),
  };
  if (kind === 'add_vocals') {
    const params = { kind, prompt: need('prompt'), style: need('style'), ...common, ...optional('vocalGender', gender(raw, problems)) };
    return problems.length ? { ok: false, problems } : { ok: true, value: params };
  }
  const params = { kind, tags: need('tags'), ...common };
  return problems.length ? { ok: false, problems } : { ok: true, value: params };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function checked<T>(value: T | undefined, option: OptionName, message: string, problems: Problem[]): T | undefined {
  if (value === undefined) problems.push({ option, message });
  return value;
}

function weight(raw: RawOptions, name: OptionName, problems: Problem[]): number | undefined {
  const v = text(raw[name]);
  if (v === undefined) return undefined;
  const n = Number(v);
  return checked(Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined, name, `\`${name}\` must be a number from 0 to 1`, problems);
}

function gender(raw: RawOptions, problems: Problem[]): 'm' | 'f' | undefined {
  const v = text(raw.vocal_gender)?.toLowerCase();
  if (v === undefined) return undefined;
  const g = v === 'm' || v === 'male' ? 'm' : v === 'f' || v === 'female' ? 'f' : undefined;
  return checked(g, 'vocal_gender', '`vocal_gender` must be `m` or `f`', problems);
}
