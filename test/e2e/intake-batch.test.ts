// The callback route's one batched store call, through the real route (Fastify inject) on a real SQLite file,
// read back through a second connection that sees only what was committed: every 200 comes after its commit,
// a callback that fails inside a batch fails alone, and repeats are counted on the job instead of stored.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Tuning } from '../../src/config.js';
import { connect, type Socket } from 'node:net';
import { newCallbackToken, newJobId } from '../../src/core/ids.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { sleep } from '../support/wait.js';
import { unreachableKie } from '../support/unreachable-kie.js';

type LightResponse = { statusCode: number; json(): unknown };

const stubKie = unreachableKie();
const fixture = JSON.parse(readFileSync(new URL('../fixtures/kie/separation-current-split-stem.json', import.meta.url), 'utf8')) as { data: object };
const callback = (taskId: string) => JSON.stringify({ ...fixture, data: { ...fixture.data, task_id: taskId } });

interface Setup {
  bot: Stembot;
  jobs: { id: string; token: string; taskId: string }[];
  dbPath: string;
  /** A second connection: it sees only committed rows. */
  reader: Database.Database;
  post(token: string, taskId: string): Promise<LightResponse>;
}
let current: { setup: Setup; dir: string } | undefined;
afterEach(async () => {
  if (!current) return;
  current.setup.reader.close();
  await current.setup.bot.stop();
  await rm(current.dir, { recursive: true, force: true });
  current = undefined;
});

async function start(jobs: number, beforeReady?: (bot: Stembot, reader: () => Database.Database) => void, tuning: Partial<Tuning> = {}): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'stembot-batch-'));
  const dbPath = join(dir, 'stembot.db');
  const env = { KIE_API_KEY: 'k', DATABASE_URL: `sqlite:${dbPath}`, DATA_DIR: dir, LOG_LEVEL: 'silent' };
  const loaded = loadConfig(env, { maxActivePerUser: 0, maxActivePerWorkspace: 0, shedEventLoopDelayMs: 0, ...tuning });
  if (!loaded.ok) throw new Error(loaded.message);
  const bot = await createStembot(loaded.config, { kie: stubKie, worker: false, logger: createLogger('silent'), collectDefaultMetrics: false, env });
  const seeded: Setup['jobs'] = [];
  for (let i = 0; i < jobs; i++) {
    const job = await bot.store.createJob(
      {
        id: newJobId(), platform: 'discord', workspaceId: 'g1', channelId: 'c1', userId: `u${i}`, userName: 'batch', originMeta: {},
        kind: 'separate', params: { kind: 'separate', mode: 'stems' }, input: { type: 'url', url: 'https://audio.example/song.mp3', name: 'song.mp3' },
        inputName: 'song.mp3', callbackToken: newCallbackToken(), createdAt: Date.now(),
      },
      ['open', 'submit'],
    );
    const taskId = `task${String(i).padStart(28, '0')}`;
    await bot.store.markSubmitted(job.id, taskId, Date.now(), Date.now() + 3_600_000);
    seeded.push({ id: job.id, token: job.callbackToken, taskId });
  }
  let reader: Database.Database | undefined;
  const getReader = () => (reader ??= new Database(dbPath, { readonly: true }));
  beforeReady?.(bot, getReader);
  await bot.app.ready();
  const setup: Setup = {
    bot,
    jobs: seeded,
    dbPath,
    reader: getReader(),
    post: async (token, taskId) => await bot.app.inject({ method: 'POST', url: `/callbacks/kie/${token}`, payload: callback(taskId), headers: { 'content-type': 'application/json' } }),
  };
  current = { setup, dir };
  return setup;
}

/** A callback whose headers and first 100 bytes of body are sent, then nothing: received, not yet answered. */
async function holdMidBody(port: number, token: string, body: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(`POST /callbacks/kie/${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 100)}`);
  return socket;
}

type Row = { state: string; last_callback_at: number | null; repeat_count: number; last_repeat_at: number | null; events: number; outbox: number };
const rowSql = `SELECT state, last_callback_at, repeat_count, last_repeat_at,
  (SELECT COUNT(*) FROM job_events e WHERE e.job_id = jobs.id) AS events, (SELECT COUNT(*) FROM outbox o WHERE o.job_id = jobs.id) AS outbox
  FROM jobs WHERE callback_token = ?`;

