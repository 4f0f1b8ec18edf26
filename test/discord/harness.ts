// The real stack for end-to-end tests: stembot (createStembot) on 127.0.0.1 with SQLite in a temp dir, the
// Kie simulator as Kie, the fake Discord REST as Discord, and Discord's side of the interactions endpoint
// (a test Ed25519 key). No sleeps: `waitFor` (test/support/wait.ts) polls what reached the fake with a deadline.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadConfig, type Tuning } from '../../src/config.js';
import type { Job } from '../../src/core/types.js';
import { createLogger } from '../../src/ops/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { discordStackTuning } from '../support/tuning.js';
import { waitFor } from '../support/wait.js';
import { FakeDiscord, type FakeChannel } from '../fakes/discord-rest.js';
import { sendInteraction, testKeys, type Person, type Place, type Sent, type TestKeys } from '../fakes/discord-interactions.js';

export const TOKEN = 'bot-token-for-tests';
export const APP_ID = '1100000000000000001';
export const GUILD_ID = '1100000000000000002';
export const KIE_KEY = 'kie-test-key';

export const alice: Person = { id: '1200000000000000001', username: 'alice' };
export const bob: Person = { id: '1200000000000000002', username: 'bob' };

export interface Stack {
  bot: Stembot;
  sim: RunningSimulator;
  discord: FakeDiscord;
  keys: TestKeys;
  channel: FakeChannel;
  endpoint: string;
  place(extra?: Partial<Place>): Place;
  send(interaction: { token: string }, o?: { forge?: boolean; timestamp?: string }): Promise<Sent>;
  jobs(): Promise<Job[]>;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  tuning?: Partial<Tuning>;
  /** Per-file limit the fake Discord enforces. */
  maxFileBytes?: number;
  /** More 127.0.0.1 servers the address guard lets through, standing for public hosts. */
  allowHosts?: string[];
  /** Add an #admin channel and name it in DISCORD_ADMIN_CHANNEL_ID (spend notices). */
  adminChannel?: boolean;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'stembot-discord-'));
  const sim = await startSimulator({ speed: 50, apiKey: KIE_KEY });
  const discord = await FakeDiscord.start({ token: TOKEN, applicationId: APP_ID, ...(o.maxFileBytes ? { maxFileBytes: o.maxFileBytes } : {}) });
  const channel = discord.addChannel({ type: 'text', name: 'music' });
  const keys = testKeys();
  const admin = o.adminChannel ? discord.addChannel({ type: 'text', name: 'admin' }) : undefined;
  const env: Record<string, string> = {
    ...(admin ? { DISCORD_ADMIN_CHANNEL_ID: admin.id } : {}),
    KIE_API_KEY: KIE_KEY,
    KIE_API_URL: sim.url,
    KIE_UPLOAD_URL: sim.url,
    DOWNLOAD_ALLOW_HOSTS: [new URL(sim.url).host, discord.host, ...(o.allowHosts ?? [])].join(','),
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_GUILD_ID: GUILD_ID,
    DISCORD_API_URL: discord.apiUrl,
    DATABASE_URL: `sqlite:${join(dir, 'stembot.db')}`,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...o.env,
  };
  const loaded = loadConfig(env, { ...discordStackTuning, ...o.tuning });
  if (!loaded.ok) throw new Error(loaded.message);
  const config = loaded.config;
  const logger = createLogger(process.env.TEST_LOG ?? 'silent');
  // `env` reaches the adapters' own variables (AdapterContext.env), e.g. DISCORD_ALLOWED_ROLE_IDS.
  const bot = await createStembot(config, { logger, collectDefaultMetrics: false, env });

  if (!bot.chat.discord) throw new Error('stembot did not mount the Discord adapter');
  const base = await bot.start(0, '127.0.0.1');

  const endpoint = `${base}/discord/interactions`;
  return {
    bot,
    sim,
    discord,
    keys,
    channel,
    endpoint,
    place: (extra = {}) => ({ applicationId: APP_ID, guildId: GUILD_ID, channelId: channel.id, ...extra }),
    send: (interaction, so = {}) => sendInteraction(endpoint, keys, interaction, { fake: discord, ...so }),
    jobs: () => bot.store.listJobsByUser('discord', alice.id, 50).then(async (a) => [...a, ...(await bot.store.listJobsByUser('discord', bob.id, 50))]),
    async close() {
      await bot.stop();
      await sim.close();
      await discord.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The bytes Kie (the simulator) serves at a URL. */
export async function bytesAt(url: string): Promise<Buffer> {
  const res = await request(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
  return Buffer.from(await res.body.arrayBuffer());
}

/** A small but real WAV (44-byte header + silence), as a person would attach. */
export function wavFile(dataBytes = 4000): Buffer {
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(dataBytes, 40);
  return b;
}

/** The job id in the private "Started job `…`" answer. */
export function startedJobId(reply: any): string {
  const m = /Started job `([0-9a-z]+)`/.exec(String(reply?.content ?? ''));
  if (!m) throw new Error(`no job started; the private answer was: ${JSON.stringify(reply)}`);
  return m[1]!;
}

/** The status message of a job (the one whose embed footer names it). */
export function statusMessageOf(s: Stack, jobId: string) {
  return [...s.discord.messages.values()].find((m) => m.embeds[0]?.footer?.text?.startsWith(`Job ${jobId} `));
}

/** Every stage line the status message showed, in order (the post, then each edit). */
export function stageLines(s: Stack, jobId: string): string[] {
  const m = statusMessageOf(s, jobId);
  if (!m) return [];
  // The message keeps its latest embed; the first one is in the request that created it.
  const created = s.discord.requests.find((r) => r.method === 'POST' && r.status === 200 && r.nonce !== undefined && r.nonce === m.nonce);
  return [created?.body?.embeds, ...m.edits.map((e: any) => e.embeds)].map((embeds) => embeds?.[0]?.description ?? '');
}

/** Wait until the job's delivery is recorded (every file delivered in the current round). */
export async function delivered(s: Stack, jobId: string, round = 0): Promise<Job> {
  return waitFor(`job ${jobId} delivered (round ${round})`, async () => {
    const job = await s.bot.store.getJob(jobId);
    if (!job) return undefined;
    if (job.state === 'failed') return job;
    const done = job.delivered.filter((d) => d.round === round);
    return job.state === 'complete' && job.files.length > 0 && done.length === job.files.length ? job : undefined;
  });
}
