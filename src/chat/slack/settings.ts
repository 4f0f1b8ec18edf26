// Slack-only tunables, read from the environment by the adapter's own zod schema (the shared config owns
// the tokens and SLACK_API_URL). Numbers carry their units (docs/conventions.md, habit 3).
import { z } from 'zod';

export const slackDefaults = {
  /**
   * Largest stem attached to a Slack thread; larger ones are linked. Slack itself takes files up to 1 GB
   * (https://docs.slack.dev/messaging/working-with-files), but a 1 GB upload per stem is slow for everyone in
   * the channel and Kie's stems are a few MiB to a few tens of MiB: 100 MiB attaches every real stem.
   */
  maxFileBytes: 100 * 1024 * 1024,
  /** stembot's own cap per message (Discord allows 10; a Slack file share reads best with ≤ 10 too). */
  maxFilesPerMessage: 10,
  /** Slack: "reject timestamps older than 5 minutes". */
  signatureToleranceSec: 300,
  /** Slack redelivers when it gets no 2xx within 3 s; answer well before. */
  ackTimeoutMs: 2_500,
  apiTimeoutMs: 30_000,
  /** One streamed upload of one stem to Slack's upload URL. */
  uploadTimeoutMs: 5 * 60_000,
  /** How many post results are remembered for in-process de-duplication. */
  rememberedPosts: 5_000,
  /** A trigger id seen twice within this window is a replay, not a new request. */
  replayWindowMs: 10 * 60_000,
  recentJobs: 10,
  /** How long start() waits for Socket Mode to connect before going on (it keeps trying in the background). */
  socketConnectWaitMs: 10_000,
} as const;

export type SlackSettings = { -readonly [K in keyof typeof slackDefaults]: number };

const bytes = z.coerce
  .number()
  .int()
  .min(1024 * 1024, { message: 'must be at least 1048576 (1 MiB)' })
  .max(1024 * 1024 * 1024, { message: 'must be at most 1073741824 (Slack’s 1 GB limit)' });

const schema = z.object({ SLACK_MAX_FILE_BYTES: bytes.optional() });

/** Parse SLACK_* tunables; the message names the bad variable, as the shared config does. */
export function parseSlackSettings(env: Record<string, string | undefined>): { ok: true; settings: SlackSettings } | { ok: false; message: string } {
  const raw = env.SLACK_MAX_FILE_BYTES?.trim() ? { SLACK_MAX_FILE_BYTES: env.SLACK_MAX_FILE_BYTES.trim() } : {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `Invalid configuration: ${String(issue.path[0])} ${issue.message.replace(/^Invalid input: ?/, '')}` };
  }
  return { ok: true, settings: { ...slackDefaults, maxFileBytes: parsed.data.SLACK_MAX_FILE_BYTES ?? slackDefaults.maxFileBytes } };
}
