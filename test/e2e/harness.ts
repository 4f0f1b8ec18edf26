// The whole stack on loopback: the Kie simulator on its own port, and a real stembot (SQLite, outbox
// worker, poller, callback route) whose playground channel is the chat a user reads. Tests talk to it
// only over HTTP, as a person and as Kie would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadConfig, type Tuning } from '../../src/config.js';
import type { PlaygroundChat } from '../../src/chat/playground/chat-port.js';
import type { PlaygroundMessage } from '../../src/chat/playground/message.js';
import { startSimulator, type SimulatorOptions } from '../../src/sim/index.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { playgroundStackTuning } from '../support/tuning.js';
import { waitFor as waitUntil } from '../support/wait.js';

export const HMAC_KEY = 'test-webhook-hmac-key';
export const PASSWORD = 'correct horse battery staple';

export interface Stack {
  sim: Awaited<ReturnType<typeof startSimulator>>;
  bot: Stembot;
  base: string;
  dataDir: string;
  cookie: string;
  chat: PlaygroundChat;
  /** Every status line each job's status message showed, in order (from the channel's own change feed). */
  statusStates: Map<string, string[]>;
  submit(body: Record<string, unknown>): Promise<{ status: number; body: { jobId?: string; code?: string; message?: string } }>;
  messages(): Promise<PlaygroundMessage[]>;
  thread(jobId: string): Promise<PlaygroundMessage[]>;
  status(jobId: string): Promise<PlaygroundMessage | undefined>;
  fileBytes(url: string): Promise<Buffer>;
  waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  /** Restart stembot on the same database and data dir (the simulator keeps running). */
  restart(opts?: { worker?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  tuning?: Partial<Tuning>;
  sim?: SimulatorOptions;
  env?: Record<string, string>;
  worker?: boolean;
  hmac?: boolean;
  /** More hosts stem downloads may reach (loopback mirrors in tests). */
  allowHosts?: string[];
  /** Receive every log line (at debug level) instead of silence. */
  logSink?: NodeJS.WritableStream;
  /** The level of the lines `logSink` receives (default debug). */
  logLevel?: string;
  /** Where downloads are staged (tests count what is left there). */
  tmpDir?: string;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const sim = await startSimulator({ speed: 40, hmacKey: o.hmac === false ? undefined : HMAC_KEY, ...o.sim });
  const dataDir = mkdtempSync(join(tmpdir(), 'stembot-e2e-'));
  const env = {
    KIE_API_KEY: 'test-key',
    KIE_API_URL: sim.url,
    KIE_UPLOAD_URL: sim.url,
    ...(o.hmac === false ? {} : { KIE_WEBHOOK_HMAC_KEY: HMAC_KEY }),
    DATABASE_URL: `sqlite:${join(dataDir, 'stembot.db')}`,
    DATA_DIR: dataDir,
    DOWNLOAD_ALLOW_HOSTS: [new URL(sim.url).host, ...(o.allowHosts ?? [])].join(','),
    PLAYGROUND_PASSWORD: PASSWORD,
    LOG_LEVEL: 'silent',
    ...o.env,
  };
  const tuning: Partial<Tuning> = { ...playgroundStackTuning, ...o.tuning };
  const loaded = loadConfig(env, tuning);
  if (!loaded.ok) throw new Error(loaded.message);
  const statusStates = new Map<string, string[]>();
  let bot: Stembot;
  let base = '';
  let cookie = '';

  const boot = async (worker = o.worker ?? true) => {
    bot = await createStembot(loaded.config, { worker, logger: o.logSink ? createLogger(o.logLevel ?? 'debug', o.logSink) : createLogger('silent'), collectDefaultMetrics: false, ...(o.tmpDir ? { tmpDir: o.tmpDir } : {}) });
    base = await bot.start(0, '127.0.0.1');
    const chat = bot.chat.playground as PlaygroundChat;
    chat.subscribe((change) => {
      const m = change.message;
      if (m.kind !== 'status' || !m.status) return;
      const list = statusStates.get(m.status.jobId) ?? [];
      if (list.at(-1) !== m.status.state) list.push(m.status.state);
      statusStates.set(m.status.jobId, list);
    });
    const login = await request(`${base}/playground/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ password: PASSWORD }) });
    await login.body.dump();
    cookie = String(login.headers['set-cookie'] ?? '').split(';')[0]!;
  };
  await boot();

  const getJson = async <T>(path: string): Promise<T> => {
    const r = await request(`${base}${path}`, { headers: { cookie } });
    return (await r.body.json()) as T;
  };
  const stack: Stack = {
    sim,
    get bot() { return bot; },
    get base() { return base; },
    get cookie() { return cookie; },
    get chat() { return bot.chat.playground as PlaygroundChat; },
    dataDir,
    statusStates,
    async submit(body) {
      const r = await request(`${base}/playground/api/commands`, { method: 'POST', headers: { cookie, origin: base, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.statusCode, body: (await r.body.json()) as { jobId?: string } };
    },
    messages: async () => (await getJson<{ messages: PlaygroundMessage[] }>('/playground/api/messages')).messages,
    async thread(jobId) {
      return (await stack.messages()).filter((m) => m.jobId === jobId && m.kind === 'message');
    },
    async status(jobId) {
      return (await stack.messages()).find((m) => m.jobId === jobId && m.kind === 'status');
    },
    async fileBytes(url) {
      const r = await request(new URL(url, base), { headers: { cookie } });
      return Buffer.from(await r.body.arrayBuffer());
    },
    waitFor: (fn, what, timeoutMs = 15_000) => waitUntil(what, fn, timeoutMs),
    async restart(r = {}) {
      await bot.stop();
      await boot(r.worker);
    },
    async close() {
      await bot.stop();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Fetch a URL's bytes straight from the simulator (what Kie serves), for comparison. */
export async function bytesOf(url: string): Promise<Buffer> {
  const r = await request(url);
  return Buffer.from(await r.body.arrayBuffer());
}
