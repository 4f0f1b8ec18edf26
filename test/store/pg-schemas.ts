// Test isolation for Postgres: every store under test lives in its own fresh schema, dropped at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';

export const pgTestUrl = process.env.DATABASE_URL_TEST;

const made: string[] = [];

/** A schema name no other test (or parallel run) uses; remembered for dropSchemas(). */
export function freshSchema(): string {
  const name = `stembot_test_${randomBytes(6).toString('hex')}`;
  made.push(name);
  return name;
}

/** A store over its own pool, i.e. one "instance"; migrate() creates the schema. */
export const storeIn = (url: string, schema: string, max?: number): PostgresJobStore =>
  new PostgresJobStore(url, { schema, ...(max !== undefined ? { max } : {}) });

/** Run one query in `schema` outside any store (to look at rows the port does not expose). */
export async function queryIn<R extends pg.QueryResultRow>(url: string, schema: string, sql: string, args: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query<R>(sql, args)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchemas(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await client.end();
  }
}
