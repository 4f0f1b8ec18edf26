// Issue 11 item 1: `npm run doctor` against the fakes — the simulator as Kie, the fake Discord REST, the fake
// Slack Web API, real Postgres/Redis/SQLite — including each failure, read as the printed checklist.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRest } from '../../src/chat/discord/rest.js';
import { registerCommands } from '../../src/chat/discord/register.js';
import { loadConfig } from '../../src/config.js';
import { commandBodies } from '../../src/chat/discord/command-definitions.js';
import { checkPublicUrlScheme } from '../../src/ops/doctor/check-public-url.js';
import { doctorCli } from '../../src/ops/doctor/cli.js';
import { createLogger } from '../../src/ops/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { createStembot } from '../../src/stembot.js';
import { FakeDiscord } from '../fakes/discord-rest.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { freshDatabase } from '../multi/cluster.js';
import { freePort } from '../multi/processes.js';

const APP_ID = '1300000000000000001';
const GUILD_ID = '1300000000000000777';
const DISCORD_TOKEN = 'discord-bot-token';
const SLACK_TOKEN = 'xoxb-doctor';
const KIE_KEY = 'kie-real-key';

let sim: RunningSimulator;
let discord: FakeDiscord;
let slack: FakeSlack;
let dir: string;
let port: number;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KIE_KEY, credits: 4321 });
  dir = mkdtempSync(join(tmpdir(), 'stembot-doctor-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  discord = await FakeDiscord.start({ token: DISCORD_TOKEN, applicationId: APP_ID });
  slack = await FakeSlack.start({ botToken: SLACK_TOKEN });
  port = await freePort();
});
afterEach(async () => {
  await discord.close();
  await slack.close();
});

