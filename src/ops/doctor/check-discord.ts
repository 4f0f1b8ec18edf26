// Discord, with the bot token and no side effects: the token is a bot's (GET /users/@me), of the
// application DISCORD_APPLICATION_ID (GET /applications/@me), the commands are registered where stembot
// registers them, and the Interactions Endpoint URL matches the mode. Facts: docs/deployment-checks.md.
import { commandBodies } from '../../chat/discord/command-definitions.js';
import { defaults, type Config } from '../../config.js';
import { failed, networkReason, ok, skip, warn, type CheckResult } from './types.js';

type Answer = { status: number; body?: any; error?: string };

async function get(config: Config, path: string): Promise<Answer> {
  try {
    const res = await fetch(`${config.discord.apiUrl.replace(/\/+$/, '')}/v10${path}`, {
      headers: { authorization: `Bot ${config.discord.token}` },
      signal: AbortSignal.timeout(defaults.doctorRequestTimeoutMs),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body };
  } catch (err) {
    return { status: 0, error: networkReason(err) };
  }
}

const trouble = (a: Answer) => (a.error ? a.error : `HTTP ${a.status}${a.body?.message ? `: ${a.body.message}` : ''}`);

export async function checkDiscord(config: Config): Promise<CheckResult[]> {
  const { token, applicationId, guildId, publicKey } = config.discord;
  if (!token || !applicationId) return [skip('Discord', 'DISCORD_TOKEN not set')];

  const me = await get(config, '/users/@me');
  if (me.status === 401) return [failed('Discord token', 'Discord refused DISCORD_TOKEN (401) — copy the bot token again (Developer Portal → Bot → Reset Token).')];
  if (me.status !== 200) return [failed('Discord token', `GET /users/@me failed (${trouble(me)}) — check the network, a proxy, or DISCORD_API_URL.`)];
  const results: CheckResult[] = [ok('Discord token', `valid, bot ${me.body.username ?? '?'} (${me.body.id})`)];

  const app = await get(config, '/applications/@me');
  if (app.status !== 200) {
    results.push(failed('Discord application', `GET /applications/@me failed (${trouble(app)}) — check DISCORD_TOKEN is the bot token of your application.`));
    return results;
  }
  if (String(app.body.id) !== applicationId) {
    results.push(failed('Discord application', `DISCORD_TOKEN belongs to application ${app.body.id}, not DISCORD_APPLICATION_ID ${applicationId} — use the id and the bot token of the same application.`));
    return results;
  }
  results.push(ok('Discord application', `${app.body.name ?? 'application'} (${applicationId})`));
  results.push(await checkCommands(config, applicationId, guildId));
  results.push(checkEndpoint(config, publicKey, app.body.interactions_endpoint_url));
  return results;
}

async function checkCommands(config: Config, applicationId: string, guildId?: string): Promise<CheckResult> {
  const name = 'Discord commands';
  const where = guildId ? `in guild ${guildId}` : 'globally';
  const path = guildId ? `/applications/${applicationId}/guilds/${guildId}/commands` : `/applications/${applicationId}/commands`;
  const listed = await get(config, path);
  if (listed.status !== 200 || !Array.isArray(listed.body)) {
    const hint = guildId && listed.status === 403 ? ' — invite the bot to DISCORD_GUILD_ID with the applications.commands scope, or unset DISCORD_GUILD_ID' : ' — check DISCORD_GUILD_ID and the network';
    return failed(name, `cannot list the commands ${where} (${trouble(listed)})${hint}.`);
  }
  const registered = new Map<string, { options?: { name: string }[] }>((listed.body as { name: string; options?: { name: string }[] }[]).map((c) => [c.name, c] as const));
  const defined = commandBodies();
  const missing = defined.filter((c) => !registered.has(c.name)).map((c) => `/${c.name}`);
  if (missing.length > 0) {
    return failed(name, `${missing.join(', ')} not registered ${where} — start stembot (it registers them) or run \`npm run discord:register\`.`);
  }
  const optionNames = (o?: { name: string }[]) => (o ?? []).map((x) => x.name).join(',');
  const outdated = defined.filter((c) => optionNames(c.options as { name: string }[] | undefined) !== optionNames(registered.get(c.name)!.options)).map((c) => `/${c.name}`);
  if (outdated.length > 0) return warn(name, `${outdated.join(', ')} registered ${where} with other options than this version — restart stembot or run \`npm run discord:register\`.`);
  return ok(name, `${defined.map((c) => `/${c.name}`).join(', ')} registered ${where}`);
}

function checkEndpoint(config: Config, publicKey: string | undefined, current: unknown): CheckResult {
  const name = 'Discord interactions endpoint';
  const set = typeof current === 'string' && current !== '' ? current : undefined;
  if (publicKey) {
    if (!config.publicUrl) return failed(name, 'DISCORD_PUBLIC_KEY (HTTP interactions) needs PUBLIC_URL — set it, or unset DISCORD_PUBLIC_KEY to use the gateway.');
    const expected = `${config.publicUrl}/discord/interactions`;
    if (set === expected) return ok(name, `${expected} (HTTP interactions)`);
    return failed(name, `${set ? `is ${set}` : 'is not set'}, but DISCORD_PUBLIC_KEY expects ${expected} — paste that URL under General Information → Interactions Endpoint URL.`);
  }
  if (set) return failed(name, `is ${set}, so Discord sends interactions there and not over the gateway — clear it in the Developer Portal (General Information), or set DISCORD_PUBLIC_KEY for HTTP mode.`);
  return ok(name, 'not set (gateway mode)');
}
