// (a) Callback intake, side by side in one run: stembot's POST /callbacks/kie/:token (HMAC check, zod parse,
// URL guard, one SQLite transaction writing the event and its outbox rows, worker off) against a bare
// Fastify route answering 200 and the Express handler of Kie's docs. Same requests for all three.
import Database from 'better-sqlite3';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StembotProcess } from '../test/support/stembot-process.js';
import { callbackStream, jobSpecs, type JobSpec, type Mix } from './lib/callbacks.js';
import { load, type LoadResult } from './lib/load.js';
import { ratio, round, summarize } from './lib/stats.js';

export interface IntakeOptions {
  dir: string;
  jobs: number;
  /** Measured seconds per target, split over `rounds`. */
  seconds: number;
  rounds: number;
  warmupSec: number;
  connections: number;
}

export const HMAC_KEY = 'bench-webhook-hmac-key';
/**
 * The most callbacks one Kie account can cause: 20 new jobs per 10 s, each calling back at most text, first
 * and complete, plus a repeat (docs/kie-api.md) — 4 per job, 8 per second.
 */
export const KIE_MAX_CALLBACKS_PER_SEC = (20 / 10) * 4;
export const KIE_CALLBACK_TIMEOUT_MS = 15_000;
const server = (file: string) => fileURLToPath(new URL(`./servers/${file}`, import.meta.url));

/** Environment of a benchmark stembot with its own SQLite file. */
export function stembotEnv(dir: string, name: string, jobsFile: string, tuning: object = {}): Record<string, string> {
  return {
    KIE_API_KEY: 'bench-kie-key',
    KIE_WEBHOOK_HMAC_KEY: HMAC_KEY,
    DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
    DATA_DIR: dir,
    LOG_LEVEL: 'info',
    BENCH_JOBS_FILE: jobsFile,
    STEMBOT_TUNING: JSON.stringify(tuning),
  };
}

export async function writeJobs(dir: string, name: string, jobs: JobSpec[]): Promise<string> {
  const file = join(dir, `${name}-jobs.json`);
  await writeFile(file, JSON.stringify(jobs));
  return file;
}

export interface Target {
  name: string;
  entry: string;
  env: Record<string, string>;
  jobs: JobSpec[];
}

/**
 * All targets run at once (idle ones cost nothing) and the load rotates between them in rounds, so a noisy
 * neighbour on a shared machine hits every target alike; each target gets the same total time.
 */
export async function compare(targets: Target[], o: IntakeOptions): Promise<(LoadResult & { name: string; rounds: LoadResult[]; mix: Mix })[]> {
  const procs = targets.map((t) => new StembotProcess(t.env, { entry: t.entry, readyTimeoutMs: 180_000 }));
  try {
    const urls = await Promise.all(procs.map((p) => p.start()));
    const streams = targets.map((t) => callbackStream(t.jobs, HMAC_KEY));
    const run = (i: number, seconds: number) =>
      load({ url: urls[i]!, connections: o.connections, duration: seconds, requests: [{ setupRequest: (req) => ({ ...req, method: 'POST', ...streams[i]!.next() }) }] }, 0);
    for (let i = 0; i < targets.length; i++) await run(i, o.warmupSec);
    const rounds: LoadResult[][] = targets.map(() => []);
    for (let r = 0; r < o.rounds; r++) for (let i = 0; i < targets.length; i++) rounds[i]!.push(await run(i, o.seconds / o.rounds));
    return targets.map((t, i) => ({ name: t.name, ...combine(rounds[i]!, o.seconds), rounds: rounds[i]!, mix: streams[i]!.mix() }));
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}

/** Throughput over all rounds; latency percentiles as the median of the rounds' (robust to one noisy round). */
function combine(rounds: LoadResult[], seconds: number): LoadResult {
  const med = (k: keyof LoadResult) => summarize(rounds.map((r) => r[k])).p50;
  const sum = (k: keyof LoadResult) => rounds.reduce((n, r) => n + r[k], 0);
  return { rps: Math.round(sum('requests') / seconds), p50Ms: med('p50Ms'), p99Ms: med('p99Ms'), maxMs: Math.max(...rounds.map((r) => r.maxMs)), requests: sum('requests'), non2xx: sum('non2xx'), errors: sum('errors'), timeouts: sum('timeouts'), refused503: sum('refused503') };
}

export async function intakeBench(o: IntakeOptions) {
  const jobs = jobSpecs(o.jobs);
  const jobsFile = await writeJobs(o.dir, 'intake', jobs);
  const [stembot, bare, express] = await compare(
    [
      { name: 'stembot (HMAC + parse + SQLite event + outbox)', entry: server('stembot-intake.ts'), env: stembotEnv(o.dir, 'intake', jobsFile), jobs },
      { name: 'bare Fastify route answering 200', entry: server('bare-fastify.ts'), env: {}, jobs },
      { name: 'seed docs’ Express handler (express.json + log line)', entry: server('express-seed.ts'), env: {}, jobs },
    ],
    o,
  );
  // What the stembot run wrote, read back from its database.
  const db = new Database(join(o.dir, 'intake.db'), { readonly: true });
  const count = (sql: string) => (db.prepare(sql).get() as { n: number | null }).n ?? 0;
  const counted = count("SELECT COUNT(*) AS n FROM pragma_table_info('jobs') WHERE name = 'repeat_count'") > 0;
  const written = {
    eventsApplied: count('SELECT COUNT(*) AS n FROM job_events WHERE applied = 1'),
    eventsDuplicate: count('SELECT COUNT(*) AS n FROM job_events WHERE applied = 0'),
    /** Repeats recorded as a count on their job instead of an event row. */
    repeatsCounted: counted ? count('SELECT SUM(repeat_count) AS n FROM jobs') : 0,
    outboxRows: count("SELECT COUNT(*) AS n FROM outbox WHERE kind IN ('deliver')"),
  };
  db.close();
  // The mix stembot saw, from what it stored (warm-up included): new callbacks applied vs repeats.
  const repeatsStored = written.eventsDuplicate + written.repeatsCounted;
  const mixStored = { applied: written.eventsApplied, repeats: repeatsStored, freshShare: ratio(written.eventsApplied, written.eventsApplied + repeatsStored) };
  // Per round, stembot against each baseline measured right next to it; the median of those is the figure
  // least moved by a neighbour's burst on a shared machine.
  const perRound = (b: typeof bare) => summarize(stembot!.rounds.map((r, i) => r.rps / b!.rounds[i]!.rps)).p50;
  return {
    settings: { jobs: o.jobs, connections: o.connections, seconds: o.seconds, rounds: o.rounds, warmupSec: o.warmupSec, worker: 'off (intake alone)', log: 'pino info → /dev/null' },
    rows: [stembot!, bare!, express!],
    written,
    mix: { stembot: stembot!.mix, stored: mixStored },
    ratios: {
      rpsVsExpressMedianOfRounds: round(perRound(express), 2),
      rpsVsBareFastifyMedianOfRounds: round(perRound(bare), 2),
      rpsVsBareFastify: ratio(stembot!.rps, bare!.rps),
      rpsVsExpress: ratio(stembot!.rps, express!.rps),
      p99VsBareFastify: ratio(stembot!.p99Ms, bare!.p99Ms),
      p99VsExpress: ratio(stembot!.p99Ms, express!.p99Ms),
      rpsVsKieMaxCallbackRate: ratio(stembot!.rps, KIE_MAX_CALLBACKS_PER_SEC),
      kieTimeoutVsP99: ratio(KIE_CALLBACK_TIMEOUT_MS, stembot!.p99Ms),
    },
  };
}
