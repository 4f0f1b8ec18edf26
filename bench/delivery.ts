// (b) Delivery: one split_stem job whose 12 stems are 9 MiB each (108 MiB), relayed by a real stembot process
// (outbox worker, guarded downloader streaming to temp files) from the Kie simulator to a chat server —
// through the HTTP ChatPort of test/support/http-chat-port.ts (streams uploads from disk) and through the production DiscordChat
// (discord.js REST) — against a plain sequential download-into-memory + upload of the same 12 files.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { request } from 'undici';
import { startSimulator, type RunningSimulator } from '../src/sim/index.js';
import { FakeDiscord } from '../test/fakes/discord-rest.js';
import { FakeChatServer } from '../test/fakes/chat-server.js';
import { StembotProcess } from '../test/support/stembot-process.js';
import { waitFor } from '../test/support/wait.js';
import { chaosEntry } from './lib/entries.js';
import { mib, ratio, round } from './lib/stats.js';

const STEMS = 12;
const STEM_BYTES = 9 * 1024 * 1024;
const KEY = 'bench-kie-key';
type Arrived = { bytes: number; at: number }[];
type Relayed = { wallMs: number; rssGrowthBytes: number; bytes: number };

/** Warm-up job (tiny stems), then the measured one; RSS is sampled inside the stembot process. */
async function relay(dir: string, sim: RunningSimulator, name: string, chatEnv: Record<string, string>, filesIn: (ref: string) => Arrived): Promise<Relayed> {
  const proc = new StembotProcess({
    KIE_API_KEY: KEY, KIE_API_URL: sim.url, KIE_UPLOAD_URL: sim.url, HOST: '127.0.0.1', PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`, DATA_DIR: dir, DOWNLOAD_ALLOW_HOSTS: new URL(sim.url).host, LOG_LEVEL: 'warn',
    STEMBOT_TUNING: JSON.stringify({ outboxTickMs: 50, maxActivePerUser: 0, maxActivePerWorkspace: 0 }),
    ...chatEnv,
  }, { entry: chaosEntry });
  try {
    const base = await proc.start();
    const submit = (ref: string) => request(`${base}/__test/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref, kind: 'stems', scenario: 'happy' }) }).then((r) => r.body.dump());
    sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 100 }], stemBytes: 4_044 });
    await submit('warm');
    await waitFor('the warm-up stems', () => (filesIn('warm').length >= STEMS ? true : undefined), 30_000);
    await request(`${base}/__test/rss/reset`, { method: 'POST' }).then((r) => r.body.dump());
    sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 500 }], stemBytes: STEM_BYTES });
    await submit('big');
    const files = await waitFor('the 12 big stems', () => (filesIn('big').length >= STEMS ? filesIn('big') : undefined), 120_000);
    const rss = (await request(`${base}/__test/rss`).then((r) => r.body.json())) as { baseline: number; peak: number };
    const task = sim.control.tasks().filter((t) => t.files[0]!.bytes > 1_000_000).sort((a, b) => b.createdAt - a.createdAt)[0]!;
    const answered = sim.control.callbacks().find((c) => c.taskId === task.taskId && c.status === 200)!;
    return { wallMs: Math.max(...files.map((f) => f.at)) - answered.at, rssGrowthBytes: rss.peak - rss.baseline, bytes: files.reduce((n, f) => n + f.bytes, 0) };
  } finally {
    await proc.stop();
  }
}

export async function deliveryBench(dir: string) {
  const sim = await startSimulator({ apiKey: KEY });
  const chat = await new FakeChatServer(true).start();
  const discord = await FakeDiscord.start({ token: 'bench-bot-token', applicationId: '1100000000000000001' });
  for (const id of ['warm', 'big']) discord.addChannel({ id, type: 'text' });
  const inDiscord = (ref: string): Arrived =>
    [...discord.messages.values()].filter((m) => m.channelId === ref || discord.channels.get(m.channelId)?.parentId === ref).flatMap((m) => m.files.map((f) => ({ bytes: f.bytes.length, at: Date.now() })));
  try {
    const http = await relay(dir, sim, 'delivery-http', { CHAOS_CHAT_URL: chat.url }, (ref) =>
      chat.messages.filter((m) => chat.rootChannel(m.channelId) === ref).flatMap((m) => m.files.map((f) => ({ bytes: f.bytes, at: m.receivedAt }))),
    );
    const discordJs = await relay(dir, sim, 'delivery-discordjs', { CHAOS_CHAT: 'discordjs', CHAOS_CHAT_URL: discord.apiUrl, CHAOS_DISCORD_TOKEN: 'bench-bot-token' }, inDiscord);
    const task = sim.control.tasks().find((t) => t.files[0]!.bytes > 1_000_000)!;
    const naive = await naiveRelay(task.files.map((f) => f.url), chat.url);
    const row = (r: Relayed) => ({ wallMs: round(r.wallMs, 0), rssGrowthMiB: mib(r.rssGrowthBytes), bytesDelivered: r.bytes });
    return {
      settings: { stems: STEMS, stemMiB: mib(STEM_BYTES), totalMiB: mib(STEMS * STEM_BYTES), chatFileLimitMiB: 10, filesPerMessage: 10, downloadConcurrency: 4, rssSampleMs: 10 },
      stembotHttp: row(http),
      stembotDiscordJs: row(discordJs),
      naive: { wallMs: round(naive.wallMs, 0), rssGrowthMiB: mib(naive.rssGrowthBytes) },
      ratios: {
        wallVsNaive: ratio(http.wallMs, naive.wallMs),
        rssGrowthVsNaive: ratio(http.rssGrowthBytes, naive.rssGrowthBytes),
        rssGrowthVsData: ratio(http.rssGrowthBytes, STEMS * STEM_BYTES),
        discordJsWallVsNaive: ratio(discordJs.wallMs, naive.wallMs),
        discordJsRssGrowthVsData: ratio(discordJs.rssGrowthBytes, STEMS * STEM_BYTES),
      },
    };
  } finally {
    await Promise.all([chat.close(), discord.close(), sim.close()]);
  }
}

async function naiveRelay(urls: string[], chatUrl: string): Promise<{ wallMs: number; rssGrowthBytes: number }> {
  const entry = fileURLToPath(new URL('./servers/naive-relay.ts', import.meta.url));
  const env = { ...process.env, RELAY_URLS: JSON.stringify(urls), RELAY_CHAT_URL: chatUrl, RELAY_CHANNEL: 'naive' };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', entry], { env, maxBuffer: 1 << 20, timeout: 120_000 });
  return JSON.parse(/RESULT (.+)/.exec(stdout)![1]!) as { wallMs: number; rssGrowthBytes: number };
}
