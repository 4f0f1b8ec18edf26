// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that crosses
// 1,000 WAL pages — on the serving connection, i.e. on the event loop, fsync included — and stalled every
// callback behind it (a profile of the intake under load: docs/intake-performance.md). The serving
// connection turns it off (`wal_autocheckpoint = 0`) and this worker thread, with its own connection to
// the same file, runs a PASSIVE checkpoint on a timer: it copies committed frames back into the database
// without ever waiting for a lock, and once it has caught up the next writer restarts the WAL from its
// beginning. Under writes that never pause it cannot catch up and the WAL would only grow: past
// `restartAbovePages` frames the worker runs a RESTART checkpoint instead, which makes the writer wait for
// the few frames copied since the last tick (not the thousands SQLite's own checkpoint would copy).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointReport {
  /** Frames in the WAL and frames copied back into the database (SQLite's wal_checkpoint answer). */
  log: number;
  checkpointed: number;
}

// Plain CommonJS evaluated by the worker: no TypeScript loader is needed inside the thread (vitest, tsx
// and the compiled dist/ all start it the same way). better-sqlite3 works in worker_threads.
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.exec('PRAGMA busy_timeout = 2000');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
const tick = () => {
  try {
    let r = passive.get();
    if (r.log > workerData.restartAbovePages && r.checkpointed < r.log) r = restart.get();
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  tick();
  db.close();
  parentPort.close();
});
`;

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, intervalMs: number, onReport?: (r: CheckpointReport) => void, restartAbovePages = 16_384) {
    this.worker = new Worker(source, { eval: true, workerData: { module: betterSqlite, path, intervalMs, restartAbovePages } });
    // Never what keeps a process alive; it dies with the process (the WAL is recovered at the next open).
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (m: CheckpointReport | { error: string }) => {
      if ('log' in m) onReport?.(m);
    });
    this.worker.on('error', () => {}); // a failed checkpoint is retried at the next tick; the WAL only grows meanwhile
  }

  /** One last checkpoint, then the thread ends. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    const timer = setTimeout(() => void this.worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
