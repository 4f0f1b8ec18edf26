// The text after a slash command: `name:value` options (quote a value with spaces: `title:"River Song"`), a bare
// URL first as the input, a bare mode word for /separate (README "Commands", docs/conventions.md):
//   /separate https://example.com/song.mp3 stems
//   /separate task:abc audio:def
//   /add-vocals https://… prompt:"a folk song about rivers" style:Folk title:"River Song"
// Slack sends links as `<https://…>` or `<https://…|label>` and escapes &, <, > as entities: both are undone.
// https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling
import type { AudioInput, StartKind as JobKind, JobParams } from '../../core/types.js';
import { resolveInput } from './files.js';
import { buildParams, commandOf, modes, optionNames, type OptionName, type Problem, type RawOptions } from './options.js';

const aliases: Record<string, OptionName> = { task: 'task_id', audio: 'audio_id', link: 'url', negative: 'negative_tags', gender: 'vocal_gender' };
const quotes: Record<string, string> = { '"': '"', '“': '”', '”': '”', '„': '“' };

interface Token {
  name?: string;
  value: string;
}

/** Slack sends a command's text with `&`, `<`, `>` as entities: the characters the person typed. */
export const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** `<https://x|label>` → `https://x` (only Slack's own link markup; typed brackets arrive as entities). */
const unlink = (s: string) => (/^<[^<>]+>$/.test(s) ? s.slice(1, -1).split('|')[0]! : s);
const isUrl = (s: string) => /^https?:\/\//i.test(s);

function tokenize(line: string): { ok: true; tokens: Token[] } | { ok: false; message: string } {
  const tokens: Token[] = [];
  let i = 0;
  const readValue = (): string | null => {
    const close = quotes[line[i]!];
    if (close) {
      const end = line.indexOf(close, i + 1);
      // Some keyboards close “ with ”, others with "; accept either.
      const alt = close === '”' ? line.indexOf('"', i + 1) : -1;
      const at = end < 0 ? alt : alt < 0 ? end : Math.min(end, alt);
      if (at < 0) return null;
      const v = line.slice(i + 1, at);
      i = at + 1;
      return v;
    }
    const start = i;
    while (i < line.length && !/\s/.test(line[i]!)) i++;
    return line.slice(start, i);
  };
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    const name = /^([a-z][a-z_-]*):(?!\/\/)/i.exec(line.slice(i));
    if (name) i += name[0].length;
    const value = readValue();
    if (value === null) return { ok: false, message: `A quote is not closed${name ? ` in \`${name[1]}\`` : ''}.` };
    tokens.push({ ...(name ? { name: name[1]!.toLowerCase().replace(/-/g, '_') } : {}), value: decode(unlink(value)) });
  }
  return { ok: true, tokens };
}

/** The options on a command line, or what is wrong with it. */
export function parseLine(kind: JobKind, line: string): { ok: true; raw: RawOptions } | { ok: false; problems: string[] } {
  const t = tokenize(line);
  if (!t.ok) return { ok: false, problems: [t.message] };
  const allowed = optionNames[kind];
  const raw: RawOptions = {};
  const problems: string[] = [];
  const set = (name: OptionName, value: string) => {
    if (raw[name] !== undefined) problems.push(`\`${name}\` is given twice.`);
    else raw[name] = value;
  };
  for (const tok of t.tokens) {
    if (tok.name) {
      const name = (aliases[tok.name] ?? tok.name) as OptionName;
      // `audio:<link>` means the input link; `audio:<id>` the Kie audio id.
      const target = name === 'audio_id' && isUrl(tok.value) ? 'url' : name;
      if (!allowed.includes(target)) problems.push(`\`${tok.name}\` is not an option of /${commandOf(kind)} (options: ${allowed.join(', ')}).`);
      else set(target, tok.value);
    } else if (isUrl(tok.value)) {
      set('url', tok.value);
    } else if (kind === 'separate' && modes.includes(tok.value.toLowerCase() as never)) {
      set('mode', tok.value.toLowerCase());
    } else {
      problems.push(`I did not understand \`${tok.value}\`. Write options as \`name:value\`.`);
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, raw };
}

export const usage: Record<JobKind, string> = {
  separate: [
    '*Usage*',
    '• `/separate https://example.com/song.mp3` — vocals + instrumental',
    '• `/separate https://example.com/song.mp3 stems` — up to 12 stems',
    '• `/separate https://example.com/song.mp3 single stem:"Drum Kit"` — one instrument',
    '• `/separate task:<task_id> audio:<audio_id> [vocals|stems|single]` — a track Kie made',
    '• `/separate` alone opens a form where you can attach a file.',
  ].join('\n'),
  add_vocals: [
    '*Usage*',
    '• `/add-vocals https://example.com/backing.mp3 prompt:"a folk song about rivers" style:Folk title:"River Song"`',
    '  optional: `negative_tags:` `vocal_gender:m|f` `model:V4_5PLUS|V5|V5_5` `style_weight:0.5` `weirdness:0.5` `audio_weight:0.5`',
    '• `/add-vocals` alone opens a form where you can attach a file.',
  ].join('\n'),
  add_instrumental: [
    '*Usage*',
    '• `/add-instrumental https://example.com/vocals.mp3 tags:"acoustic, warm" title:"River Song"`',
    '  optional: `negative_tags:` `model:V4_5PLUS|V5|V5_5` `style_weight:0.5` `weirdness:0.5` `audio_weight:0.5`',
    '• `/add-instrumental` alone opens a form where you can attach a file.',
  ].join('\n'),
};

const problemLine = (p: Problem) => `• ${p.message.replace(/\.?$/, '.')}`;

/** A whole command line → the core's input and params, or the mistakes followed by the usage. */
export function commandFromLine(kind: JobKind, line: string): { ok: true; input: AudioInput; params: JobParams } | { ok: false; message: string } {
  const parsed = parseLine(kind, line);
  const problems = parsed.ok ? [] : parsed.problems.map((m) => `• ${m}`);
  if (parsed.ok) {
    const input = resolveInput(kind, parsed.raw, undefined, []);
    const params = buildParams(kind, parsed.raw);
    if (input.ok && params.ok) return { ok: true, input: input.value, params: params.value };
    if (!input.ok) problems.push(...input.problems.map(problemLine));
    if (!params.ok) problems.push(...params.problems.map(problemLine));
  }
  return { ok: false, message: `That didn’t work:\n${problems.join('\n')}\n\n${usage[kind]}` };
}
