// What Kie is given for a Discord attachment. Attachment URLs on Discord's CDN are signed and expire
// (`ex` = expiry, hex Unix seconds; hours to a day): https://discord.com/developers/docs/reference#signed-attachment-cdn-urls
// Kie reads the URL when the job starts and stembot may follow the job for `pollMaxAgeMs`, so the URL goes to
// Kie as is only when it outlives that with a margin and its size is within Kie's limit; otherwise the core
// fetches it (no credential needed) and re-hosts it through Kie's File Upload API.
import { describeFailure } from '../../core/messages.js';
import type { AudioInput } from '../../core/types.js';
import type { IntakeAttachment } from './intake.js';

/** When a signed CDN URL stops working (ms), or null when it carries no expiry. */
function cdnExpiry(url: string): number | null {
  if (!URL.canParse(url)) return null;
  const ex = new URL(url).searchParams.get('ex');
  return ex && /^[0-9a-f]{1,12}$/i.test(ex) ? parseInt(ex, 16) * 1000 : null;
}

// Audio arrives as audio/*, sometimes as a video container (m4a as video/mp4, webm) or untyped.
const audioLike = /^(audio\/|video\/(mp4|webm|ogg|quicktime)|application\/(octet-stream|ogg))/i;

export interface AttachmentChoice {
  input: AudioInput;
  /** Set when the CDN URL itself goes to Kie: when it expires (kept with the job for follow-up buttons). */
  expiresAt?: number;
}

export function attachmentInput(
  a: IntakeAttachment,
  o: { now: number; minLifetimeMs: number; maxInputBytes: number },
): { ok: true; value: AttachmentChoice } | { ok: false; message: string } {
  if (a.contentType && !audioLike.test(a.contentType)) return { ok: false, message: describeFailure('INPUT_NOT_AUDIO') };
  const expiresAt = cdnExpiry(a.url);
  if (expiresAt !== null && expiresAt - o.now >= o.minLifetimeMs && a.size <= o.maxInputBytes) {
    return { ok: true, value: { input: { type: 'url', url: a.url, name: a.filename }, expiresAt } };
  }
  // The CDN needs no credential, so no `provider`: the bot token never goes with this download.
  return { ok: true, value: { input: { type: 'private_url', url: a.url, name: a.filename, bytes: a.size } } };
}

/**
 * The input of a follow-up job ("Split into 12 stems") made from an earlier job's input: a CDN URL still
 * good for long goes as is, one about to expire is re-hosted, an expired one cannot be used.
 */
export function reuseInput(
  input: AudioInput,
  expiresAt: number | undefined,
  o: { now: number; minLifetimeMs: number },
): { ok: true; input: AudioInput } | { ok: false; message: string } {
  if (input.type !== 'url' || expiresAt === undefined) return { ok: true, input };
  if (expiresAt - o.now >= o.minLifetimeMs) return { ok: true, input };
  if (expiresAt - o.now > 60_000) return { ok: true, input: { type: 'private_url', url: input.url, name: input.name } };
  return { ok: false, message: 'The original attachment has expired on Discord. Run `/separate` again with the file and `mode: up to 12 stems`.' };
}
