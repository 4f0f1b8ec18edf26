// Slack files as stembot input. A file someone uploaded to Slack is only readable with the bot token
// (`url_private`), so Kie cannot fetch it: it becomes a `private_url` input marked `provider: 'slack'`, which the
// core's submit step downloads (size-capped, streamed) and re-hosts through Kie's File Upload API under a unique
// name. The input holds no credential: the token is added at download time by the provider mount.ts registers,
// and only for Slack's file origin. A file object naming any other origin is refused here, before a job exists.
// https://docs.slack.dev/messaging/working-with-files#authenticating
import { describeFailure } from '../../core/messages.js';
import { onOrigin } from '../../delivery/credentials.js';
import type { AudioInput, StartKind as JobKind } from '../../core/types.js';
import type { Built, RawOptions } from './options.js';
import { nameFromUrl } from '../../core/input-name.js';

/** The fields of a Slack file object stembot reads (files in messages, `file_input` values). */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

const audioTypes = new Set(['mp3', 'wav', 'flac', 'ogg', 'oga', 'm4a', 'aac', 'aiff', 'aif', 'opus', 'webm', 'mpga']);
export const audioFileTypes = ['mp3', 'wav', 'flac', 'ogg', 'm4a', 'aac', 'aiff', 'opus', 'webm'];

export function isAudioFile(f: SlackFile): boolean {
  const ext = /\.([a-z0-9]+)$/i.exec(f.name ?? '')?.[1]?.toLowerCase();
  return Boolean(f.mimetype?.startsWith('audio/') || (f.filetype && audioTypes.has(f.filetype.toLowerCase())) || (ext && audioTypes.has(ext)));
}

export function fileUrl(f: SlackFile): string | undefined {
  return f.url_private_download || f.url_private;
}


/** Where Slack serves `url_private` files: the bot token is sent there and nowhere else. */
export const slackFilesOrigin = 'https://files.slack.com';

/** Said privately when a file object's link is not on Slack's file origin; nothing is downloaded. */
export const foreignFileMessage =
  'That file’s download link does not point at Slack’s file server (files.slack.com), so stembot will not fetch it. Upload the file to Slack again, or give a public link with `url`.';

/**
 * Exactly one input: an attached file, a link, or (separation only) a Kie track. `fileOrigins`: the origins a
 * Slack file may be downloaded from with the bot token (Slack's file origin; SLACK_API_URL's in tests).
 */
export function resolveInput(kind: JobKind, raw: RawOptions, file: SlackFile | undefined, fileOrigins: readonly string[]): Built<AudioInput> {
  const url = raw.url?.trim();
  const taskId = raw.task_id?.trim();
  const audioId = raw.audio_id?.trim();
  const track = Boolean(taskId || audioId);
  const given = [Boolean(file), Boolean(url), track].filter(Boolean).length;
  const choices = kind === 'separate' ? 'an audio file, a link (`url`), or `task_id` + `audio_id` of a Kie track' : 'an audio file or a link (`url`)';
  if (given === 0) return { ok: false, problems: [{ option: 'audio', message: `Give the song: ${choices}.` }] };
  if (given > 1) return { ok: false, problems: [{ option: 'audio', message: `Give one input only: ${choices}.` }] };
  if (track) {
    if (kind !== 'separate') return { ok: false, problems: [{ option: 'task_id', message: '`task_id` + `audio_id` work with /separate only; attach a file or give a link' }] };
    if (!taskId || !audioId) return { ok: false, problems: [{ option: taskId ? 'audio_id' : 'task_id', message: 'give both `task_id` and `audio_id`' }] };
    return { ok: true, value: { type: 'kie_track', taskId, audioId, name: `Kie track ${audioId.slice(0, 8)}` } };
  }
  if (url) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) return { ok: false, problems: [{ option: 'url', message: '`url` must be an http(s) link' }] };
    return { ok: true, value: { type: 'url', url, name: nameFromUrl(url) } };
  }
  const f = file!;
  const at = fileUrl(f);
  if (!isAudioFile(f)) return { ok: false, problems: [{ option: 'audio', message: describeFailure('INPUT_NOT_AUDIO') }] };
  if (!at) return { ok: false, problems: [{ option: 'audio', message: 'Slack did not give me a download link for that file. Upload it again.' }] };
  if (!onOrigin(at, fileOrigins)) return { ok: false, problems: [{ option: 'audio', message: foreignFileMessage }] };
  return {
    ok: true,
    value: { type: 'private_url', url: at, name: f.name || f.title || 'audio', provider: 'slack', ...(typeof f.size === 'number' ? { bytes: f.size } : {}) },
  };
}
