// SQLite's WAL checkpoints run in a worker thread, off the serving connection. These tests time a worker
// thread against a file's growth, so they run in the process project (vitest.config.ts), not beside four other
// suites at once: there a checkpoint pass coinciding with a round's first write defers the WAL's restart.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckpointReport } from '../../src/store/sqlite/checkpointer.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { newJob } from '../contract/job-store.contract.js';
import { sleep } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'stembot-ckpt-'));
let n = 0;

describe('SQLite WAL checkpoints', () => {
  // Enough callbacks to pass SQLite's automatic checkpoint threshold (1,000 WAL pages) several times over.
  async function fill(s: SqliteJobStore, jobs: number, tag: string): Promise<void> {
    for (let i = 0; i < jobs; i++) {
      const j = await s.createJob(newJob({ callbackToken: `tok-${tag}-${i}` }), ['open']);
      await s.markSubmitted(j.id, `task-${tag}-${i}`, 2, 9);
      const files = Array.from({ length: 12 }, (_, k) => ({ key: `stem-${k}`, label: `Stem ${k}`, url: `https://x.test/${tag}/${i}/${k}.mp3` }));
      await s.intakeCallback({ token: `tok-${tag}-${i}`, taskId: `task-${tag}-${i}`, event: { taskId: `task-${tag}-${i}`, source: 'callback', stage: 'complete', files }, now: 3, nextPollAt: 9 });
    }
  }
  const walBytes = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

  it('GIVEN a file store WHEN callbacks are written, round after round THEN a worker thread checkpoints the whole WAL back each time (the serving connection never does)', async () => {
    const file = join(dir, `ckpt-${++n}.db`);
    const reports: CheckpointReport[] = [];
    const s = new SqliteJobStore(file, { checkpointIntervalMs: 50, onCheckpoint: (r) => reports.push(r) });
    await s.migrate();
    await fill(s, 400, 'a');
    reports.length = 0; // only checkpoints after the last write count
    const caughtUp = () => reports.some((r) => r.checkpointed > 1_000 && r.checkpointed === r.log);
    for (let i = 0; i < 250 && !caughtUp(); i++) await sleep(20);
    // The worker copied the whole first round back (more than the 1,000 pages at which SQLite would have
    // stopped the event loop for its own checkpoint).
    expect(caughtUp()).toBe(true);
    // Three more rounds: each time the worker copies everything back. (Whether SQLite then restarts the WAL file
    // from its start depends on no checkpoint pass reading it at the next write's first moment; with a pass every
    // 50 ms that is not reliable, so the file's size is not asserted here — see docs/intake-performance.md.)
    for (const tag of ['b', 'c', 'd']) {
      await fill(s, 400, tag);
      reports.length = 0;
      for (let i = 0; i < 250 && !caughtUp(); i++) await sleep(20);
      expect(caughtUp()).toBe(true);
    }
    await s.close();
  });

  it('GIVEN a burst that grew the WAL file far past its size limit WHEN the worker has caught up and writes go on THEN the file is cut back to the limit', async () => {
    const file = join(dir, `ckpt-${++n}.db`);
    const limit = 2 * 1024 * 1024;
    const reports: CheckpointReport[] = [];
    const s = new SqliteJobStore(file, { checkpointIntervalMs: 50, walSizeLimitBytes: limit, onCheckpoint: (r) => reports.push(r) });
    await s.migrate();
    await fill(s, 400, 'burst');
    const burst = walBytes(file);
    expect(burst).toBeGreaterThan(4 * limit);
    // Ordinary traffic after the burst: the WAL restarts from its beginning at a write that finds it all
    // copied back (not necessarily the first such write, see above), and is then cut back to the limit.
    let after = burst;
    for (let i = 0; i < 150 && after > limit; i++) {
      await fill(s, 1, `after-${i}`);
      await sleep(20);
      after = walBytes(file);
    }
    expect(after).toBeLessThanOrEqual(limit);
    await s.close();
  });

  it('GIVEN checkpoints off the serving connection WHEN it commits past 1,000 WAL pages THEN it does not checkpoint by itself', async () => {
    const file = join(dir, `ckpt-${++n}.db`);
    // A worker that waits an hour: only the serving connection could checkpoint within this test.
    const s = new SqliteJobStore(file, { checkpointIntervalMs: 3_600_000 });
    await s.migrate();
    await fill(s, 400, 'c');
    const probe = new Database(file, { readonly: true });
    // Frames still waiting in the WAL: with SQLite's automatic checkpoint they would have been copied back.
    const size = walBytes(file);
    probe.close();
    expect(size).toBeGreaterThan(3 * 1_000 * 4096);
    await s.close();
  });
});
