// The form behind `/separate`, `/add-vocals`, `/add-instrumental` with no text (and behind the message
// shortcuts): the same fields as Discord's options, plus a `file_input` for the audio. Block ids are the option
// names, so a mistake is shown next to its field. https://docs.slack.dev/surfaces/modals
import type { App } from '@slack/bolt';
import { ADVANCED_STEM_NAMES, kieLimits } from '../../core/kie-vocabulary.js';
import type { AudioInput, StartKind as JobKind, JobParams } from '../../core/types.js';
import { mrkdwn, type Block } from './blocks.js';
import { originOf, type SlackDeps } from './deps.js';
import { escapeText, truncate } from './format.js';
import { audioFileTypes, resolveInput, type SlackFile } from './files.js';
import { startJob } from './intake.js';
import { buildParams, models, optionNames, type OptionName, type Problem, type RawOptions } from './options.js';
import { replyTo } from './reply.js';

/** Carried in the view's private_metadata (≤ 3000 characters): where to post and what was prefilled. */
export interface ModalMeta {
  /** channel of the conversation */
  c: string;
  /** response_url of the command or shortcut, for private answers */
  r?: string;
  /** a file from the message the shortcut was used on */
  f?: SlackFile;
}

const modalPrefix = 'stembot_modal:';
const titles: Record<JobKind, string> = { separate: 'Separate stems', add_vocals: 'Add vocals', add_instrumental: 'Add instrumental' };

const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const option = (value: string, label: string) => ({ text: plain(truncate(label, 75)), value });

function input(block: OptionName | 'audio', label: string, element: Record<string, unknown>, opts: { optional?: boolean; hint?: string } = {}): Block {
  return {
    type: 'input',
    block_id: block,
    optional: opts.optional ?? true,
    label: plain(label),
    element: { action_id: 'v', ...element },
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
  };
}

const textInput = (max: number, extra: Record<string, unknown> = {}) => ({ type: 'plain_text_input', max_length: Math.min(max, 3000), ...extra });
const select = (options: { text: unknown; value: string }[], initial?: string) => ({
  type: 'static_select',
  options,
  ...(initial ? { initial_option: options.find((o) => o.value === initial) } : {}),
});
const weight = (name: OptionName, label: string) =>
  input(name, label, { type: 'number_input', is_decimal_allowed: true, min_value: '0', max_value: '1' }, { hint: '0 to 1, optional' });

