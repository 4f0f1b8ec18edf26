// The pg.Pool behind PostgresJobStore, and the one way its methods open a transaction.
import pg from 'pg';

const pgDefaults = {
  max: 10,
  schema: 'public',
  // Fail a checkout instead of hanging forever when the server is gone (readyz must answer).
  connectionTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
};

export interface PgStoreOptions {
  /** Connections in this instance's pool. */
  max?: number;
  /** Schema every connection works in (search_path); created by migrate() when missing. */
  schema?: string;
}

// Unquoted identifiers only: the name goes into a startup option and into DDL, never from user input,
// and lower case keeps `search_path=x` and `CREATE SCHEMA x` naming the same schema.
const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPool(connectionString: string, opts: PgStoreOptions): { pool: pg.Pool; schema: string } {
  const schema = opts.schema ?? pgDefaults.schema;
  if (!schemaName.test(schema)) throw new Error(`postgres store: schema "${schema}" must match ${schemaName}`);
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? pgDefaults.max,
    connectionTimeoutMillis: pgDefaults.connectionTimeoutMs,
    idleTimeoutMillis: pgDefaults.idleTimeoutMs,
    // A startup parameter, so search_path is set before the first query on every connection, with no
    // extra round trip and no window in which a query could run in the wrong schema.
    // https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNECT-OPTIONS
    options: `-c search_path=${schema}`,
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, that kills the process.
  // The pool has already discarded that client, the next checkout reconnects, and ping() reports the
  // outage to /readyz, so there is nothing more to do here.
  pool.on('error', () => {});
  return { pool, schema };
}

/** Run `fn` in BEGIN … COMMIT on one client; ROLLBACK on error; the client always goes back. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    // A failed ROLLBACK means the connection itself is bad: destroy it rather than pool it.
    await client.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * JSON text for a JSONB parameter. Always stringify: pg would send a JS array as a Postgres array.
 * NUL is dropped from strings because JSONB refuses `\u0000` and a Kie error text may carry one.
 */
export const toJsonb = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? x.replaceAll('\u0000', '') : x));

/** TEXT columns refuse NUL too. */
export const toText = (s: string): string => s.replaceAll('\u0000', '');
