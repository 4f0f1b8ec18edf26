// `npm run discord:register`: register the slash commands now (start-up does the same), with the same
// variables as the server: DISCORD_TOKEN, DISCORD_APPLICATION_ID, optional DISCORD_GUILD_ID, DISCORD_API_URL.
import { loadConfig } from '../../config.js';
import { registerCommands } from './register.js';
import { createRest } from './rest.js';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const { token, applicationId, guildId, apiUrl } = loaded.config.discord;
if (!token || !applicationId) {
  process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the commands.\n');
  process.exit(1);
}
try {
  const r = await registerCommands(createRest({ apiUrl, token }), applicationId, guildId);
  const where = r.scope === 'guild' ? `in guild ${guildId}` : 'globally (new commands can take a while to appear everywhere)';
  process.stdout.write(`Registered ${r.names.map((n) => `/${n}`).join(', ')} ${where}.\n`);
} catch (err) {
  process.stderr.write(`Could not register the commands: ${(err as Error).message}\n`);
  process.exit(1);
}
// discord.js's REST keeps sweeper timers running; this is a one-shot command.
process.exit(0);
