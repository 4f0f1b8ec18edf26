// The one place where failure codes become sentences a musician reads (docs/conventions.md, habit 2).
// Every platform shows these same words.
import type { FailureCode, JobKind } from './types.js';

const sentences: Record<FailureCode | 'USER_CAP' | 'WORKSPACE_CAP', string> = {
  KIE_INSUFFICIENT_CREDITS: 'Kie says the account is out of credits — ask an admin to top up, then try again.',
  KIE_BAD_PARAMETERS:
    'Kie refused the request: a parameter was wrong or the audio format is not supported. Check the options, or use the task_id + audio_id of a Kie-generated track instead of a link.',
  KIE_CONTENT_VIOLATION: 'Kie refused the content (its content policy flagged the prompt, lyrics or audio). Change the wording and try again.',
  KIE_SOURCE_DOWNLOAD_FAILED:
    'Kie could not download the source audio. Make sure the link is public and points straight at an audio file, or attach the file instead.',
  KIE_MAINTENANCE: 'Kie is under maintenance right now. Try again in a little while.',
  KIE_SERVER_ERROR: 'Kie had an internal error. Nothing is wrong with your request — try again in a few minutes.',
  KIE_UNAUTHORIZED: 'Kie rejected stembot’s API key — ask an admin to check KIE_API_KEY.',
  KIE_TOO_LONG: 'The prompt, style or tags are longer than Kie allows. Shorten them and try again.',
  KIE_RATE_LIMITED: 'Kie is receiving too many requests from this account. stembot will keep trying; if this persists, try again later.',
  KIE_GENERATION_FAILED: 'Kie could not generate the audio for this request. Try again, perhaps with a different song or wording.',
  KIE_UNREACHABLE: 'stembot could not reach Kie. Try again in a few minutes.',
  KIE_BAD_RESPONSE: 'Kie answered with something stembot did not understand. Try again; if it repeats, tell an admin.',
  POLL_GAVE_UP: 'Kie never reported this job as finished, so stembot stopped waiting. Try again; no further credits were used by waiting.',
  KIE_TASK_NOT_FOUND:
    'Kie no longer knows this job (it may have been lost while Kie or stembot restarted, or Kie’s records of it expired), so stembot stopped waiting. Start it again.',
  KIE_AUDIO_URL_REFUSED:
    'Kie does not accept a file or link for separation on this account right now: its own separation pages document only tracks Kie generated. Use the task_id + audio_id of a Kie-generated track instead (the “Separate” button under a generated track does this).',
  INPUT_EXPIRED:
    'The file this button would reuse is gone: Kie keeps uploaded files for 3 days, and stembot no longer has its own copy. Attach the file again with a new command.',
  CHAT_UNAVAILABLE:
    'stembot could not post in this channel, so the job was stopped before any credits were spent. Invite stembot to the channel or check its permissions, then try again.',
  UPLOAD_FAILED: 'stembot could not hand your file to Kie (the upload failed). Try again in a moment.',
  INPUT_NOT_AUDIO: 'That file does not look like audio. Attach an MP3, WAV, FLAC, OGG or M4A file.',
  INPUT_TOO_LARGE: 'That file is larger than Kie accepts (20 MB). Trim or compress it and try again.',
  INPUT_INVALID: 'Some options are missing or not valid.',
  INPUT_BLOCKED: 'That file could not be fetched from an allowed public address, so nothing was sent to Kie. Attach the file again or give a public link.',
  INPUT_UNREADABLE: 'stembot could not read the audio you gave it. Check the link or attachment and try again.',
  USER_CAP: 'You already have as many jobs running as allowed. Wait for one to finish, then try again.',
  WORKSPACE_CAP: 'This server has as many jobs running as allowed. Try again when one finishes.',
};

// Codes whose detail is Kie's own message to the user (or, for INPUT_INVALID, the validator's words). Every other
// detail is ours (a downloader verdict naming an address, a network error such as ECONNREFUSED, a parse error):
// it stays in the log and never reaches chat.
const shownDetail = new Set<string>([
  'KIE_INSUFFICIENT_CREDITS', 'KIE_BAD_PARAMETERS', 'KIE_CONTENT_VIOLATION', 'KIE_SOURCE_DOWNLOAD_FAILED', 'KIE_MAINTENANCE',
  'KIE_SERVER_ERROR', 'KIE_UNAUTHORIZED', 'KIE_TOO_LONG', 'KIE_RATE_LIMITED', 'KIE_GENERATION_FAILED', 'KIE_AUDIO_URL_REFUSED', 'INPUT_INVALID',
]);

// A separation has no prompt, style, tags or wording: where the generic sentence talks about those, a
// separation gets one about its audio instead.
const separationSentences: Partial<Record<FailureCode, string>> = {
  KIE_BAD_PARAMETERS:
    'Kie refused the request: the audio format is not supported or an option was wrong. Try an MP3 or WAV file, or the task_id + audio_id of a Kie-generated track.',
  KIE_CONTENT_VIOLATION: 'Kie refused this audio under its content policy. Try a different song.',
  KIE_TOO_LONG: 'Kie refused this separation as too long. Use a shorter song (or a shorter instrument name) and try again.',
  KIE_GENERATION_FAILED: 'Kie could not separate this audio. Try again, perhaps with a different file.',
};

/** The sentence for a code (worded for the job's kind when given), with Kie's own words appended when they add something. */
export function describeFailure(code: FailureCode | 'USER_CAP' | 'WORKSPACE_CAP', detail?: string, kind?: JobKind): string {
  const base = (kind === 'separate' && code !== 'USER_CAP' && code !== 'WORKSPACE_CAP' ? separationSentences[code] : undefined) ?? sentences[code];
  if (!detail || !shownDetail.has(code)) return base;
  const clean = detail.replace(/\s+/g, ' ').trim().slice(0, 300);
  return clean ? `${base} (${code === 'INPUT_INVALID' ? '' : 'Kie said: '}${clean})` : base;
}

export const kindLabels = {
  separate: 'Stem separation',
  add_vocals: 'Add vocals',
  add_instrumental: 'Add instrumental',
  midi: 'MIDI',
  wav: 'WAV',
} as const;

export const modeLabels = { vocals: 'vocals + instrumental', stems: 'up to 12 stems', single: 'one instrument' } as const;

/**
 * "for Alice" when the requester has a name to say; nothing when not. The playground's user goes by "You",
 * which reads wrong after "for" ("2 stems for You").
 */
export function forPerson(userName: string): string {
  const name = userName.trim();
  return name === '' || /^you$/i.test(name) ? '' : ` for ${name}`;
}
