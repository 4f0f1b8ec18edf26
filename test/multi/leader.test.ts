// LeaderLock on the real Postgres: one leader among instances, handed over on stop, on a lost session and
// on the holder's death (a separate process killed with SIGKILL).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { LeaderLock } from '../../src/cluster/leader.js';
import { failMissing, pgUrl } from './env.js';
import { startChild, type Child } from './processes.js';
import { sleep } from '../support/wait.js';

const RETRY_MS = 100;
async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe('LeaderLock', () => {
  if (!pgUrl) return failMissing('DATABASE_URL_TEST', 'the leader lock suite');
  const url = pgUrl;
  const locks: LeaderLock[] = [];
  const children: Child[] = [];
  afterAll(async () => {
    await Promise.all(locks.map((l) => l.stop()));
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
  });
  const freshKey = () => `stembot-test-leader-${randomBytes(6).toString('hex')}`;
  /** One instance's lock, with what its hooks saw. */
  const instance = (key: string) => {
    const events: string[] = [];
    const lock = new LeaderLock({ connectionString: url, key, retryMs: RETRY_MS });
    locks.push(lock);
    return { lock, events, start: (onLose: () => void = () => {}) => lock.start(() => void events.push('acquire'), () => (events.push('lose'), onLose())) };
  };

  it('GIVEN two instances on one key WHEN both start THEN exactly one leads; WHEN it stops THEN it stops its work before releasing, and the other takes over', async () => {
    const key = freshKey();
    const [a, b] = [instance(key), instance(key)];
    let otherLedDuringLose: boolean | undefined;
    a.start(() => (otherLedDuringLose = b.lock.isLeader));
    b.start(() => (otherLedDuringLose = a.lock.isLeader));
    await until(() => a.lock.isLeader || b.lock.isLeader, 5_000);
    await sleep(RETRY_MS * 5); // several rounds of the follower trying
    expect([a.lock.isLeader, b.lock.isLeader].filter(Boolean)).toHaveLength(1);

    const [leader, follower] = a.lock.isLeader ? [a, b] : [b, a];
    await leader.lock.stop();
    expect(otherLedDuringLose).toBe(false); // never two leaders at once
    await until(() => follower.lock.isLeader, 5_000);
    expect(leader.events).toEqual(['acquire', 'lose']);
    expect(follower.events).toEqual(['acquire']);
  });

  it('GIVEN a leader WHEN the server ends its session THEN it is told it lost the lead, and the other instance takes over', async () => {
    const key = freshKey();
    const [a, b] = [instance(key), instance(key)];
    a.start();
    await until(() => a.lock.isLeader, 5_000);
    b.start();
    await sleep(RETRY_MS * 3);
    expect(b.lock.isLeader).toBe(false);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // The backend holding this advisory lock: the key's high and low 32 bits are pg_locks' classid and objid.
      const found = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
        [key],
      );
      expect(found.rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [found.rows[0]!.pid]);
    } finally {
      await admin.end();
    }

    await until(() => b.lock.isLeader, 5_000);
    expect(a.events[0]).toBe('acquire');
    expect(a.events[1]).toBe('lose');
    // `a` keeps trying, as a follower now; it does not take the lead back while `b` holds it.
    await sleep(RETRY_MS * 3);
    expect(a.lock.isLeader).toBe(false);
  });

  it('GIVEN a leader in another process WHEN that process is killed with SIGKILL THEN its session ends and this instance takes over', async () => {
    const key = freshKey();
    const holder = startChild('test/multi/leader-holder.ts', { LEADER_URL: url, LEADER_KEY: key });
    children.push(holder);
    await holder.waitFor('acquired', 20_000);
    const b = instance(key);
    b.start();
    await sleep(RETRY_MS * 3);
    expect(b.lock.isLeader).toBe(false);

    await holder.kill('SIGKILL');
    await until(() => b.lock.isLeader, 5_000);
    expect(b.events).toEqual(['acquire']);
  });
});