export function buildModal(kind: JobKind, meta: ModalMeta, prefill: { url?: string } = {}): Record<string, unknown> {
  const blocks: Block[] = [];
  if (meta.f) {
    blocks.push({
      type: 'section',
      text: mrkdwn(`:musical_note: Using *${escapeText(meta.f.name ?? 'the file')}* from the message. Attach another file or give a link to use that instead.`),
    });
  }
  blocks.push(
    input('audio', meta.f ? 'Another audio file' : 'Audio file', { type: 'file_input', filetypes: audioFileTypes, max_files: 1 }, {
      // Slack's own limit for a file_input is 10 MB (docs/kie-answers.md); a larger file goes in as a link.
      hint: 'MP3, WAV, FLAC, OGG or M4A, up to 10 MB (Slack’s limit for this field). Larger, up to 20 MB: give a link below, or use the message shortcut on a file posted in the channel.',
    }),
    input('url', '…or a link to the audio', textInput(2000, { placeholder: plain('https://…'), ...(prefill.url ? { initial_value: prefill.url } : {}) })),
  );
  if (kind === 'separate') {
    blocks.push(
      input('task_id', '…or a Kie track: task_id', textInput(100)),
      input('audio_id', 'Kie track: audio_id', textInput(100)),
      input('mode', 'What to separate', select([option('vocals', 'Vocals + instrumental'), option('stems', 'Up to 12 stems'), option('single', 'One instrument (pick it below)')], 'vocals'), { optional: false }),
      input('stem', 'Instrument (for “One instrument”)', select(ADVANCED_STEM_NAMES.map((n) => option(n, n)))),
    );
  } else {
    if (kind === 'add_vocals') {
      blocks.push(
        input('prompt', 'Prompt (what the vocals sing about)', textInput(kieLimits.prompt, { multiline: true }), { optional: false }),
        input('style', 'Style', textInput(kieLimits.style), { optional: false }),
      );
    } else {
      blocks.push(input('tags', 'Tags (style of the instrumental)', textInput(kieLimits.tags), { optional: false }));
    }
    blocks.push(input('title', 'Title', textInput(kieLimits.title), { optional: false }), input('negative_tags', 'Negative tags', textInput(kieLimits.negativeTags)));
    if (kind === 'add_vocals') blocks.push(input('vocal_gender', 'Vocal gender', select([option('m', 'Male'), option('f', 'Female')])));
    blocks.push(input('model', 'Model', select(models.map((m) => option(m, m)))), weight('style_weight', 'Style weight'), weight('weirdness', 'Weirdness'), weight('audio_weight', 'Audio weight'));
  }
  return {
    type: 'modal',
    callback_id: `${modalPrefix}${kind}`,
    title: plain(titles[kind]),
    submit: plain('Start'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

interface StateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  files?: SlackFile[];
}
export interface SubmittedView {
  callback_id: string;
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, StateValue>> };
}

export type ModalResult =
  | { ok: true; kind: JobKind; meta: ModalMeta; input: AudioInput; params: JobParams }
  | { ok: false; errors: Record<string, string> }
  | { ok: false; notOurs: true };

/** A submitted form → the core's input and params, or the per-field errors Slack shows in the modal. */
function readModal(view: SubmittedView, fileOrigins: readonly string[]): ModalResult {
  const kind = view.callback_id.slice(modalPrefix.length) as JobKind;
  if (!view.callback_id.startsWith(modalPrefix) || !(kind in optionNames)) return { ok: false, notOurs: true };
  let meta: ModalMeta;
  try {
    meta = JSON.parse(view.private_metadata ?? '') as ModalMeta;
  } catch {
    return { ok: false, notOurs: true };
  }
  const values = view.state?.values ?? {};
  const raw: RawOptions = {};
  for (const name of optionNames[kind]) {
    const v = values[name]?.v;
    const text = v?.selected_option?.value ?? v?.value ?? undefined;
    if (text) raw[name] = text;
  }
  const file = values.audio?.v?.files?.[0] ?? (raw.url || raw.task_id || raw.audio_id ? undefined : meta.f);
  const input = resolveInput(kind, raw, file, fileOrigins);
  const params = buildParams(kind, raw);
  if (input.ok && params.ok) return { ok: true, kind, meta, input: input.value, params: params.value };
  const problems: Problem[] = [...(input.ok ? [] : input.problems), ...(params.ok ? [] : params.problems)];
  const present = new Set<string>(optionNames[kind]); // every option has a block of that id in the form
  const errors: Record<string, string> = {};
  for (const p of problems) {
    const block = present.has(p.option) ? p.option : 'audio';
    errors[block] = errors[block] ? `${errors[block]} ${p.message}` : p.message;
  }
  return { ok: false, errors };
}

/** view_submission → Command. Field mistakes stay in the modal (response_action: errors); refusals come privately. */
export function registerModals(bolt: App, deps: SlackDeps): void {
  bolt.view({ callback_id: new RegExp(`^${modalPrefix}`), type: 'view_submission' }, async ({ ack, body, view }) => {
    const read = readModal(view as SubmittedView, deps.fileOrigins);
    if (!read.ok) return 'errors' in read ? ack({ response_action: 'errors', errors: read.errors }) : ack();
    await ack();
    const user = body.user as { id: string; name?: string; username?: string };
    const origin = originOf({ teamId: body.team?.id ?? view.team_id, channelId: read.meta.c, userId: user.id, userName: user.username ?? user.name });
    const reply = replyTo(deps.web, deps.log, { ...(read.meta.r ? { responseUrl: read.meta.r } : {}), channelId: read.meta.c, userId: user.id });
    await startJob(deps, { origin, input: read.input, params: read.params }, reply, read.meta.r);
  });
}
