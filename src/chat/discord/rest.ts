// One discord.js REST client for everything the adapter sends (bot-token channel routes and token-less
// interaction routes), pointed at DISCORD_API_URL, and the one mapping of its errors to the core's codes.
// discord.js queues per rate-limit bucket and waits out 429s itself; only long waits come back as
// RATE_LIMITED so the outbox can retry later instead of holding a worker.
// https://discord.com/developers/docs/topics/rate-limits
import { DiscordAPIError, HTTPError, RateLimitError, REST, RESTJSONErrorCodes } from 'discord.js';
import type { ChatErrorCode } from '../../core/ports.js';
import { discordDefaults } from './settings.js';

export interface RestOptions {
  apiUrl: string;
  token?: string;
  timeoutMs?: number;
  maxRateLimitWaitMs?: number;
  /** discord.js retries 5xx and timeouts this many times (default 3); nonces make that safe for posts. */
  retries?: number;
}

/** discord.js's `makeRequest` over Node's fetch (see createRest). */
export const fetchRequest = (url: string, init: unknown) => fetch(url, init as RequestInit);

export function createRest(o: RestOptions): REST {
  const maxWait = o.maxRateLimitWaitMs ?? discordDefaults.restMaxRateLimitWaitMs;
  const rest = new REST({
    api: o.apiUrl.replace(/\/+$/, ''),
    version: '10',
    timeout: o.timeoutMs ?? discordDefaults.restTimeoutMs,
    retries: o.retries ?? 3,
    rejectOnRateLimit: (info) => info.retryAfter > maxWait || info.timeToReset > maxWait,
    // Node's fetch, not discord.js's bundled undici 6: stembot loads undici 7, whose global dispatcher the
    // bundled client would then use, and undici 7 cannot send undici 6's multipart bodies ("action is not a
    // function"). fetch encodes the body itself. discord.js documents `makeRequest: fetch` for this.
    makeRequest: fetchRequest,
  });
  if (o.token) rest.setToken(o.token);
  return rest;
}

export type ChatError = { ok: false; code: ChatErrorCode; detail?: string; retryAfterMs?: number };

/** An HTTP status and Discord's JSON error code → a ChatResult failure (shared with file-post.ts). */
export function chatErrorFromStatus(status: number, code: number, message: string): ChatError {
  const detail = message.slice(0, 300);
  if (status === 429) return { ok: false, code: 'RATE_LIMITED', detail, retryAfterMs: 5_000 };
  // Edits of messages older than an hour have their own, stricter limit: try again later.
  if (code === RESTJSONErrorCodes.MaximumNumberOfEditsToMessagesOlderThanOneHourReached) return { ok: false, code: 'RATE_LIMITED', detail, retryAfterMs: 60_000 };
  if (status === 413 || code === RESTJSONErrorCodes.RequestEntityTooLarge) return { ok: false, code: 'TOO_LARGE', detail };
  if (status === 401 || status === 403) return { ok: false, code: 'FORBIDDEN', detail };
  if (status === 404) return { ok: false, code: 'NOT_FOUND', detail };
  if (status >= 500) return { ok: false, code: 'TRANSIENT', detail };
  return { ok: false, code: 'INVALID', detail };
}

/** A thrown REST error → a ChatResult failure. Anything unknown counts as transient (network, timeout). */
export function chatError(err: unknown): ChatError {
  if (err instanceof RateLimitError) {
    return { ok: false, code: 'RATE_LIMITED', detail: `rate limited on ${err.route}`, retryAfterMs: Math.max(err.retryAfter, err.timeToReset, 1000) };
  }
  if (err instanceof DiscordAPIError) return chatErrorFromStatus(err.status, Number(err.code), `${err.status} ${err.code}: ${err.message}`);
  if (err instanceof HTTPError) {
    return { ok: false, code: err.status === 413 ? 'TOO_LARGE' : err.status >= 500 ? 'TRANSIENT' : 'INVALID', detail: `${err.status} ${err.message}` };
  }
  return { ok: false, code: 'TRANSIENT', detail: err instanceof Error ? err.message : String(err) };
}

/** Discord's numeric error code of a thrown REST error, if it has one. */
export function discordCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}
