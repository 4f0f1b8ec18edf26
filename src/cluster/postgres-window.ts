// The shared submission window in Postgres, for deployments without Redis: one row per limited account
// holding its recent start times, decided under that row's lock. Twenty starts per ten seconds is a light
// load for a database; times come from the server's clock_timestamp(), one clock for every instance.
import pg from 'pg';
import { MIGRATION_LOCK_KEY } from '../store/postgres/migrate.js';
import { inTransaction } from '../store/postgres/pool.js';
import type { Take, WindowBackend } from './shared-gate.js';

const table = 'stembot_submit_window';
const nowMs = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export class PostgresWindow implements WindowBackend {
  private readonly pool: pg.Pool;
  private ready: Promise<void> | undefined;

  /** `name` identifies the limited account. The table lives in the connection's default schema. */
  constructor(connectionString: string, private readonly name: string) {
    // Two connections: one decides, one may write a hold meanwhile. Submissions are serialised per instance.
    this.pool = new pg.Pool({
      connectionString,
      max: 2,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'stembot-submit-gate',
      // An instance cut off mid-decision must not keep the row locked for the others.
      options: '-c idle_in_transaction_session_timeout=10000 -c lock_timeout=10000',
    });
    // An idle client whose server went away errors on the pool; the next checkout reconnects.
    this.pool.on('error', () => {});
  }

  async take(limit: number, spanMs: number): Promise<Take> {
    await this.ensure();
    return inTransaction(this.pool, async (c) => {
      // The row lock makes instances take turns; `now` is read only once it is held, so it is later than
      // every start recorded before.
      const row = (await c.query<{ starts: string[]; held_until: string }>(`SELECT starts, held_until FROM ${table} WHERE name = $1 FOR UPDATE`, [this.name])).rows[0];
      const now = Number((await c.query<{ now: string }>(`SELECT ${nowMs} AS now`)).rows[0]!.now);
      const held = Number(row?.held_until ?? 0);
      if (held > now) return { taken: false, waitMs: held - now };
      const starts = (row?.starts ?? []).map(Number).filter((t) => now - t < spanMs);
      if (starts.length >= limit) return { taken: false, waitMs: Math.max(1, Math.min(...starts) + spanMs - now) };
      starts.push(now);
      await c.query(`UPDATE ${table} SET starts = $2 WHERE name = $1`, [this.name, starts]);
      return { taken: true, atMs: now };
    });
  }

  async hold(ms: number): Promise<void> {
    await this.ensure();
    await this.pool.query(`UPDATE ${table} SET held_until = GREATEST(held_until, ${nowMs} + $2) WHERE name = $1`, [this.name, Math.ceil(ms)]);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** Create the table and this account's row once. Under the migrations' advisory lock, so two instances starting together don't race. */
  private ensure(): Promise<void> {
    this.ready ??= inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await c.query(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, starts BIGINT[] NOT NULL DEFAULT '{}', held_until BIGINT NOT NULL DEFAULT 0)`);
      await c.query(`INSERT INTO ${table} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [this.name]);
    }).catch((err: unknown) => {
      this.ready = undefined; // try again next time (the database may be starting)
      throw err;
    });
    return this.ready;
  }
}
