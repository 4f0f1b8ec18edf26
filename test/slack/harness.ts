// The whole stack for Slack's end-to-end suites, every server on 127.0.0.1: the Kie simulator, the fake Slack
// Web API, and stembot itself (createStembot with SQLite in a temp dir) receiving signed requests at
// `POST /slack/events`. No sleeps: `waitFor` (test/support/wait.ts) polls an observable outcome with a deadline.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadConfig, type Tuning } from '../../src/config.js';
import { createLogger } from '../../src/ops/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { FakeSlackSocket } from '../fakes/slack-socket.js';
import { slackStackTuning } from '../support/tuning.js';
import { postToSlackEndpoint, type SignedOptions } from '../fakes/slack-requests.js';

export const BOT_TOKEN = 'xoxb-test-bot-token';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const CHANNEL = 'C0MUSIC';
export const APP_TOKEN = 'xapp-test-app-token';

export interface Stack {
  bot: Stembot;
  sim: RunningSimulator;
  slack: FakeSlack;
  /** Socket Mode only: Slack's WebSocket end. */
  socket?: FakeSlackSocket;
  baseUrl: string;
  /** The temp folder holding stembot's SQLite database (`stembot.db`, `stembot.db-wal`). */
  dataDir: string;
  /** Sends a body to `POST /slack/events`, signed with the test secret unless told otherwise. */
  send(body: string, o?: Partial<SignedOptions>): ReturnType<typeof postToSlackEndpoint>;
  close(): Promise<void>;
}

/** Outbox and retries run fast; nothing else differs from production. */
export async function startStack(o: { env?: Record<string, string>; tuning?: Partial<Tuning>; socketMode?: boolean; allowHosts?: string[] } = {}): Promise<Stack> {
  // Small stems keep the suite quick; the simulator still serves real WAV bytes.
  const sim = await startSimulator({ speed: 25, stemBytes: 24_044, trackDurationSec: 1 });
  const slack = await FakeSlack.start({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  slack.addChannel(CHANNEL, { name: 'music' });
  const socket = o.socketMode ? await FakeSlackSocket.start() : undefined;
  if (socket) slack.socketUrl = socket.url;
  const dir = await mkdtemp(join(tmpdir(), 'stembot-slack-'));
  const env: Record<string, string> = {
    KIE_API_KEY: 'test-kie-key',
    KIE_API_URL: sim.url,
    KIE_UPLOAD_URL: sim.url,
    DATABASE_URL: `sqlite:${join(dir, 'stembot.db')}`,
    DATA_DIR: dir,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    ...(socket ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    SLACK_API_URL: slack.apiUrl,
    // `allowHosts`: more 127.0.0.1 servers that stand for public hosts the address guard would let through.
    DOWNLOAD_ALLOW_HOSTS: [new URL(sim.url).host, slack.host, ...(o.allowHosts ?? [])].join(','),
    LOG_LEVEL: 'silent',
    ...o.env,
  };
  const loaded = loadConfig(env, { ...slackStackTuning, ...o.tuning });
  if (!loaded.ok) throw new Error(loaded.message);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // `env` reaches the adapter's own settings (SLACK_MAX_FILE_BYTES); stembot mounts the adapter itself.
  const options = { logger, collectDefaultMetrics: false, env };
  const bot = await createStembot(loaded.config, options);
  if (!bot.chat.slack) throw new Error('stembot did not mount the Slack adapter');
  const baseUrl = await bot.start(0, '127.0.0.1');
  return {
    bot,
    sim,
    slack,
    ...(socket ? { socket } : {}),
    baseUrl,
    dataDir: dir,
    send: (body, so = {}) => postToSlackEndpoint(baseUrl, body, { secret: SIGNING_SECRET, ...so }),
    async close() {
      await bot.stop();
      await sim.close();
      await slack.close();
      await socket?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The bytes Kie (the simulator) serves at a result URL. */
export async function download(url: string): Promise<Buffer> {
  const res = await request(url, { signal: AbortSignal.timeout(10_000) });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${res.statusCode}`);
  return Buffer.from(await res.body.arrayBuffer());
}

/** A short but real WAV file, as a person would attach. */
export function wavFile(seconds = 0.25, sampleRate = 8_000): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
