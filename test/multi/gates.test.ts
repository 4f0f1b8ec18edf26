// The shared Kie submission gates, each against its real backend: two gates over separate connections stand
// for two instances; starts are read from the backend's own clock, the one that decides.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MockAgent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresWindow } from '../../src/cluster/postgres-window.js';
import { RedisWindow } from '../../src/cluster/redis-window.js';
import { SharedWindowGate, type WindowBackend } from '../../src/cluster/shared-gate.js';
import { KieClient } from '../../src/kie/client.js';
import { kieTuning } from '../kie/helpers.js';
import { failMissing, pgUrl, redisUrl } from './env.js';
import { maxInAnyWindow } from './windows.js';

const LIMIT = 5;
const WINDOW_MS = 400;

/** Wraps a backend to remember every start it granted, by its own clock. */
function recording(backend: WindowBackend, starts: number[]): WindowBackend {
  return {
    take: async (limit, spanMs) => {
      const r = await backend.take(limit, spanMs);
      if (r.taken) starts.push(r.atMs);
      return r;
    },
    hold: (ms) => backend.hold(ms),
    close: () => backend.close(),
  };
}

/** The Postgres windows live in a shared table of the test database: remove this run's rows. */
async function dropPostgresWindows(url: string, names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DELETE FROM stembot_submit_window WHERE name = ANY($1)', [names]);
  } finally {
    await client.end();
  }
}

function gateSuite(label: string, url: string | undefined, open: (url: string, name: string) => WindowBackend): void {
  describe(`${label} submission gate`, () => {
    if (!url) return failMissing(label === 'Redis' ? 'REDIS_URL_TEST' : 'DATABASE_URL_TEST', `the ${label} gate suite`);
    const opened: SharedWindowGate[] = [];
    const names: string[] = [];
    const fresh = () => {
      const name = `test-${randomBytes(6).toString('hex')}`;
      names.push(name);
      return name;
    };
    const gate = (name: string, starts: number[] = []) => {
      const g = new SharedWindowGate(recording(open(url, name), starts), { limit: LIMIT, windowMs: WINDOW_MS });
      opened.push(g);
      return g;
    };
    afterAll(async () => {
      await Promise.all(opened.map((g) => g.close()));
      if (label === 'Postgres') await dropPostgresWindows(url, names); // Redis keys expire on their own
    });

    it(`GIVEN two instances' gates on one account, ${LIMIT} per ${WINDOW_MS} ms WHEN 8 acquirers take 30 starts at once THEN no window ever held more than ${LIMIT}, and none was lost`, async () => {
      const name = fresh();
      const starts: number[] = [];
      const [a, b] = [gate(name, starts), gate(name, starts)];
      let left = 30;
      const acquirer = async (g: SharedWindowGate) => {
        while (left > 0) {
          left--;
          await g.acquire();
        }
      };
      const began = Date.now();
      await Promise.all([a, b, a, b, a, b, a, b].map(acquirer));

      expect(starts).toHaveLength(30);
      expect(maxInAnyWindow(starts, WINDOW_MS)).toBe(LIMIT); // the allowance is used, never exceeded
      // 30 starts at 5 per window: the last goes at least five windows after the first.
      expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(5 * WINDOW_MS);
      expect(Date.now() - began).toBeLessThan(15_000);
    });

    it('GIVEN a Kie client waiting on a full shared window WHEN it closes THEN the waiting submission ends at once and the gate is closed with it', async () => {
      const name = fresh();
      const full = gate(name);
      for (let i = 0; i < LIMIT; i++) await full.acquire();
      const agent = new MockAgent();
      agent.disableNetConnect();
      const client = new KieClient({ apiUrl: 'https://api.kie.ai', uploadUrl: 'https://api.kie.ai', apiKey: 'k', ...kieTuning, dispatcher: agent, submitGate: gate(name) });
      const waiting = client.submitSeparation({ audioUrl: 'https://x.test/s.mp3', type: 'separate_vocal', callBackUrl: 'https://b.test/c' });
      await new Promise((r) => setTimeout(r, 50));
      const began = Date.now();
      await client.close();
      expect(await waiting).toMatchObject({ ok: false, code: 'KIE_UNREACHABLE' });
      expect(Date.now() - began).toBeLessThan(WINDOW_MS);
      await expect(opened.at(-1)!.acquire()).rejects.toThrow('closed');
    });

    it('GIVEN one instance met a 429 WHEN it holds submissions THEN the other instance waits for the hold too', async () => {
      const name = fresh();
      const [a, b] = [open(url, name), gate(name)];
      opened.push(new SharedWindowGate(a, { limit: LIMIT, windowMs: WINDOW_MS })); // closed with the rest
      await a.hold(600);
      const began = Date.now();
      await b.acquire();
      expect(Date.now() - began).toBeGreaterThanOrEqual(500);
    });
  });

  it(`GIVEN ${label} is unreachable WHEN a submission asks the gate THEN it is refused promptly (the outbox retries it) instead of going unchecked`, async () => {
    const dead = label === 'Redis' ? 'redis://127.0.0.1:1' : 'postgres://postgres@127.0.0.1:1/test';
    const g = new SharedWindowGate(open(dead, 'unreachable'), { limit: LIMIT, windowMs: WINDOW_MS });
    const began = Date.now();
    await expect(g.acquire()).rejects.toThrow();
    expect(Date.now() - began).toBeLessThan(12_000);
    await g.close().catch(() => undefined);
  });
}

gateSuite('Redis', redisUrl, (url, name) => new RedisWindow(url, name));
gateSuite('Postgres', pgUrl, (url, name) => new PostgresWindow(url, name));
