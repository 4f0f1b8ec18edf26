// Several stembot instances in this process, in Discord gateway mode on one fresh Postgres database: the fake
// Discord REST and gateway as Discord, the Kie simulator as Kie. Each instance gets a bot token of its own
// (the lead is per application id, not per token), so the fake gateway can tell whose session is open.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Tuning } from '../../src/config.js';
import { createLogger } from '../../src/ops/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { FakeGateway } from '../fakes/discord-gateway.js';
import { FakeDiscord, type FakeChannel } from '../fakes/discord-rest.js';
import type { Place } from '../fakes/discord-interactions.js';
import { freshDatabase, queryOnce } from './cluster.js';

export const APP_ID = '1100000000000000001';
export const GUILD_ID = '1100000000000000002';
const KIE_KEY = 'kie-gateway-leader-key';

export interface Bot {
  name: string;
  token: string;
  stembot: Stembot;
  running: boolean;
  stop(): Promise<void>;
}

export interface DiscordBots {
  discord: FakeDiscord;
  gateway: FakeGateway;
  sim: RunningSimulator;
  channel: FakeChannel;
  databaseUrl: string;
  bots: Bot[];
  place(): Place;
  /** Start one more instance (createStembot + start, as main.ts does). */
  start(name: string): Promise<Bot>;
  /** The bot whose token an open gateway session carries. */
  byToken(token: string): Bot | undefined;
  query<R extends pg.QueryResultRow>(sql: string, args?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

// Not "bot-…": discord.js strips a leading "Bot" (any case) from the token it is given.
const tokenOf = (name: string) => `token-of-${name}`;

export interface DiscordBotsOptions {
  adminUrl: string;
  /** Every instance that may run (each gets its token now); `startWith` are started at once. */
  names: string[];
  startWith: string[];
  tuning: Partial<Tuning>;
  heartbeatIntervalMs?: number;
}

export async function startDiscordBots(o: DiscordBotsOptions): Promise<DiscordBots> {
  const db = await freshDatabase(o.adminUrl);
  const dir = await mkdtemp(join(tmpdir(), 'stembot-gateway-'));
  const tokens = o.names.map(tokenOf);
  const sim = await startSimulator({ speed: 50, apiKey: KIE_KEY });
  const discord = await FakeDiscord.start({ token: tokens[0]!, otherTokens: tokens.slice(1), applicationId: APP_ID });
  const gateway = await FakeGateway.start({ tokens, applicationId: APP_ID, heartbeatIntervalMs: o.heartbeatIntervalMs ?? 1_000 });
  discord.gatewayUrl = gateway.url;
  const channel = discord.addChannel({ type: 'text', name: 'music' });
  const bots: Bot[] = [];

  const start = async (name: string): Promise<Bot> => {
    if (!tokens.includes(tokenOf(name))) throw new Error(`no token for ${name}: list it in names`);
    const env: Record<string, string> = {
      KIE_API_KEY: KIE_KEY,
      KIE_API_URL: sim.url,
      KIE_UPLOAD_URL: sim.url,
      DOWNLOAD_ALLOW_HOSTS: `${new URL(sim.url).host},${discord.host}`,
      // Gateway mode: a token and no DISCORD_PUBLIC_KEY.
      DISCORD_TOKEN: tokenOf(name),
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_ID: GUILD_ID,
      DISCORD_API_URL: discord.apiUrl,
      DATABASE_URL: db.url,
      DATA_DIR: join(dir, name),
      LOG_LEVEL: 'silent',
    };
    const loaded = loadConfig(env, o.tuning);
    if (!loaded.ok) throw new Error(loaded.message);
    const stembot = await createStembot(loaded.config, { logger: createLogger(process.env.TEST_LOG ?? 'silent'), collectDefaultMetrics: false, env });
    await stembot.start(0, '127.0.0.1');
    const bot: Bot = {
      name,
      token: tokenOf(name),
      stembot,
      running: true,
      async stop() {
        if (!bot.running) return;
        bot.running = false;
        await stembot.stop();
      },
    };
    bots.push(bot);
    return bot;
  };

  const all: DiscordBots = {
    discord,
    gateway,
    sim,
    channel,
    databaseUrl: db.url,
    bots,
    place: () => ({ applicationId: APP_ID, guildId: GUILD_ID, channelId: channel.id }),
    start,
    byToken: (token) => bots.find((b) => b.token === token),
    query: (sql, args) => queryOnce(db.url, sql, args),
    async close() {
      // Instances first: a gateway closed under a running client would make it reconnect.
      await Promise.allSettled(bots.map((b) => b.stop()));
      await Promise.allSettled([gateway.close(), discord.close(), sim.close()]);
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const name of o.startWith) await start(name);
  } catch (err) {
    await all.close();
    throw err;
  }
  return all;
}
