// (f) End to end: 100 jobs in flight on the Kie simulator, relayed by a real stembot process (outbox worker,
// guarded downloader, production DiscordChat) into a fake Discord. Per job: the time from Kie's final callback
// (answered 200) to its last stem visible in the channel, p50 / p99 — against the relay's own time for the
// same bytes: a plain sequential download + upload of the very same files, no store, no retries.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { request } from 'undici';
import { startSimulator } from '../src/sim/index.js';
import { FakeDiscord } from '../test/fakes/discord-rest.js';
import { StembotProcess } from '../test/support/stembot-process.js';
import { eachLimit } from '../test/support/each-limit.js';
import { chaosEntry } from './lib/entries.js';
import { ratio, round, summarize } from './lib/stats.js';
import { sleep, waitFor } from '../test/support/wait.js';

const KEY = 'bench-kie-key';
const TOKEN = 'bench-bot-token';

export interface E2eOptions {
  jobs: number;
  stemBytes: number;
}

export async function e2eBench(dir: string, o: E2eOptions) {
  // Every job is split_stem (12 stems); the simulator accepts them all at once so all are in flight together.
  const sim = await startSimulator({ apiKey: KEY, stemBytes: o.stemBytes, submitPerWindow: o.jobs, submitWindowMs: 1_000, credits: 1_000_000, speed: 4 });
  const discord = await FakeDiscord.start({ token: TOKEN, applicationId: '1100000000000000001' });
  const refs = Array.from({ length: o.jobs }, (_, i) => `e2e-${i}`);
  for (const id of [...refs, 'naive']) discord.addChannel({ id, type: 'text' });
  // When each stem first became visible in the channel (or its thread): polled every 5 ms.
  const seenAt = new Map<string, number>();
  const watcher = setInterval(() => {
    const now = performance.now() + performance.timeOrigin;
    for (const m of discord.messages.values()) for (const f of m.files) if (!seenAt.has(`${m.id}/${f.filename}`)) seenAt.set(`${m.id}/${f.filename}`, now);
  }, 5);
  const rootOf = (channelId: string) => discord.channels.get(channelId)?.parentId ?? channelId;
  const dbPath = join(dir, 'e2e.db');
  const proc = new StembotProcess(
    {
      KIE_API_KEY: KEY, KIE_API_URL: sim.url, KIE_UPLOAD_URL: sim.url, HOST: '127.0.0.1', PORT: '0',
      DATABASE_URL: `sqlite:${dbPath}`, DATA_DIR: dir, DOWNLOAD_ALLOW_HOSTS: new URL(sim.url).host, LOG_LEVEL: 'warn',
      CHAOS_CHAT: 'discordjs', CHAOS_CHAT_URL: discord.apiUrl, CHAOS_DISCORD_TOKEN: TOKEN,
      STEMBOT_TUNING: JSON.stringify({
        kieSubmitPerWindow: o.jobs, kieSubmitWindowMs: 1_000, outboxTickMs: 50, maxActivePerUser: 0, maxActivePerWorkspace: 0,
        // Callbacks carry the results here; polls would only race them.
        pollIntervalMs: 600_000, callbackGraceMs: 600_000,
      }),
    },
    { entry: chaosEntry, readyTimeoutMs: 180_000 },
  );
  try {
    const base = await proc.start();
    await eachLimit(refs, 16, async (ref) => {
      // Submission is idempotent per ref; a shed 503 (a busy shared machine) is simply tried again.
      for (let attempt = 1; ; attempt++) {
        const r = await request(`${base}/__test/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref, kind: 'stems', scenario: 'happy' }) });
        const text = await r.body.text();
        if (r.statusCode === 200) break;
        if (r.statusCode !== 503 || attempt >= 50) throw new Error(`submit ${ref}: ${r.statusCode} ${text}`);
        await sleep(200);
      }
    });
    const stemsOf = (ref: string) => [...discord.messages.values()].filter((m) => rootOf(m.channelId) === ref).flatMap((m) => m.files.map((f) => `${m.id}/${f.filename}`));
    await waitFor('every stem of every job', () => (refs.every((ref) => stemsOf(ref).length >= 12) ? true : undefined), 600_000);
    await sleep(20);
    // Which task is which job: stembot's own record.
    const db = new Database(dbPath, { readonly: true });
    const taskOf = new Map((db.prepare('SELECT channel_id, task_id FROM jobs').all() as { channel_id: string; task_id: string }[]).map((r) => [r.channel_id, r.task_id]));
    db.close();
    const finalAt = new Map(sim.control.callbacks().filter((c) => c.stage === 'complete' && c.status === 200).map((c) => [c.taskId, c.at]));
    const latencies = refs.map((ref) => Math.max(...stemsOf(ref).map((k) => seenAt.get(k)!)) - finalAt.get(taskOf.get(ref)!)!);
    const firstFinal = Math.min(...refs.map((ref) => finalAt.get(taskOf.get(ref)!)!));
    const lastStem = Math.max(...refs.flatMap((ref) => stemsOf(ref).map((k) => seenAt.get(k)!)));
    const finalSpreadMs = Math.max(...refs.map((ref) => finalAt.get(taskOf.get(ref)!)!)) - firstFinal;
    const files = sim.control.tasks().flatMap((t) => t.files.filter((f) => !f.empty).map((f) => f.url));
    const bytes = sim.control.tasks().reduce((n, t) => n + t.files.reduce((m, f) => m + f.bytes, 0), 0);
    const naive = await naiveRelay(files, `${discord.apiUrl}/v10`);
    const s = summarize(latencies);
    const wallMs = lastStem - firstFinal;
    return {
      settings: { jobs: o.jobs, stemsPerJob: 12, stemBytes: o.stemBytes, files: files.length, totalMiB: round(bytes / 1048576, 1), chat: 'fake Discord (test/fakes/discord-rest.ts) through the production DiscordChat', finalCallbacksSpreadMs: round(finalSpreadMs, 0) },
      stembot: { p50Ms: round(s.p50, 0), p99Ms: round(s.p99, 0), maxMs: round(s.max, 0), wallMs: round(wallMs, 0) },
      naive: { wallMs: round(naive.wallMs, 0), perJobMs: round(naive.wallMs / o.jobs, 0) },
      ratios: {
        wallVsNaive: ratio(wallMs, naive.wallMs),
        p50VsNaivePerJob: ratio(s.p50, naive.wallMs / o.jobs),
        p99VsNaiveWall: ratio(s.p99, naive.wallMs),
      },
    };
  } finally {
    clearInterval(watcher);
    await proc.stop();
    await Promise.all([discord.close(), sim.close()]);
  }
}

/** The plain relay (bench/servers/naive-relay.ts), here posting as the bot into the fake Discord. */
async function naiveRelay(urls: string[], chatUrl: string): Promise<{ wallMs: number }> {
  const entry = fileURLToPath(new URL('./servers/naive-relay.ts', import.meta.url));
  const env = { ...process.env, RELAY_URLS: JSON.stringify(urls), RELAY_CHAT_URL: chatUrl, RELAY_CHANNEL: 'naive', RELAY_AUTHORIZATION: `Bot ${TOKEN}` };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', entry], { env, maxBuffer: 1 << 20, timeout: 600_000 });
  return JSON.parse(/RESULT (.+)/.exec(stdout)![1]!) as { wallMs: number };
}
