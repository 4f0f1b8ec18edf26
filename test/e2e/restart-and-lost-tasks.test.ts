// Jobs finish or fail after a restart: in demo mode the simulator keeps its tasks in the data folder, so a
// job submitted before stembot stopped completes after it starts again; and a task Kie no longer knows
// (record-info "Task not found") fails with a notice after a short grace instead of being polled for hours,
// which also frees the person's running-jobs cap. The cap refusal names the running jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { describeFailure } from '../../src/core/messages.js';
import type { PlaygroundMessage } from '../../src/chat/playground/message.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { startStack, type Stack } from './harness.js';
import { freePort } from '../multi/processes.js';
import { sleep, waitFor } from '../support/wait.js';

describe('demo mode across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stembot-demo-restart-'));
  let bot: Stembot | undefined;
  afterAll(async () => {
    await bot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('GIVEN a job submitted to the built-in simulator WHEN stembot stops before it finishes and starts again THEN its stems arrive and the status says complete', async () => {
    const port = await freePort();
    // Demo mode: no KIE_API_KEY. The same database and data folder both times.
    const env = { DATABASE_URL: `sqlite:${join(dataDir, 'stembot.db')}`, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const loaded = loadConfig(env, { outboxTickMs: 20, outboxBaseDelayMs: 20, outboxMaxDelayMs: 200, pollTickMs: 50 });
    if (!loaded.ok) throw new Error(loaded.message);
    const boot = async () => {
      bot = await createStembot(loaded.config, { logger: createLogger('silent'), collectDefaultMetrics: false });
      return bot.start(port, '127.0.0.1');
    };
    let base = await boot();
    const messages = async () => {
      const r = await request(`${base}/playground/api/messages`);
      return ((await r.body.json()) as { messages: PlaygroundMessage[] }).messages;
    };

    // The separation completes 1.5 s after submission: stembot is down by then.
    bot!.sim!.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 1_500 }] });
    const res = await request(`${base}/playground/api/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ command: 'separate', url: 'https://music.example.com/restart.mp3', mode: 'vocals' }),
    });
    const { jobId } = (await res.body.json()) as { jobId: string };
    await waitFor('the submission', async () => (await bot!.store.getJob(jobId))?.taskId, 20_000);
    await bot!.stop();
    bot = undefined;
    await sleep(1_800);

    base = await boot();
    const files = await waitFor('the stems after the restart', async () => {
      const f = (await messages()).filter((m) => m.jobId === jobId && m.kind === 'message').flatMap((m) => m.files);
      return f.length === 2 ? f : undefined;
    }, 20_000);
    expect(files.map((f) => f.name)).toEqual(['restart - Vocals.wav', 'restart - Instrumental.wav']);
    const status = await waitFor('the complete status', async () => {
      const s = (await messages()).find((m) => m.jobId === jobId && m.kind === 'status');
      return s?.status?.state === 'complete' ? s : undefined;
    }, 20_000);
    expect(status.status?.state).toBe('complete');
    expect((await bot!.store.getJob(jobId))?.state).toBe('complete');
  });
});

describe('a task Kie no longer knows', () => {
  let stack: Stack;
  afterAll(async () => stack?.close());

  it('GIVEN the cap of one is taken THEN the refusal lists the running job; WHEN Kie forgets the task THEN after the grace the job fails with a notice and the cap is free again', async () => {
    stack = await startStack({ tuning: { maxActivePerUser: 1, pollIntervalMs: 100, callbackGraceMs: 50, taskNotFoundGraceMs: 600 } });
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
    const first = await stack.submit({ command: 'separate', url: 'https://music.example.com/forgotten.mp3', mode: 'stems' });
    const job = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(first.body.jobId!);
      return j?.taskId ? j : undefined;
    }, 'the submission');

    const refused = await stack.submit({ command: 'separate', url: 'https://music.example.com/second.mp3', mode: 'vocals' });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('USER_CAP');
    expect(refused.body.message).toBe(
      [
        describeFailure('USER_CAP'),
        'Your running jobs:',
        `• \`${job.id}\` — Stem separation (up to 12 stems) of forgotten.mp3 — working at Kie`,
        'See them with `/jobs`, or one with `/job <id>`.',
      ].join('\n'),
    );

    // Kie loses the task (a restart without its records, or its retention ended): record-info answers
    // {code: 404, msg: "Task not found: …"}.
    const submittedAt = job.submittedAt!;
    stack.sim.control.reset();
    const failed = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(job.id);
      return j?.state === 'failed' ? j : undefined;
    }, 'the job to fail', 10_000);
    expect(failed.failure).toMatchObject({ code: 'KIE_TASK_NOT_FOUND' });
    // Not before the grace: a task just submitted may not be readable yet.
    expect(failed.finishedAt! - submittedAt).toBeGreaterThanOrEqual(600);
    const notice = await stack.waitFor(async () => (await stack.thread(job.id)).find((m) => m.mention), 'the notice');
    expect(notice.text).toContain(describeFailure('KIE_TASK_NOT_FOUND').slice(0, 60));
    expect((await stack.status(job.id))?.status?.state).toBe('failed');

    const again = await stack.submit({ command: 'separate', url: 'https://music.example.com/second.mp3', mode: 'vocals' });
    expect(again.status).toBe(202);
    expect(again.body.jobId).toBeTruthy();
  });
});
