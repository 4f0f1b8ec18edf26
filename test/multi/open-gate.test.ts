// Which shared gate the configuration selects, and that it really writes where the other instances look.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { gateName, openSubmitGate } from '../../src/cluster/open-gate.js';
import { loadConfig, type Config } from '../../src/config.js';
import { failMissing, pgUrl, redisUrl } from './env.js';

function config(env: Record<string, string>): Config {
  const r = loadConfig(env);
  if (!r.ok) throw new Error(r.message);
  return r.config;
}

describe('REDIS_URL and the submission gate', () => {
  it('GIVEN a REDIS_URL that is not a redis URL WHEN loaded THEN one line names it, without echoing it', () => {
    const r = loadConfig({ REDIS_URL: 'http://secret-host:6379' });
    expect(r).toEqual({ ok: false, message: 'Invalid configuration: REDIS_URL must be a redis:// or rediss:// URL' });
  });

  it('GIVEN SQLite and no Redis WHEN the gate is opened THEN there is none: the Kie client keeps its in-process window', () => {
    expect(openSubmitGate(config({ KIE_API_KEY: 'k' }))).toBeUndefined();
  });

  it('GIVEN two Kie keys WHEN their windows are named THEN the names differ and do not contain the key', () => {
    expect(gateName('key-one')).not.toBe(gateName('key-two'));
    expect(gateName('key-one')).not.toContain('key-one');
  });

  describe('GIVEN REDIS_URL', () => {
    if (!redisUrl) return failMissing('REDIS_URL_TEST', 'the Redis gate selection');
    const url = redisUrl;
    it('WHEN a submission passes the gate THEN it is recorded in Redis under the account’s window', async () => {
      const key = `k-${randomBytes(6).toString('hex')}`;
      const gate = openSubmitGate(config({ KIE_API_KEY: key, REDIS_URL: url, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }))!;
      const redis = new Redis(url);
      try {
        await gate.acquire();
        expect(await redis.zcard(`stembot:{${gateName(key)}}:starts`)).toBe(1);
      } finally {
        await gate.close();
        await redis.quit();
      }
    });
  });

  describe('GIVEN Postgres and no REDIS_URL', () => {
    if (!pgUrl) return failMissing('DATABASE_URL_TEST', 'the Postgres gate selection');
    const url = pgUrl;
    it('WHEN a submission passes the gate THEN it is recorded in the database under the account’s window', async () => {
      const key = `k-${randomBytes(6).toString('hex')}`;
      const gate = openSubmitGate(config({ KIE_API_KEY: key, DATABASE_URL: url }))!;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await gate.acquire();
        const rows = await client.query<{ n: number }>('SELECT cardinality(starts) AS n FROM stembot_submit_window WHERE name = $1', [gateName(key)]);
        expect(rows.rows).toEqual([{ n: 1 }]);
      } finally {
        await client.query('DELETE FROM stembot_submit_window WHERE name = $1', [gateName(key)]);
        await client.end();
        await gate.close();
      }
    });
  });
});
