// The Discord adapter's own variables (the shared ones — token, application id, public key, guild id, API
// URL — are parsed in src/config.ts). Both lists are optional: empty means "everyone, everywhere".
import { z } from 'zod';

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
