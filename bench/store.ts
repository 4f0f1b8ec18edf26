// (d) Store: the two operations on the callback path — `findByToken` (the lookup) and `applyEvent` (the
// event insert with its state change and outbox rows, one transaction) — with 1,000,000 jobs in SQLite,
// against the same operations on 1,000 jobs in the same run. Jobs are bulk-inserted in one transaction
// through a second connection (the store offers no bulk insert; its own createJob is one transaction each).
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { JobEvent } from '../src/core/types.js';
import { SqliteJobStore } from '../src/store/sqlite/sqlite-store.js';
import { ratio, round, summarize, type Summary } from './lib/stats.js';

/** Inserts `n` submitted jobs; returns ~40,000 of their (id, token) pairs, spread over the whole table. */
function bulkInsert(path: string, n: number): { id: string; token: string }[] {
  const every = Math.max(1, Math.floor(n / 40_000));
  const db = new Database(path);
  // A one-off load: no journal, no syncs, a page cache holding the random-keyed indexes. The store reopens
  // the file in WAL mode with its own settings before anything is measured.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576');
  const insert = db.prepare(
    `INSERT INTO jobs (id, platform, workspace_id, channel_id, user_id, user_name, origin_meta, kind, params, input, input_name,
       callback_token, task_id, state, created_at, updated_at, submitted_at, next_poll_at)
     VALUES (?, 'discord', ?, ?, ?, ?, '{}', 'separate', '{"kind":"separate","mode":"stems"}', ?, 'song.mp3', ?, ?, 'submitted', ?, ?, ?, ?)`,
  );
  const sample: { id: string; token: string }[] = [];
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const raw = randomBytes(50);
      const id = raw.subarray(0, 10).toString('hex');
      const token = raw.subarray(10, 34).toString('base64url');
      const taskId = raw.subarray(34, 50).toString('hex');
      insert.run(id, `g${i % 1000}`, `c${i % 5000}`, `u${i % 100_000}`, `user ${i % 100_000}`, `{"type":"url","url":"https://audio.example/${i}.mp3","name":"song.mp3"}`, token, taskId, now, now, now, now + 3_600_000);
      if (i % every === 0) sample.push({ id, token });
    }
  })();
  db.pragma('journal_mode = WAL');
  db.close();
  return sample;
}

const complete = (taskId: string): JobEvent => ({
  taskId,
  source: 'callback',
  stage: 'complete',
  files: [
    { key: 'vocal', label: 'Vocals', url: 'https://tempfile.aiquickdraw.com/s/a_Vocals.mp3' },
    { key: 'instrumental', label: 'Instrumental', url: 'https://tempfile.aiquickdraw.com/s/a_Instrumental.mp3' },
  ],
});

async function timed(n: number, op: (i: number) => Promise<unknown>): Promise<Summary> {
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await op(i);
    us.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const s = summarize(us);
  return { n: s.n, mean: round(s.mean), p50: round(s.p50), p99: round(s.p99), max: round(s.max) };
}

async function measure(dir: string, jobs: number, lookups: number, events: number) {
  const path = join(dir, `store-${jobs}.db`);
  const init = new SqliteJobStore(path);
  await init.migrate();
  await init.close();
  const t0 = Date.now();
  const sample = bulkInsert(path, jobs);
  const insertMs = Date.now() - t0;
  const store = new SqliteJobStore(path);
  const pick = (i: number) => sample[(i * 7919) % sample.length]!;
  // Warm the page cache and the JIT on both paths before timing (first reads of a cold file measure the disk).
  for (let i = 0; i < 200; i++) await store.findByToken(pick(i).token);
  const lookup = await timed(lookups, (i) => store.findByToken(pick(i).token));
  const eventJobs = sample.slice(0, Math.min(events, sample.length));
  const applyEvent = await timed(eventJobs.length, (i) => store.applyEvent(eventJobs[i]!.id, complete('t'), Date.now()));
  await store.close();
  return { jobs, bulkInsertMs: insertMs, bulkInsertRowsPerSec: Math.round(jobs / (insertMs / 1000)), findByTokenUs: lookup, applyEventUs: applyEvent };
}

export async function storeBench(dir: string, o: { jobs: number; baselineJobs: number; lookups: number; events: number }) {
  const small = await measure(dir, o.baselineJobs, o.lookups, o.events);
  const big = await measure(dir, o.jobs, o.lookups, o.events);
  return {
    settings: { ...o, note: `applyEvent on ${big.applyEventUs.n} (1M) / ${small.applyEventUs.n} (1k) distinct jobs, each moving submitted → complete with 2 files` },
    small,
    big,
    ratios: {
      findByTokenP99BigVsSmall: ratio(big.findByTokenUs.p99, small.findByTokenUs.p99),
      applyEventP99BigVsSmall: ratio(big.applyEventUs.p99, small.applyEventUs.p99),
      findByTokenP50BigVsSmall: ratio(big.findByTokenUs.p50, small.findByTokenUs.p50),
      applyEventP50BigVsSmall: ratio(big.applyEventUs.p50, small.applyEventUs.p50),
    },
  };
}
