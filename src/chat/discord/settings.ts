// The Discord adapter's tunables, in one object with units in the names (docs/conventions.md, habit 3).
// Facts come from docs/chat-platforms.md (Discord's developer docs).
import { z } from 'zod';

export const discordDefaults = {
  /** Used when an interaction carries no `attachment_size_limit` (the default since 16 Jan 2025). */
  defaultAttachmentBytes: 10 * 1024 * 1024,
  /** Discord allows at most 10 attachments per message. */
  maxFilesPerMessage: 10,
  /** Message content ≤ 2000 characters; embed description ≤ 4096; ≤ 6000 across a message's embeds. */
  maxContentChars: 2000,
  maxEmbedDescriptionChars: 4096,
  maxEmbedTotalChars: 6000,
  /** Buttons: ≤ 5 per row, ≤ 5 rows, label ≤ 80, custom_id ≤ 100, link URL ≤ 512. */
  maxButtonsPerRow: 5,
  maxRows: 5,
  maxButtonLabelChars: 80,
  maxCustomIdChars: 100,
  maxLinkButtonUrlChars: 512,
  /** `nonce` is at most 25 characters. */
  nonceChars: 25,
  /** Autocomplete answers carry at most 25 choices. */
  maxChoices: 25,
  /** Threads archive after a day without messages; posting into one unarchives it. */
  threadAutoArchiveMin: 1440,
  /** Uploads of 10 files of up to 10 MiB (more on boosted servers) take longer than discord.js's 15 s default. */
  restTimeoutMs: 120_000,
  /** discord.js waits out shorter 429s itself; a longer one goes back to the outbox, which retries later. */
  restMaxRateLimitWaitMs: 30_000,
  /**
   * A CDN URL is given to Kie as is only if it stays valid this long after the command, beyond the longest
   * stembot follows a job (`pollMaxAgeMs`); otherwise the core re-hosts the file through Kie's File Upload API.
   */
  cdnUrlSafetyMarginMs: 60 * 60_000,
  /** Signed interaction requests older or newer than this are refused (limits replays). */
  signatureToleranceSec: 300,
  /** Interaction ids remembered to refuse a replayed request (an interaction token lives 15 minutes). */
  seenInteractionTtlMs: 15 * 60_000,
  seenInteractionMax: 10_000,
  /** The first answer must reach Discord within 3 s; past this, the HTTP intake answers on its own. */
  initialResponseBudgetMs: 2_500,
  interactionBodyLimitBytes: 1024 * 1024,
  /** `/jobs` lists this many of the caller's newest jobs. */
  jobsListLimit: 10,
} as const;

export const discordWebUrl = 'https://discord.com';

// The Discord adapter's own variables (the shared ones — token, application id, public key, guild id, API
// URL — are parsed in src/config.ts). Both lists are optional: empty means "everyone, everywhere".
const snowflakeList = (name: string) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((ids) => ids.every((id) => /^\d{15,25}$/.test(id)), { message: `${name} must be a comma list of Discord ids (digits)` });

const schema = z.object({
  DISCORD_ALLOWED_ROLE_IDS: snowflakeList('DISCORD_ALLOWED_ROLE_IDS'),
  DISCORD_ALLOWED_CHANNEL_IDS: snowflakeList('DISCORD_ALLOWED_CHANNEL_IDS'),
});

export interface DiscordEnv {
  /** A member needs one of these roles to start jobs (empty: no role needed). */
  allowedRoleIds: string[];
  /** Jobs may be started only in these channels or threads under them (empty: any channel). */
  allowedChannelIds: string[];
}

export type DiscordEnvResult = { ok: true; env: DiscordEnv } | { ok: false; message: string };

/** Parse the adapter's variables; the message names the variable and never echoes its value. */
export function parseDiscordEnv(env: Record<string, string | undefined>): DiscordEnvResult {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `Invalid configuration: ${issue.message}` };
  }
  return { ok: true, env: { allowedRoleIds: parsed.data.DISCORD_ALLOWED_ROLE_IDS, allowedChannelIds: parsed.data.DISCORD_ALLOWED_CHANNEL_IDS } };
}
