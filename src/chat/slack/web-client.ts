// One WebClient for everything stembot says to Slack, pointed at SLACK_API_URL. 429s are not waited out
// inside the client: they come back as RATE_LIMITED with Slack's Retry-After, and the outbox schedules the
// retry (a step holding its lease for minutes would block the job's other work).
import { ErrorCode, WebClient } from '@slack/web-api';
import type { ChatErrorCode } from '../../core/ports.js';
import type { Logger } from '../../ops/logger.js';
import { slackLogger } from './log.js';

/** `retries`: quick retries inside the client; 0 for calls that must never be sent twice unchecked (file shares). */
export function createWebClient(botToken: string, apiUrl: string, log: Logger, timeoutMs: number, retries = 1): WebClient {
  return new WebClient(botToken, {
    slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    logger: slackLogger(log),
    rejectRateLimitedCalls: true,
    // One quick retry for a dropped connection or a 5xx; anything longer is the outbox's job.
    retryConfig: { retries, factor: 1, minTimeout: 250, maxTimeout: 250 },
    timeout: timeoutMs,
  });
}

export type SlackFailure = { ok: false; code: ChatErrorCode; detail: string; retryAfterMs?: number; slackError?: string; needed?: string };

// https://docs.slack.dev/reference/methods/chat.postMessage#errors and siblings.
const forbidden = new Set([
  'not_in_channel', 'channel_not_found', 'missing_scope', 'is_archived', 'restricted_action', 'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel', 'restricted_action_non_threadable_channel', 'cannot_reply_to_message', 'not_allowed_token_type',
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'ekm_access_denied',
  'team_access_not_granted', 'access_denied', 'cant_update_message', 'edit_window_closed', 'org_login_required', 'team_not_found',
]);
const notFound = new Set(['message_not_found', 'thread_not_found', 'file_not_found', 'file_deleted', 'user_not_found']);
const transient = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'timeout']);
const tooLarge = new Set(['file_too_large', 'file_upload_size_restricted', 'storage_limit_reached']);

/** A Web API failure as the core's ChatResult code. Unknown errors count as passing: the outbox retries a few times. */
export function slackFailure(err: unknown): SlackFailure {
  const e = err as { code?: string; data?: { error?: string; needed?: string }; retryAfter?: number; statusCode?: number; message?: string };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { ok: false, code: 'RATE_LIMITED', detail: `ratelimited (retry after ${e.retryAfter}s)`, retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
    case ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown_error';
      const base = { detail: error, slackError: error, ...(e.data?.needed ? { needed: e.data.needed } : {}) };
      if (error === 'ratelimited') return { ok: false, code: 'RATE_LIMITED', ...base, retryAfterMs: 1000 };
      if (forbidden.has(error)) return { ok: false, code: 'FORBIDDEN', ...base };
      if (notFound.has(error)) return { ok: false, code: 'NOT_FOUND', ...base };
      if (tooLarge.has(error)) return { ok: false, code: 'TOO_LARGE', ...base };
      if (transient.has(error)) return { ok: false, code: 'TRANSIENT', ...base };
      if (/^invalid_|_too_long$|^too_many_|^no_text$|^msg_too_long$/.test(error)) return { ok: false, code: 'INVALID', ...base };
      return { ok: false, code: 'TRANSIENT', ...base };
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      if (status === 429) return { ok: false, code: 'RATE_LIMITED', detail: 'HTTP 429', retryAfterMs: 1000 };
      return { ok: false, code: status >= 500 || status === 408 ? 'TRANSIENT' : 'INVALID', detail: `HTTP ${status}` };
    }
    case ErrorCode.RequestError:
      return { ok: false, code: 'TRANSIENT', detail: `network: ${e.message ?? 'request failed'}` };
    default:
      // A 429 without a usable Retry-After surfaces as a plain Error from the client's retry wrapper.
      if (/rate limit|retry header/i.test(e?.message ?? '')) return { ok: false, code: 'RATE_LIMITED', detail: e.message ?? '', retryAfterMs: 1000 };
      return { ok: false, code: 'TRANSIENT', detail: e?.message ?? String(err) };
  }
}

/** What a person should do about a Slack refusal to post, for the ephemeral answer. */
export function explainForbidden(failure: Pick<SlackFailure, 'slackError' | 'needed'>): string {
  switch (failure.slackError) {
    case 'not_in_channel':
      return 'I’m not a member of this channel, so I can’t post the status and results here. Add me with `/invite @stembot` (or mention me and choose *Add to channel*), then run the command again.';
    case 'channel_not_found':
      return 'I can’t see this conversation — it is a private channel or a direct message I’m not part of. Invite me with `/invite @stembot`, or use me in a channel I’m in.';
    case 'missing_scope':
      return `stembot is missing a Slack permission${failure.needed ? ` (\`${failure.needed}\`)` : ''}. Ask a workspace admin to reinstall the app from \`slack-manifest.yml\` (it lists every scope stembot needs).`;
    case 'is_archived':
      return 'This channel is archived, so I can’t post in it. Use me in an active channel.';
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'account_inactive':
      return 'stembot’s Slack token was refused. Ask an admin to check SLACK_BOT_TOKEN (or reinstall the app).';
    default:
      return 'Slack won’t let me post in this conversation. Try a channel I’m a member of, or ask an admin to check my permissions.';
  }
}
