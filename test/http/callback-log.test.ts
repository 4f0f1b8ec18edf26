// What the callback route writes to the log: at Kie's volume no line per request, even at debug; the lines it
// does write (a task adopted from a callback) carry the job id; and an operator's quieter level is kept.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { newCallbackToken, newJobId } from '../../src/core/ids.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { unreachableKie } from '../support/unreachable-kie.js';

const stubKie = unreachableKie();
const fixture = JSON.parse(readFileSync(new URL('../fixtures/kie/separation-current-split-stem.json', import.meta.url), 'utf8')) as { data: object };

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function start(level: string): Promise<{ bot: Stembot; lines: Record<string, unknown>[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'stembot-cblog-'));
  const env = { KIE_API_KEY: 'k', DATABASE_URL: `sqlite:${join(dir, 'stembot.db')}`, DATA_DIR: dir, LOG_LEVEL: level };
  const loaded = loadConfig(env, { shedEventLoopDelayMs: 0 });
  if (!loaded.ok) throw new Error(loaded.message);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const bot = await createStembot(loaded.config, { kie: stubKie, worker: false, logger: createLogger(level, sink), collectDefaultMetrics: false, env });
  await bot.app.ready();
  cleanup = async () => {
    await bot.stop();
    await rm(dir, { recursive: true, force: true });
  };
  return { bot, lines };
}

/** A job whose submission reached Kie but whose answer was never recorded: it has no task yet. */
async function jobWithoutTask(bot: Stembot) {
  return bot.store.createJob(
    {
      id: newJobId(), platform: 'discord', workspaceId: 'g1', channelId: 'c1', userId: 'u1', userName: 'log', originMeta: {},
      kind: 'separate', params: { kind: 'separate', mode: 'stems' }, input: { type: 'url', url: 'https://audio.example/song.mp3', name: 'song.mp3' },
      inputName: 'song.mp3', callbackToken: newCallbackToken(), createdAt: Date.now(),
    },
    [],
  );
}

const post = (bot: Stembot, token: string, taskId: string) =>
  bot.app.inject({ method: 'POST', url: `/callbacks/kie/${token}`, payload: JSON.stringify({ ...fixture, data: { ...fixture.data, task_id: taskId } }), headers: { 'content-type': 'application/json' } });

describe('callback route logging', () => {
  it('GIVEN LOG_LEVEL debug WHEN a callback adopts a task and a repeat follows THEN one warn line names the job and the task, and no request line is written for either', async () => {
    const { bot, lines } = await start('debug');
    const job = await jobWithoutTask(bot);
    const before = lines.length;
    expect((await post(bot, job.callbackToken, 'task-adopted-1')).json()).toEqual({ status: 'received', applied: true });
    expect((await post(bot, job.callbackToken, 'task-adopted-1')).json()).toEqual({ status: 'received', applied: false });
    const written = lines.slice(before);
    expect(written.filter((l) => l.route === 'kie-callback')).toEqual([
      expect.objectContaining({ level: 40, jobId: job.id, taskId: 'task-adopted-1', msg: expect.stringContaining('task adopted') }),
    ]);
    expect(written.filter((l) => /request/.test(String(l.msg)))).toEqual([]);
    // The callback's secret token appears in no line.
    expect(JSON.stringify(written)).not.toContain(job.callbackToken);
  });

  it('GIVEN LOG_LEVEL error WHEN a callback adopts a task THEN the warn line is not written (the route does not raise a quieter level)', async () => {
    const { bot, lines } = await start('error');
    const job = await jobWithoutTask(bot);
    expect((await post(bot, job.callbackToken, 'task-adopted-2')).json()).toEqual({ status: 'received', applied: true });
    expect(lines.filter((l) => l.route === 'kie-callback')).toEqual([]);
  });
});
