// DATABASE_URL → a JobStore: `sqlite:<path>` (default) or `postgres://…`.
import type { JobStore } from '../core/ports.js';
import { PostgresJobStore } from './postgres/postgres-store.js';
import { SqliteJobStore } from './sqlite/sqlite-store.js';

export async function openStore(databaseUrl: string, o: { walCheckpointIntervalMs?: number } = {}): Promise<JobStore> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length) || './data/stembot.db';
    const store = new SqliteJobStore(path, o.walCheckpointIntervalMs !== undefined ? { checkpointIntervalMs: o.walCheckpointIntervalMs } : {});
    await store.migrate();
    return store;
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const store = new PostgresJobStore(databaseUrl);
    try {
      await store.migrate();
    } catch (err) {
      await store.close(); // don't leave the pool's sockets keeping the process alive
      throw err;
    }
    return store;
  }
  throw new Error('DATABASE_URL: must be sqlite:<path> or postgres://…');
}
