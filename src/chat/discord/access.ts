// Who may do what. Per-user and per-server job caps are the core's (maxActivePerUser / maxActivePerWorkspace);
// the optional role and channel allow-lists (DISCORD_ALLOWED_ROLE_IDS / _CHANNEL_IDS) and the button rule
// ("only the requester or someone with Manage Messages") are Discord's and live here.
import { PermissionFlagsBits } from 'discord.js';
import type { DiscordEnv } from './settings.js';
import type { IntakeBase } from './intake.js';

const has = (permissions: bigint | null, flag: bigint) => permissions !== null && (permissions & flag) === flag;

/** Null when the member may start jobs here; otherwise the sentence that says why not. */
export function refuseStart(i: IntakeBase, rules: DiscordEnv): string | null {
  if (!i.guildId || !i.channelId) return 'stembot works in server channels, not in direct messages.';
  // Administrators are never locked out of their own bot.
  if (has(i.permissions, PermissionFlagsBits.Administrator)) return null;
  if (rules.allowedChannelIds.length > 0) {
    const here = [i.channelId, i.parentId].filter((c): c is string => Boolean(c));
    if (!here.some((c) => rules.allowedChannelIds.includes(c))) {
      return `stembot is not enabled in this channel. Use it in ${rules.allowedChannelIds.map((c) => `<#${c}>`).join(', ')}.`;
    }
  }
  if (rules.allowedRoleIds.length > 0 && !i.roles.some((r) => rules.allowedRoleIds.includes(r))) {
    return `Starting stembot jobs needs one of these roles: ${rules.allowedRoleIds.map((r) => `<@&${r}>`).join(', ')}. Ask a server admin.`;
  }
  return null;
}

/** Does this member manage the server (Manage Server, or Administrator)? They see the Kie balance in `/credits`. */
export function manages(i: IntakeBase): boolean {
  return has(i.permissions, PermissionFlagsBits.ManageGuild) || has(i.permissions, PermissionFlagsBits.Administrator);
}

/** May this member press a button on someone's job? */
export function mayPress(i: IntakeBase, requesterId: string): boolean {
  return i.user.id === requesterId || has(i.permissions, PermissionFlagsBits.ManageMessages);
}
