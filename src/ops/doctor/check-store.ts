// The store: reachable, and migrated (openStore applies the migrations, as start-up does — idempotent).
import type { Config } from '../../config.js';
import type { JobStore } from '../../core/ports.js';
import { openStore } from '../../store/open.js';
import { sqlitePath, startupErrorLine } from '../startup-error.js';
import { failed, ok, type CheckResult } from './types.js';

function storeName(databaseUrl: string): string {
  const file = sqlitePath(databaseUrl);
  if (file) return `SQLite at ${file}`;
  const u = new URL(databaseUrl);
  return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/** With `open`, the running server's own store is queried instead of opening another. */
export async function checkStore(config: Config, open?: JobStore): Promise<CheckResult> {
  const name = 'store';
  let store: JobStore | undefined = open;
  try {
    store ??= await openStore(config.databaseUrl);
    await store.outboxDepth();
    return ok(name, `${storeName(config.databaseUrl)} reachable, migrations applied`);
  } catch (err) {
    return failed(name, startupErrorLine(err, config));
  } finally {
    if (store && !open) await store.close().catch(() => undefined);
  }
}
