// One chaos run: the Kie simulator and the fake chat server in this process, stembot in a child process
// that is SIGKILLed at random moments and started again on the same port and SQLite file, chat failing in
// bursts (500, 429 + Retry-After, answers dropped after the post went through). At the end the child stops,
// and the fake chat server's records are tallied against Kie's truth (tally.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { Job } from '../../src/core/types.js';
import { startSimulator, type SimulatorStats } from '../../src/sim/index.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { seeded, type FaultKind } from '../fakes/chat-faults.js';
import { FakeChatServer } from '../fakes/chat-server.js';
import { eachLimit } from '../support/each-limit.js';
import { StembotProcess } from '../support/stembot-process.js';
import { chaosTuning, simOptions } from './settings.js';
import { tally, type Tally } from './tally.js';
import { workload } from './workload.js';

export interface ChaosOptions {
  jobs: number;
  kills: number;
  /** Discord-like (`enforce_nonce` kept) or Slack-like (no idempotency key on posts). */
  honourNonces: boolean;
  seed?: number;
  /** With `slack`, stembot runs its real SlackChat against the server's Slack Web API face (no idempotency key). */
  chat?: 'http' | 'slack';
  /** Chat fault kinds thrown in bursts (default all: 500, 429, dropped answers). */
  faults?: FaultKind[];
  deadlineMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport extends Tally {
  honourNonces: boolean;
  chat: 'http' | 'slack';
  faults: FaultKind[];
  seed: number;
  kills: number;
  starts: number;
  finished: boolean;
  wallMs: number;
  sim: SimulatorStats;
  chatFaults: Record<string, number>;
  /** Jobs stembot stopped as "may or may not have reached Kie" that a later callback completed. */
  unconfirmedThenCallback: number;
  /** Jobs the runner, as their requester, pressed "Submit again" on (no callback for a while). */
  resubmitted: number;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const seed = o.seed ?? Date.now() % 1_000_000;
  const random = seeded(seed);
  const log = o.log ?? (() => {});
  const started = Date.now();
  const deadline = started + (o.deadlineMs ?? 240_000);
  const dir = await mkdtemp(join(tmpdir(), 'stembot-chaos-'));
  const sim = await startSimulator(simOptions);
  const chat = await new FakeChatServer(o.honourNonces).start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = new StembotProcess({
    KIE_API_KEY: simOptions.apiKey,
    KIE_API_URL: sim.url,
    KIE_UPLOAD_URL: sim.url,
    PUBLIC_URL: base,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dir, 'stembot.db')}`,
    DATA_DIR: dir,
    DOWNLOAD_ALLOW_HOSTS: new URL(sim.url).host,
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'silent',
    CHAOS_CHAT_URL: chat.url,
    ...(o.chat === 'slack' ? { CHAOS_CHAT: 'slack', CHAOS_PLATFORM: 'slack', CHAOS_SLACK_API_URL: `${chat.url.replace(/\/api$/, '')}/slack/api/` } : {}),
    STEMBOT_TUNING: JSON.stringify(chaosTuning),
  });
  const jobs = workload(o.jobs, random, randomBytes(3).toString('hex'));
  let submitted = 0;
  let finished = false;
  let pressedRefs = new Set<string>();
  try {
    await proc.start();
    chat.faults.startRandom(random, { gapMs: 900, lengthMs: 500, ...(o.faults ? { kinds: o.faults } : {}) });
    const submitting = eachLimit(jobs, 4, async (job) => {
      while (Date.now() < deadline) {
        const r = await request(`${base}/__test/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) }).catch(() => undefined);
        const ok = r?.statusCode === 200;
        await r?.body.dump();
        if (ok) return void submitted++;
        await sleep(100);
      }
    });
    const killing = (async () => {
      while (proc.kills < o.kills && Date.now() < deadline && !finished) {
        await sleep(Math.round(700 + random() * 1_800));
        if (finished) break;
        await proc.kill();
        log(`SIGKILL #${proc.kills} at ${((Date.now() - started) / 1000).toFixed(1)} s (${submitted}/${jobs.length} submitted)`);
        await proc.start();
      }
    })();
    await submitting;
    const resubmitted = new Set<string>();
    let lastPress = 0;
    while (Date.now() < deadline && !finished) {
      await sleep(250);
      if (Date.now() - lastPress > 1_000) {
        lastPress = Date.now();
        // An impatient requester: a job stuck as unconfirmed for 5 s (several callback rounds at this speed) is submitted again.
        const r = await request(`${base}/__test/resubmit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refs: jobs.map((j) => j.ref), olderThanMs: 5_000 }) })
          .then((x) => x.body.json() as Promise<{ pressed?: string[] }>)
          .catch(() => ({ pressed: [] }));
        // A process starting or being killed answers nothing useful: the next round asks again.
        for (const ref of Array.isArray(r.pressed) ? r.pressed : []) resubmitted.add(ref);
        pressedRefs = resubmitted;
      }
      const p = await request(`${base}/__test/progress`).then((r) => r.body.json() as Promise<{ active: number; outbox: number }>).catch(() => undefined);
      finished = submitted === jobs.length && p?.active === 0 && p.outbox === 0 && proc.kills >= o.kills;
    }
    await killing;
  } finally {
    chat.faults.stop();
    await proc.stop();
  }
  const store = new SqliteJobStore(join(dir, 'stembot.db'));
  const byRef = new Map<string, Job>();
  for (const j of jobs) {
    const [job] = await store.listJobsByUser(o.chat === 'slack' ? 'slack' : 'discord', j.ref, 1);
    if (job) byRef.set(j.ref, job);
  }
  await store.close();
  const unconfirmedThenCallback = [...byRef.values()].filter((j) => j.submitUnconfirmedAt && j.taskId).length;
  const t = tally(jobs.map((j) => j.ref), byRef, sim.control.tasks(), chat.messages, (c) => chat.rootChannel(c));
  const report: ChaosReport = { ...t, honourNonces: o.honourNonces, chat: o.chat ?? 'http', faults: o.faults ?? ['500', '429', 'drop'], seed, kills: proc.kills, starts: proc.starts, finished, wallMs: Date.now() - started, sim: sim.control.stats(), chatFaults: { ...chat.faultsServed }, unconfirmedThenCallback, resubmitted: pressedRefs.size };
  await sim.close();
  await chat.close();
  await rm(dir, { recursive: true, force: true });
  if (!finished) log(`deadline reached; stembot stderr tail:\n${proc.stderr()}`);
  return report;
}