/** A complete, healthy deployment's environment against the fakes. */
function env(over: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: join(dir, 'data'),
    DATABASE_URL: `sqlite:${join(dir, 'stembot.db')}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    KIE_API_KEY: KIE_KEY,
    KIE_API_URL: sim.url,
    KIE_UPLOAD_URL: sim.url,
    DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: 'slack-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    ...over,
  };
}

async function doctor(e: Record<string, string>): Promise<{ code: number; lines: string[]; line(name: string): string }> {
  const lines: string[] = [];
  const code = await doctorCli(e, (l) => lines.push(l));
  return {
    code,
    lines,
    line: (name) => {
      const found = lines.find((l) => l.slice(2).startsWith(`${name} — `));
      if (!found) throw new Error(`no line "${name}" in:\n${lines.join('\n')}`);
      return found;
    },
  };
}

const registerGlobally = (guildId?: string) => registerCommands(createRest({ apiUrl: discord.apiUrl, token: DISCORD_TOKEN }), APP_ID, guildId);

describe('npm run doctor against the fakes', () => {
  it('GIVEN a healthy deployment THEN every line is ✔ (http on loopback only warns) and the exit code is 0', async () => {
    await registerGlobally();
    const r = await doctor(env());
    expect(r.lines).toEqual([
      '✔ configuration — valid (Kie, Discord, Slack)',
      `✔ store — SQLite at ${join(dir, 'stembot.db')} reachable, migrations applied`,
      '✔ Redis — 127.0.0.1:6379 answered PONG',
      '✔ Kie key and balance — key accepted, balance 4321 credits',
      `✔ Kie upload host — ${new URL(sim.url).host} answers (HTTP 404)`,
      `! PUBLIC_URL is https — http://127.0.0.1:${port} is plain http on this machine: fine for a local test, but Kie, Discord and Slack need a public https URL.`,
      `✔ PUBLIC_URL routes back — http://127.0.0.1:${port}/callbacks/kie/… reached this stembot (answered by the doctor listening on 127.0.0.1:${port}; nothing else was running)`,
      `✔ Discord token — valid, bot stembot (${discord.botUserId})`,
      `✔ Discord application — stembot (${APP_ID})`,
      '✔ Discord commands — /separate, /add-vocals, /add-instrumental, /jobs, /job, /credits, /midi, /wav registered globally',
      '✔ Discord interactions endpoint — not set (gateway mode)',
      '✔ Slack token — valid, @stembot in Stembot Test',
      '✔ Slack scopes — commands, chat:write, files:read, files:write, channels:read, groups:read, im:read, mpim:read granted',
      `✔ Slack request URL — set every request URL of the app (slash commands, interactivity — the URLs in slack-manifest.yml) to http://127.0.0.1:${port}/slack/events; a bot token cannot read them back`,
      'doctor: 13 ok, 1 warning (PUBLIC_URL is https), 0 failed',
    ]);
    expect(r.code).toBe(0);
    // Nothing was spent or changed: no submission reached Kie, no command was (re)registered by the doctor.
    expect(sim.control.tasks()).toHaveLength(0);
    expect(sim.control.stats().credits).toBe(4321);
    expect(discord.commandPuts).toHaveLength(1);
  });

  it('GIVEN a wrong Kie key THEN ✘ names KIE_API_KEY (Kie answered 401) and the exit code is 1', async () => {
    await registerGlobally();
    const r = await doctor(env({ KIE_API_KEY: 'wrong-key' }));
    expect(r.line('Kie key and balance')).toBe('✘ Kie key and balance — Kie refused KIE_API_KEY (401) — copy the key again from https://kie.ai/api-key.');
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatch(/^doctor: \d+ ok, 1 warning \(PUBLIC_URL is https\), 1 failed \(Kie key and balance\)$/);
  });

  it('GIVEN Kie unreachable THEN ✘ for the API and for the upload host', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await doctor(env({ KIE_API_URL: closed, KIE_UPLOAD_URL: closed }));
    expect(r.line('Kie key and balance')).toMatch(/^✘ Kie key and balance — KIE_API_URL http:\/\/127\.0\.0\.1:\d+ is unreachable \(.*ECONNREFUSED.*\) — /);
    expect(r.line('Kie upload host')).toMatch(/^✘ Kie upload host — KIE_UPLOAD_URL http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\) — /);
    expect(r.code).toBe(1);
  });

  it('GIVEN PUBLIC_URL routing to another server (answering 404) THEN ✘ routes back', async () => {
    const other: FastifyInstance = Fastify();
    other.all('/*', async (_req, reply) => reply.code(404).send('Not Found'));
    await other.listen({ host: '127.0.0.1', port: 0 });
    const otherUrl = `http://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
    try {
      const r = await doctor(env({ PUBLIC_URL: otherUrl }));
      expect(r.line('PUBLIC_URL routes back')).toBe(
        `✘ PUBLIC_URL routes back — ${otherUrl}/callbacks/kie/… answered HTTP 404 from something that is not this stembot — make the proxy or tunnel forward PUBLIC_URL to 127.0.0.1:${port}.`,
      );
      expect(r.code).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('GIVEN a plain-http PUBLIC_URL that is not loopback-by-name THEN ✘ is https', async () => {
    const r = await doctor(env({ PUBLIC_URL: `http://127.0.0.2:${port}` }));
    expect(r.line('PUBLIC_URL is https')).toBe(`✘ PUBLIC_URL is https — http://127.0.0.2:${port} is plain http — put a TLS terminator or tunnel in front and set PUBLIC_URL=https://…`);
    expect(r.code).toBe(1);
  });

  it('GIVEN a plain-http public host name THEN ✘ is https (https and loopback http are fine)', () => {
    const scheme = (url: string) => {
      const loaded = loadConfig({ PUBLIC_URL: url });
      if (!loaded.ok) throw new Error(loaded.message);
      return checkPublicUrlScheme(loaded.config);
    };
    expect(scheme('http://stembot.example.com')).toEqual({ name: 'PUBLIC_URL is https', status: 'fail', detail: 'http://stembot.example.com is plain http — put a TLS terminator or tunnel in front and set PUBLIC_URL=https://…' });
    expect(scheme('https://stembot.example.com').status).toBe('ok');
    expect(scheme('http://localhost:3000').status).toBe('warn');
  });

  it('GIVEN stembot already running on PORT THEN the probe is answered by it (same configuration ✔, another configuration ✘)', async () => {
    const plain = env({ DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: '', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', DATA_DIR: join(dir, 'run-data'), DATABASE_URL: `sqlite:${join(dir, 'run.db')}` });
    const loaded = loadConfig(plain);
    if (!loaded.ok) throw new Error(loaded.message);
    const bot = await createStembot(loaded.config, { collectDefaultMetrics: false, logger: createLogger('silent') });
    await bot.start(port, '127.0.0.1');
    try {
      const same = await doctor(plain);
      expect(same.line('PUBLIC_URL routes back')).toBe(`✔ PUBLIC_URL routes back — http://127.0.0.1:${port}/callbacks/kie/… reached this stembot`);
      const other = await doctor({ ...plain, KIE_API_KEY: 'another-account-key' });
      expect(other.line('PUBLIC_URL routes back')).toBe(
        `✘ PUBLIC_URL routes back — http://127.0.0.1:${port} reaches a stembot with another configuration (KIE_API_KEY or DATABASE_URL differ) — point PUBLIC_URL at this deployment.`,
      );
    } finally {
      await bot.stop();
    }
  });

  it('GIVEN a Discord token of another application THEN ✘ Discord application', async () => {
    const r = await doctor(env({ DISCORD_APPLICATION_ID: '1300000000000000999' }));
    expect(r.line('Discord application')).toBe(
      `✘ Discord application — DISCORD_TOKEN belongs to application ${APP_ID}, not DISCORD_APPLICATION_ID 1300000000000000999 — use the id and the bot token of the same application.`,
    );
    expect(r.code).toBe(1);
  });

  it('GIVEN a refused Discord token THEN ✘ Discord token', async () => {
    const r = await doctor(env({ DISCORD_TOKEN: 'revoked' }));
    expect(r.line('Discord token')).toBe('✘ Discord token — Discord refused DISCORD_TOKEN (401) — copy the bot token again (Developer Portal → Bot → Reset Token).');
  });

  it('GIVEN commands not registered (or only globally when DISCORD_GUILD_ID is set) THEN ✘ Discord commands', async () => {
    const none = await doctor(env());
    expect(none.line('Discord commands')).toBe(
      '✘ Discord commands — /separate, /add-vocals, /add-instrumental, /jobs, /job, /credits, /midi, /wav not registered globally — start stembot (it registers them) or run `npm run discord:register`.',
    );
    expect(none.code).toBe(1);
    await registerGlobally();
    const inGuild = await doctor(env({ DISCORD_GUILD_ID: GUILD_ID }));
    expect(inGuild.line('Discord commands')).toMatch(/^✘ Discord commands — \/separate, .* not registered in guild 1300000000000000777 — /);
    await registerGlobally(GUILD_ID);
    expect((await doctor(env({ DISCORD_GUILD_ID: GUILD_ID }))).line('Discord commands')).toMatch(/^✔ Discord commands — .* registered in guild 1300000000000000777$/);
  });

  it('GIVEN a partial registration THEN ✘ names only the missing commands', async () => {
    await createRest({ apiUrl: discord.apiUrl, token: DISCORD_TOKEN }).put(`/applications/${APP_ID}/commands`, { body: [{ name: 'separate', description: 'x' }] });
    const r = await doctor(env());
    expect(r.line('Discord commands')).toMatch(/^✘ Discord commands — \/add-vocals, \/add-instrumental, \/jobs, \/job, \/credits, \/midi, \/wav not registered globally/);
  });

  it('GIVEN commands registered with other options than this version THEN ! Discord commands names them', async () => {
    const bodies = commandBodies().map((c) => (c.name === 'job' ? { ...c, options: [] } : c));
    await createRest({ apiUrl: discord.apiUrl, token: DISCORD_TOKEN }).put(`/applications/${APP_ID}/commands`, { body: bodies });
    const r = await doctor(env());
    expect(r.line('Discord commands')).toBe('! Discord commands — /job registered globally with other options than this version — restart stembot or run `npm run discord:register`.');
  });

  it('GIVEN the interactions endpoint not matching the mode THEN ✘ (gateway mode with an endpoint; HTTP mode without the right one)', async () => {
    await registerGlobally();
    discord.interactionsEndpointUrl = 'https://old.example.com/interactions';
    const gateway = await doctor(env());
    expect(gateway.line('Discord interactions endpoint')).toBe(
      '✘ Discord interactions endpoint — is https://old.example.com/interactions, so Discord sends interactions there and not over the gateway — clear it in the Developer Portal (General Information), or set DISCORD_PUBLIC_KEY for HTTP mode.',
    );
    const key = 'a'.repeat(64);
    const http = await doctor(env({ DISCORD_PUBLIC_KEY: key }));
    expect(http.line('Discord interactions endpoint')).toBe(
      `✘ Discord interactions endpoint — is https://old.example.com/interactions, but DISCORD_PUBLIC_KEY expects http://127.0.0.1:${port}/discord/interactions — paste that URL under General Information → Interactions Endpoint URL.`,
    );
    discord.interactionsEndpointUrl = `http://127.0.0.1:${port}/discord/interactions`;
    expect((await doctor(env({ DISCORD_PUBLIC_KEY: key }))).line('Discord interactions endpoint')).toBe(
      `✔ Discord interactions endpoint — http://127.0.0.1:${port}/discord/interactions (HTTP interactions)`,
    );
  });

  it('GIVEN a Slack token missing a required scope THEN ✘; missing a recommended one THEN !', async () => {
    slack.scopes = ['commands', 'chat:write', 'files:read', 'channels:read', 'groups:read', 'im:read', 'mpim:read'];
    const r = await doctor(env());
    expect(r.line('Slack scopes')).toBe('✘ Slack scopes — missing files:write — add them under OAuth & Permissions (or reinstall from slack-manifest.yml) and reinstall the app.');
    expect(r.code).toBe(1);
    slack.scopes = ['commands', 'chat:write', 'files:read', 'files:write'];
    expect((await doctor(env())).line('Slack scopes')).toBe(
      '! Slack scopes — missing recommended channels:read, groups:read, im:read, mpim:read — add them so stembot can tell “invite me” before a job starts (slack-manifest.yml).',
    );
  });

  it('GIVEN a refused Slack token THEN ✘ Slack token', async () => {
    const r = await doctor(env({ SLACK_BOT_TOKEN: 'xoxb-revoked' }));
    expect(r.line('Slack token')).toBe('✘ Slack token — Slack refused SLACK_BOT_TOKEN (invalid_auth) — copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions.');
  });

  it('GIVEN Slack in HTTP mode without PUBLIC_URL THEN ✘; in Socket Mode THEN ✔ without a URL', async () => {
    const noUrl = await doctor(env({ PUBLIC_URL: '' }));
    expect(noUrl.line('Slack request URL')).toBe('✘ Slack request URL — HTTP mode (SLACK_SIGNING_SECRET) needs PUBLIC_URL — set it, or use Socket Mode with SLACK_APP_TOKEN.');
    expect(noUrl.line('PUBLIC_URL')).toMatch(/^! PUBLIC_URL — not set: Kie cannot call back/);
    const socket = await doctor(env({ PUBLIC_URL: '', SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1' }));
    expect(socket.line('Slack request URL')).toBe('✔ Slack request URL — Socket Mode (SLACK_APP_TOKEN): Slack needs no request URL');
  });

  it('GIVEN Postgres unreachable THEN ✘ store names DATABASE_URL; GIVEN the real Postgres THEN ✔', async () => {
    const down = await doctor(env({ DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:1/test' }));
    expect(down.line('store')).toBe('✘ store — DATABASE_URL: PostgreSQL at 127.0.0.1:1 is unreachable (ECONNREFUSED) — start it, or fix the host and port in DATABASE_URL.');
    expect(down.code).toBe(1);
    // A database of its own: the doctor migrates it as start-up would.
    const db = await freshDatabase(process.env.DATABASE_URL_TEST!);
    try {
      const up = await doctor(env({ DATABASE_URL: db.url }));
      expect(up.line('store')).toMatch(/^✔ store — PostgreSQL at 127\.0\.0\.1:5432\/stembot_\w+ reachable, migrations applied$/);
    } finally {
      await db.drop();
    }
  });

  it('GIVEN Redis unreachable THEN ✘ Redis names REDIS_URL', async () => {
    const r = await doctor(env({ REDIS_URL: 'redis://127.0.0.1:1' }));
    expect(r.line('Redis')).toBe('✘ Redis — REDIS_URL: Redis at 127.0.0.1:1 is unreachable (ECONNREFUSED) — start it or fix REDIS_URL (or unset it: Postgres then holds the limit).');
    expect(r.code).toBe(1);
  });

  it('GIVEN demo mode (no KIE_API_KEY, no PUBLIC_URL, no chat) THEN Kie warns about demo mode, PUBLIC_URL is not needed, exit 0', async () => {
    const r = await doctor(env({ KIE_API_KEY: '', PUBLIC_URL: '', REDIS_URL: '', DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: '', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' }));
    expect(r.lines).toEqual([
      '✔ configuration — valid (demo mode)',
      `✔ store — SQLite at ${join(dir, 'stembot.db')} reachable, migrations applied`,
      '– Redis — REDIS_URL not set (Postgres or this process holds Kie’s submission limit)',
      '! Kie — demo mode: KIE_API_KEY is not set, so jobs run on the built-in simulator — set it (https://kie.ai/api-key) for real jobs.',
      '✔ PUBLIC_URL — not set, and not needed in demo mode: the built-in simulator calls this process directly',
      '– Discord — DISCORD_TOKEN not set',
      '– Slack — SLACK_BOT_TOKEN not set',
      'doctor: 3 ok, 1 warning (Kie), 0 failed',
    ]);
    expect(r.code).toBe(0);
  });

  it('GIVEN an invalid configuration THEN one ✘ configuration line and exit 1', async () => {
    const r = await doctor(env({ PORT: '' }));
    expect(r.lines).toEqual(['✘ configuration — PORT must be a port number (0–65535); leave it unset for 3000', 'doctor: 0 ok, 0 warnings, 1 failed (configuration)']);
    expect(r.code).toBe(1);
  });
});
