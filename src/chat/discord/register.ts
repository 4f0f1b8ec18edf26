// One bulk overwrite of every command (idempotent: the same body leaves Discord unchanged), in one guild
// when DISCORD_GUILD_ID is set (instant) or globally (may take a while to show everywhere).
// https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
import { Routes, type REST } from 'discord.js';
import { commandBodies } from './command-definitions.js';

export interface Registered {
  scope: 'guild' | 'global';
  names: string[];
}

export async function registerCommands(rest: REST, applicationId: string, guildId?: string): Promise<Registered> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const saved = (await rest.put(route, { body: commandBodies() })) as { name: string }[];
  return { scope: guildId ? 'guild' : 'global', names: saved.map((c) => c.name) };
}
