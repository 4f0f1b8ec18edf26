// Applies the numbered migrations once, even when several instances start at the same moment.
import type pg from 'pg';
import { migrations, schemaMigrationsDdl } from './migrations/index.js';
import { inTransaction } from './pool.js';

/**
 * Key of the transaction-level advisory lock that serialises migrations ("STEMBOT" in ASCII). Sent as text
 * because it does not fit a JS number exactly. It is per database, so migrations of different schemas in
 * one database also take turns, which costs nothing.
 */
export const MIGRATION_LOCK_KEY = '23455079692652372';

export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  await inTransaction(pool, async (c) => {
    // The second instance waits here until the first commits, then reads the versions it applied.
    // Postgres DDL is transactional, so a failed migration leaves nothing half-made behind.
    // https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
    await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    // Look before CREATE SCHEMA IF NOT EXISTS: that statement demands CREATE on the database even when the
    // schema exists, which a least-privilege role using `public` does not have.
    const found = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) await c.query(`CREATE SCHEMA ${schema}`);
    // A URL carrying its own `options=` overrides the pool's search_path; never migrate somewhere else.
    const current = (await c.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s;
    if (current !== schema) throw new Error(`postgres store: search_path resolves to "${current}", not "${schema}"`);
    await c.query(schemaMigrationsDdl);
    const applied = await c.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(applied.rows.map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
    }
  });
}
