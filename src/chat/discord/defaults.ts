// The Discord adapter's tunables, in one object with units in the names (docs/conventions.md, habit 3).
// Facts come from docs/chat-platforms.md (Discord's developer docs).
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