describe('callback intake, one batched store call', () => {
  it('GIVEN 20 callbacks at once, then 20 repeats at once WHEN each is answered 200 THEN at that moment its work is already committed (seen from another connection)', async () => {
    const atReply = new Map<string, Row[]>();
    const s = await start(20, (bot, reader) => {
      // Runs just before the answer leaves: what a crash at that instant would leave on disk.
      bot.app.addHook('onSend', async (req, reply, payload) => {
        if (req.routeOptions.url === '/callbacks/kie/:token' && reply.statusCode === 200) {
          const token = (req.params as { token: string }).token;
          atReply.set(token, [...(atReply.get(token) ?? []), reader().prepare(rowSql).get(token) as Row]);
        }
        return payload;
      });
    });
    const first = await Promise.all(s.jobs.map((j) => s.post(j.token, j.taskId)));
    expect(first.map((r) => [r.statusCode, r.json()])).toEqual(s.jobs.map(() => [200, { status: 'received', applied: true }]));
    const repeats = await Promise.all(s.jobs.map((j) => s.post(j.token, j.taskId)));
    expect(repeats.map((r) => [r.statusCode, r.json()])).toEqual(s.jobs.map(() => [200, { status: 'received', applied: false }]));
    for (const j of s.jobs) {
      const [applied, repeat] = atReply.get(j.token)!;
      // complete applied: the event, and its status + deliver work next to open, submit and the submission's status.
      expect(applied).toMatchObject({ state: 'complete', repeat_count: 0, events: 1, outbox: 5 });
      expect(applied!.last_callback_at).not.toBeNull();
      expect(repeat).toMatchObject({ state: 'complete', repeat_count: 1, events: 1, outbox: 5 });
    }
  });

  it('GIVEN a repeated callback WHEN it comes twice more THEN the job counts 2 repeats and when the last came, with no event row and no work for them', async () => {
    const s = await start(1);
    const [j] = s.jobs;
    expect((await s.post(j!.token, j!.taskId)).json()).toEqual({ status: 'received', applied: true });
    const t0 = Date.now();
    expect((await s.post(j!.token, j!.taskId)).json()).toEqual({ status: 'received', applied: false });
    const t1 = Date.now();
    expect((await s.post(j!.token, j!.taskId)).json()).toEqual({ status: 'received', applied: false });
    const row = s.reader.prepare(rowSql).get(j!.token) as Row;
    expect(row).toMatchObject({ state: 'complete', repeat_count: 2, events: 1, outbox: 5 });
    expect(row.last_repeat_at).toBeGreaterThanOrEqual(t1);
    expect(row.last_repeat_at).toBeGreaterThanOrEqual(t0);
    expect(row.last_callback_at).toBe(row.last_repeat_at);
  });

  it('GIVEN 10 callbacks at once, one of which the database refuses WHEN taken in THEN its 9 neighbours are 200 and stored, and the bad one is refused and changed nothing', async () => {
    const s = await start(10);
    const bad = s.jobs[4]!;
    // A real SQLite failure in the LAST statement of one callback's work (its outbox rows, after its event and
    // job update), installed from another connection: only its savepoint can undo the statements before.
    const admin = new Database(s.dbPath);
    admin.exec(`CREATE TRIGGER injected_fault BEFORE INSERT ON outbox WHEN NEW.job_id = '${bad.id}' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    admin.close();
    const before = s.reader.prepare('SELECT * FROM jobs WHERE id = ?').get(bad.id);
    const badOutbox = (s.reader.prepare(rowSql).get(bad.token) as Row).outbox;
    const res = await Promise.all(s.jobs.map((j) => s.post(j.token, j.taskId)));
    for (const [i, j] of s.jobs.entries()) {
      if (j === bad) {
        expect(res[i]!.statusCode).toBe(500);
        expect(res[i]!.json()).toMatchObject({ error: 'internal' });
        expect(s.reader.prepare('SELECT * FROM jobs WHERE id = ?').get(bad.id)).toEqual(before);
        expect(s.reader.prepare(rowSql).get(j.token)).toMatchObject({ state: 'submitted', events: 0, outbox: badOutbox });
      } else {
        expect([res[i]!.statusCode, res[i]!.json()]).toEqual([200, { status: 'received', applied: true }]);
        expect(s.reader.prepare(rowSql).get(j.token)).toMatchObject({ state: 'complete', events: 1, outbox: 5 });
      }
    }
  });

  it('GIVEN the default tuning and 64 callbacks still sending their bodies WHEN a 65th arrives THEN it gets 503 + Retry-After; once one sender gives up, the next is taken', async () => {
    const s = await start(2);
    const base = await s.bot.start(0, '127.0.0.1');
    const { port } = new URL(base);
    const [job, next] = s.jobs;
    const body = callback(job!.taskId);
    const sockets = await Promise.all(Array.from({ length: 64 }, () => holdMidBody(Number(port), job!.token, body)));
    await sleep(200);
    const post = () => fetch(`${base}/callbacks/kie/${next!.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: callback(next!.taskId) });
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    sockets.pop()!.destroy();
    await sleep(100);
    expect((await post()).status).toBe(200);
    for (const socket of sockets) socket.destroy();
  });

  it('GIVEN maxCallbacksInFlight 1 and one callback still sending its body WHEN another arrives on a real port THEN it gets 503 + Retry-After and changes nothing; once the first sender gives up, callbacks are taken again', async () => {
    const s = await start(2, undefined, { maxCallbacksInFlight: 1, shedRetryAfterSec: 9 });
    const base = await s.bot.start(0, '127.0.0.1');
    const { port } = new URL(base);
    const [slow, next] = s.jobs;
    // Headers and half the body, then silence: received and not yet answered.
    const body = callback(slow!.taskId);
    const socket = await holdMidBody(Number(port), slow!.token, body);
    await sleep(100);
    const post = () => fetch(`${base}/callbacks/kie/${next!.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: callback(next!.taskId) });
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('9');
    expect(await refused.json()).toEqual({ error: 'overloaded', message: 'stembot is overloaded; retry in 9 s.' });
    expect(s.reader.prepare(rowSql).get(next!.token)).toMatchObject({ state: 'submitted', events: 0, last_callback_at: null });
    socket.destroy();
    await sleep(100);
    const taken = await post();
    expect([taken.status, await taken.json()]).toEqual([200, { status: 'received', applied: true }]);
  });
});
