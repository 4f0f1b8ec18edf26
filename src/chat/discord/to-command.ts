// A slash command (as an Intake) → the core's neutral Command, or the sentence to show privately.
// Discord already enforced types, choices, ranges and lengths; here: exactly one song, the options each
// mode needs, and what to give Kie for an attachment (attachment-input.ts).
import type { AudioInput, Command, JobParams, KieModel, Origin } from '../../core/types.js';
import { attachmentInput } from './attachment-input.js';
import { threadTypes, type CommandIntake, type IntakeBase } from './intake.js';
import { nameFromUrl } from '../../core/input-name.js';

export interface ToCommandOptions {
  now: number;
  maxInputBytes: number;
  /** How long a CDN URL must stay valid to be given to Kie as is. */
  cdnMinLifetimeMs: number;
}

export type ToCommandResult = { ok: true; command: Command } | { ok: false; message: string };

const jobCommands = ['separate', 'add-vocals', 'add-instrumental'] as const;
export type JobCommand = (typeof jobCommands)[number];
export const isJobCommand = (name: string): name is JobCommand => (jobCommands as readonly string[]).includes(name);

/** Who asked and where; `meta` is kept with the job (ChatPort.limits reads the attachment limit from it). */
export function originOf(i: IntakeBase, extra: Record<string, string | number | boolean> = {}): Origin {
  const meta: Record<string, string | number | boolean> = { ...extra };
  if (i.attachmentSizeLimit) meta.attachmentSizeLimit = i.attachmentSizeLimit;
  if (i.channelType !== null && threadTypes.includes(i.channelType)) meta.inThread = true;
  return { platform: 'discord', workspaceId: i.guildId ?? '', channelId: i.channelId ?? '', userId: i.user.id, userName: i.user.name, meta };
}

const str = (i: CommandIntake, name: string): string | undefined => {
  const v = i.options[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};
const num = (i: CommandIntake, name: string): number | undefined => {
  const v = i.options[name];
  return typeof v === 'number' ? v : undefined;
};

export function toCommand(i: CommandIntake, o: ToCommandOptions): ToCommandResult {
  if (!isJobCommand(i.command)) return { ok: false, message: `stembot has no command /${i.command}.` };
  const input = chooseInput(i, o);
  if (!input.ok) return input;
  const params = chooseParams(i);
  if (!params.ok) return params;
  const meta: Record<string, number> = input.expiresAt !== undefined ? { inputExpiresAt: input.expiresAt } : {};
  return { ok: true, command: { origin: originOf(i, meta), input: input.input, params: params.value } };
}

function chooseInput(i: CommandIntake, o: ToCommandOptions): { ok: true; input: AudioInput; expiresAt?: number } | { ok: false; message: string } {
  const audio = i.attachments.audio;
  const url = str(i, 'url');
  const taskId = str(i, 'task_id');
  const audioId = str(i, 'audio_id');
  const track = taskId !== undefined || audioId !== undefined;
  const separate = i.command === 'separate';
  const given = [audio !== undefined, url !== undefined, track].filter(Boolean).length;
  if (given === 0) {
    return { ok: false, message: `Which song? ${separate ? 'Attach an audio file (`audio`), give a `url`, or the `task_id` and `audio_id` of a Kie track' : 'Attach an audio file (`audio`) or give a `url`'}.` };
  }
  if (given > 1) {
    return { ok: false, message: `Give only one song: ${separate ? '`audio`, `url`, or `task_id` + `audio_id`' : '`audio` or `url`'}, not several at once.` };
  }
  if (audio) {
    const a = attachmentInput(audio, { now: o.now, minLifetimeMs: o.cdnMinLifetimeMs, maxInputBytes: o.maxInputBytes });
    return a.ok ? { ok: true, input: a.value.input, ...(a.value.expiresAt !== undefined ? { expiresAt: a.value.expiresAt } : {}) } : a;
  }
  if (url !== undefined) {
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return { ok: false, message: '`url` must be an http(s) link straight to an audio file.' };
    return { ok: true, input: { type: 'url', url, name: nameFromUrl(url) } };
  }
  if (!separate) return { ok: false, message: `/${i.command} takes an audio file or a url, not a Kie track (task_id / audio_id).` };
  if (!taskId || !audioId) return { ok: false, message: '`task_id` and `audio_id` go together: give both to separate a Kie track.' };
  return { ok: true, input: { type: 'kie_track', taskId, audioId, name: `Kie track ${audioId}` } };
}

function chooseParams(i: CommandIntake): { ok: true; value: JobParams } | { ok: false; message: string } {
  if (i.command === 'separate') {
    const mode = str(i, 'mode') ?? 'vocals';
    if (mode !== 'vocals' && mode !== 'stems' && mode !== 'single') return { ok: false, message: '`mode` must be vocals, stems or single.' };
    const stem = str(i, 'stem');
    if (mode === 'single' && !stem) return { ok: false, message: 'Mode "one instrument" needs `stem`: the instrument to extract, e.g. Piano.' };
    return { ok: true, value: { kind: 'separate', mode, ...(mode === 'single' ? { stem } : {}) } };
  }
  // Discord marks these required; a hand-made request may still leave them out (the core checks them too).
  const required = i.command === 'add-vocals' ? ['prompt', 'style', 'title'] : ['tags', 'title'];
  const missing = required.filter((n) => str(i, n) === undefined);
  if (missing.length > 0) return { ok: false, message: `/${i.command} needs ${missing.map((n) => `\`${n}\``).join(', ')}.` };
  const model = str(i, 'model');
  if (model !== undefined && !['V4_5PLUS', 'V5', 'V5_5'].includes(model)) return { ok: false, message: '`model` must be V4_5PLUS, V5 or V5_5.' };
  const negativeTags = str(i, 'negative_tags');
  const styleWeight = num(i, 'style_weight');
  const weirdness = num(i, 'weirdness');
  const audioWeight = num(i, 'audio_weight');
  const common = {
    title: str(i, 'title')!,
    ...(negativeTags !== undefined ? { negativeTags } : {}),
    ...(model !== undefined ? { model: model as KieModel } : {}),
    ...(styleWeight !== undefined ? { styleWeight } : {}),
    ...(weirdness !== undefined ? { weirdness } : {}),
    ...(audioWeight !== undefined ? { audioWeight } : {}),
  };
  if (i.command === 'add-vocals') {
    const gender = str(i, 'vocal_gender');
    if (gender !== undefined && gender !== 'm' && gender !== 'f') return { ok: false, message: '`vocal_gender` must be m or f.' };
    return { ok: true, value: { kind: 'add_vocals', prompt: str(i, 'prompt')!, style: str(i, 'style')!, ...(gender ? { vocalGender: gender } : {}), ...common } };
  }
  return { ok: true, value: { kind: 'add_instrumental', tags: str(i, 'tags')!, ...common } };
}


export { nameFromUrl };
