// The one shape both intakes produce: an interaction reduced to what stembot uses. The HTTP endpoint builds
// it from Discord's JSON (here), the gateway from discord.js structures (intake-discordjs.ts); the handler
// and the conversion into the core's Command see only this.
// https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
import { ChannelType, InteractionType, ApplicationCommandOptionType, ComponentType } from 'discord.js';
import { z } from 'zod';

export type OptionValue = string | number | boolean;

export interface IntakeAttachment {
  id: string;
  filename: string;
  url: string;
  size: number;
  contentType: string | null;
}

export interface IntakeBase {
  id: string;
  token: string;
  applicationId: string;
  guildId: string | null;
  channelId: string | null;
  /** The channel's type when known, and the parent of a thread. */
  channelType: number | null;
  parentId: string | null;
  user: { id: string; name: string };
  /** The member's permissions in this channel (null outside a guild). */
  permissions: bigint | null;
  /** The member's role ids, sorted. */
  roles: string[];
  /** `attachment_size_limit`: the largest file this channel takes from this bot (boosts, Nitro). */
  attachmentSizeLimit: number | null;
}

export type Intake =
  | (IntakeBase & { kind: 'command'; command: string; options: Record<string, OptionValue>; attachments: Record<string, IntakeAttachment> })
  | (IntakeBase & { kind: 'autocomplete'; command: string; focused: { name: string; value: string }; options: Record<string, OptionValue> })
  | (IntakeBase & { kind: 'button'; customId: string })
  | (IntakeBase & { kind: 'unsupported'; type: number });

export type CommandIntake = Extract<Intake, { kind: 'command' }>;

export const threadTypes: readonly number[] = [ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread];

const user = z.object({ id: z.string(), username: z.string(), global_name: z.string().nullish() });
const option = z.object({ name: z.string(), type: z.number(), value: z.union([z.string(), z.number(), z.boolean()]).optional(), focused: z.boolean().optional() });
const attachment = z.object({ id: z.string(), filename: z.string(), url: z.string(), size: z.number(), content_type: z.string().nullish() });
const raw = z.object({
  id: z.string(),
  type: z.number(),
  token: z.string(),
  application_id: z.string(),
  guild_id: z.string().nullish(),
  channel: z.object({ id: z.string(), type: z.number(), parent_id: z.string().nullish() }).nullish(),
  channel_id: z.string().nullish(),
  member: z.object({ user, nick: z.string().nullish(), roles: z.array(z.string()), permissions: z.string().regex(/^\d+$/).nullish() }).nullish(),
  user: user.nullish(),
  attachment_size_limit: z.number().int().positive().nullish(),
  data: z
    .object({
      name: z.string().optional(),
      type: z.number().optional(),
      options: z.array(option).optional(),
      resolved: z.object({ attachments: z.record(z.string(), attachment).optional() }).optional(),
      custom_id: z.string().optional(),
      component_type: z.number().optional(),
      values: z.array(z.string()).optional(),
    })
    .optional(),
});

/** A person's name as the server shows it: nickname, display name, username. */
export const displayName = (nick: string | null | undefined, globalName: string | null | undefined, username: string) => nick || globalName || username;

/** Discord's interaction JSON → Intake; null when it is not an interaction at all. */
export function fromApi(body: unknown): Intake | null {
  const parsed = raw.safeParse(body);
  if (!parsed.success) return null;
  const i = parsed.data;
  const who = i.member?.user ?? i.user;
  if (!who) return null;
  const base: IntakeBase = {
    id: i.id,
    token: i.token,
    applicationId: i.application_id,
    guildId: i.guild_id ?? null,
    channelId: i.channel?.id ?? i.channel_id ?? null,
    channelType: i.channel?.type ?? null,
    parentId: i.channel?.parent_id ?? null,
    user: { id: who.id, name: displayName(i.member?.nick, who.global_name, who.username) },
    permissions: i.member?.permissions ? BigInt(i.member.permissions) : null,
    roles: [...(i.member?.roles ?? [])].sort(),
    attachmentSizeLimit: i.attachment_size_limit ?? null,
  };
  const options: Record<string, OptionValue> = {};
  const attachments: Record<string, IntakeAttachment> = {};
  let focused: { name: string; value: string } | null = null;
  for (const o of i.data?.options ?? []) {
    if (o.value === undefined) continue; // subcommands: stembot has none
    if (o.type === ApplicationCommandOptionType.Attachment) {
      const a = i.data?.resolved?.attachments?.[String(o.value)];
      if (a) attachments[o.name] = { id: a.id, filename: a.filename, url: a.url, size: a.size, contentType: a.content_type ?? null };
      continue;
    }
    options[o.name] = o.value;
    if (o.focused) focused = { name: o.name, value: String(o.value) };
  }
  if (i.type === InteractionType.ApplicationCommand && i.data?.name) return { ...base, kind: 'command', command: i.data.name, options, attachments };
  if (i.type === InteractionType.ApplicationCommandAutocomplete && i.data?.name && focused) {
    return { ...base, kind: 'autocomplete', command: i.data.name, focused, options };
  }
  if (i.type === InteractionType.MessageComponent && i.data?.component_type === ComponentType.Button && i.data.custom_id) {
    return { ...base, kind: 'button', customId: i.data.custom_id };
  }
  // A one-choice select (the stem menu) reads as a button whose custom_id carries the choice.
  if (i.type === InteractionType.MessageComponent && i.data?.component_type === ComponentType.StringSelect && i.data.custom_id && i.data.values?.length === 1) {
    return { ...base, kind: 'button', customId: `${i.data.custom_id}:${i.data.values[0]}` };
  }
  return { ...base, kind: 'unsupported', type: i.type };
}
