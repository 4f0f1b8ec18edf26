// The gateway's half of "two intakes, one handler": a discord.js interaction → the same Intake the HTTP
// endpoint builds from JSON. Only public discord.js properties are read.
import {
  ApplicationCommandOptionType,
  GuildMember,
  type AutocompleteInteraction,
  type BaseInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
} from 'discord.js';
import { displayName, type Intake, type IntakeAttachment, type IntakeBase, type OptionValue } from './intake.js';

function base(i: BaseInteraction): IntakeBase {
  const member = i.member;
  let nick: string | null | undefined;
  let roles: string[] = [];
  if (member instanceof GuildMember) {
    nick = member.nickname;
    // The cache holds @everyone (id = guild id) too; Discord's JSON lists only the member's own roles.
    roles = [...member.roles.cache.keys()].filter((id) => id !== i.guildId);
  } else if (member) {
    nick = member.nick;
    roles = [...member.roles];
  }
  const channel = i.channel;
  return {
    id: i.id,
    token: i.token,
    applicationId: i.applicationId,
    guildId: i.guildId,
    channelId: i.channelId,
    channelType: channel ? channel.type : null,
    parentId: channel && 'parentId' in channel ? (channel.parentId ?? null) : null,
    user: { id: i.user.id, name: displayName(nick, i.user.globalName, i.user.username) },
    permissions: i.memberPermissions ? i.memberPermissions.bitfield : null,
    roles: roles.sort(),
    attachmentSizeLimit: typeof i.attachmentSizeLimit === 'number' && i.attachmentSizeLimit > 0 ? i.attachmentSizeLimit : null,
  };
}

function readOptions(data: readonly CommandInteractionOption[]) {
  const options: Record<string, OptionValue> = {};
  const attachments: Record<string, IntakeAttachment> = {};
  let focused: { name: string; value: string } | null = null;
  for (const o of data) {
    if (o.type === ApplicationCommandOptionType.Attachment) {
      const a = o.attachment;
      if (a) attachments[o.name] = { id: a.id, filename: a.name, url: a.url, size: a.size, contentType: a.contentType ?? null };
      continue;
    }
    if (o.value === undefined || o.value === null) continue;
    options[o.name] = o.value;
    if (o.focused) focused = { name: o.name, value: String(o.value) };
  }
  return { options, attachments, focused };
}

/** A discord.js interaction → Intake; null for kinds stembot does not take (select menus, modals…). */
export function fromDiscordJs(i: BaseInteraction): Intake | null {
  if (i.isChatInputCommand()) {
    const c = i as ChatInputCommandInteraction;
    const { options, attachments } = readOptions(c.options.data);
    return { ...base(c), kind: 'command', command: c.commandName, options, attachments };
  }
  if (i.isAutocomplete()) {
    const a = i as AutocompleteInteraction;
    const { options, focused } = readOptions(a.options.data);
    if (!focused) return null;
    return { ...base(a), kind: 'autocomplete', command: a.commandName, focused, options };
  }
  if (i.isButton()) {
    const b = i as ButtonInteraction;
    return { ...base(b), kind: 'button', customId: b.customId };
  }
  // The stem menu: its one choice travels in the custom_id, as in intake.ts.
  if (i.isStringSelectMenu() && i.values.length === 1) return { ...base(i), kind: 'button', customId: `${i.customId}:${i.values[0]}` };
  return null;
}
