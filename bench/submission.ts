// (c) Submission: 500 jobs queued at once against the simulator's sliding-window limit. Kie allows 20 new
// jobs per 10 s; to keep the run short both sides are scaled to 20 per 1 s (the limiter and the simulator
// use the same mechanism whatever the window). Measured at the simulator: the achieved rate as a fraction
// of the limit, the most submissions it saw in any window, and its 429s (must be 0).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startSimulator } from '../src/sim/index.js';
import { FakeChatServer } from '../test/fakes/chat-server.js';
import { StembotProcess } from '../test/support/stembot-process.js';
import { eachLimit } from '../test/support/each-limit.js';
import { chaosEntry } from './lib/entries.js';
import { ratio, round } from './lib/stats.js';

const KEY = 'bench-kie-key';

export async function submissionBench(dir: string, o: { jobs: number; perWindow: number; windowMs: number }) {
  const sim = await startSimulator({ apiKey: KEY, speed: 50, submitPerWindow: o.perWindow, submitWindowMs: o.windowMs, stemBytes: 4_044, credits: 1_000_000 });
  const chat = await new FakeChatServer(true).start();
  const proc = new StembotProcess({
    KIE_API_KEY: KEY, KIE_API_URL: sim.url, KIE_UPLOAD_URL: sim.url, HOST: '127.0.0.1', PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'submission.db')}`, DATA_DIR: dir, DOWNLOAD_ALLOW_HOSTS: new URL(sim.url).host,
    LOG_LEVEL: 'warn', CHAOS_CHAT_URL: chat.url,
    STEMBOT_TUNING: JSON.stringify({ kieSubmitPerWindow: o.perWindow, kieSubmitWindowMs: o.windowMs, outboxTickMs: 50, outboxConcurrency: 8, maxActivePerUser: 0, maxActivePerWorkspace: 0 }),
  }, { entry: chaosEntry });
  try {
    const base = await proc.start();
    const refs = Array.from({ length: o.jobs }, (_, i) => `sub-${i}`);
    const queuedAt = Date.now();
    await eachLimit(refs, 8, async (ref) => {
      const r = await request(`${base}/__test/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref, kind: 'vocals', scenario: 'happy' }) });
      if (r.statusCode !== 200) throw new Error(`submit ${ref}: HTTP ${r.statusCode} ${await r.body.text()}`);
      await r.body.dump();
    });
    const queuedMs = Date.now() - queuedAt;
    const budgetMs = (o.jobs / o.perWindow) * o.windowMs * 2 + 30_000;
    for (const deadline = Date.now() + budgetMs; sim.control.stats().accepted < o.jobs && Date.now() < deadline; ) await sleep(100);
    const stats = sim.control.stats();
    const times = sim.control.tasks().map((t) => t.createdAt).sort((a, b) => a - b);
    const spanMs = times[times.length - 1]! - times[0]!;
    // A sliding window lets the first `perWindow` go at once; every later one needs its slot. So the rate is
    // measured after that first burst: the limit allows exactly perWindow per windowMs from then on.
    const achievedPerSec = ((times.length - o.perWindow) / spanMs) * 1000;
    const limitPerSec = (o.perWindow / o.windowMs) * 1000;
    return {
      settings: { jobs: o.jobs, limit: `${o.perWindow} per ${o.windowMs / 1000} s${o.windowMs === 10_000 ? ' (Kie’s own)' : ` (Kie: 20 per 10 s, time scaled ×${10_000 / o.windowMs})`}`, queuedInMs: queuedMs },
      accepted: stats.accepted,
      rateLimited429: stats.rateLimited,
      maxAcceptedInAnyWindow: stats.maxAcceptedInWindow,
      spanMs,
      achievedPerSec: round(achievedPerSec),
      limitPerSec,
      ratios: { achievedVsLimit: ratio(achievedPerSec, limitPerSec), maxWindowVsLimit: ratio(stats.maxAcceptedInWindow, o.perWindow) },
    };
  } finally {
    await proc.stop();
    await chat.close();
    await sim.close();
  }
}
