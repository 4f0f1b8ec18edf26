// Failures reach the thread in words a musician understands; polling recovers what callbacks lose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import type { FailureCode, Job } from '../../src/core/types.js';
import { startStack, type Stack } from './harness.js';

async function settledJob(stack: Stack, jobId: string): Promise<Job> {
  return stack.waitFor(async () => {
    const job = await stack.bot.store.getJob(jobId);
    if (!job || (job.state !== 'complete' && job.state !== 'failed')) return undefined;
    return (await stack.bot.store.outboxDepth()) === 0 ? job : undefined;
  }, `job ${jobId} to settle`);
}

describe('failure notices', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  const table: [number, FailureCode][] = [
    [400, 'KIE_CONTENT_VIOLATION'], // the simulator's 400 message names a content violation
    [401, 'KIE_UNAUTHORIZED'],
    [402, 'KIE_INSUFFICIENT_CREDITS'],
    [413, 'KIE_TOO_LONG'],
    [429, 'KIE_INSUFFICIENT_CREDITS'], // in a callback, Kie's 429 means credits (add-vocals docs)
    [451, 'KIE_SOURCE_DOWNLOAD_FAILED'],
    [455, 'KIE_MAINTENANCE'],
    [500, 'KIE_SERVER_ERROR'],
  ];

  it.each(table)('GIVEN Kie fails with %i WHEN the callback arrives THEN the thread explains it (%s) and mentions the requester', async (kieCode, code) => {
    stack.sim.control.scriptNext(`fail-${kieCode}` as never);
    const r = await stack.submit({ command: 'add-vocals', url: 'https://music.example.com/song.mp3', prompt: 'p', style: 'Folk', title: `Fail ${kieCode}` });
    const job = await settledJob(stack, r.body.jobId!);
    expect(job.state).toBe('failed');
    expect(job.failure).toMatchObject({ code, kieCode });
    const thread = await stack.thread(job.id);
    expect(thread).toHaveLength(1);
    expect(thread[0]!.text).toContain(describeFailure(code));
    expect(thread[0]!.text).toMatch(/^\*\*Add vocals failed\*\* for song\.mp3\./);
    expect(thread[0]!.mention).toEqual({ userId: 'playground-user', userName: 'You' });
    expect((await stack.status(job.id))?.status?.state).toBe('failed');
  });

  it('GIVEN an account without credits WHEN Kie refuses the submission THEN the notice says so and nothing is retried', async () => {
    stack.sim.control.setCredits(0);
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/broke.mp3', mode: 'stems' });
    const job = await settledJob(stack, r.body.jobId!);
    stack.sim.control.setCredits(10_000);
    expect(job.taskId).toBeNull();
    expect(job.failure?.code).toBe('KIE_INSUFFICIENT_CREDITS');
    const [notice] = await stack.thread(job.id);
    expect(notice?.text).toContain('Kie says the account is out of credits — ask an admin to top up');
  });
});

describe('polling', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tuning: { pollIntervalMs: 150, callbackGraceMs: 150, pollMaxAgeMs: 4_000 } });
  });
  afterAll(async () => stack?.close());

  it('GIVEN every callback is lost WHEN polling reads record-info THEN the job completes and delivers once', async () => {
    stack.sim.control.scriptNext('lost-callback');
    const r = await stack.submit({ command: 'add-instrumental', url: 'https://music.example.com/quiet.mp3', tags: 'ambient', title: 'Quiet' });
    const job = await settledJob(stack, r.body.jobId!);
    expect(job.state).toBe('complete');
    expect(stack.sim.control.callbacks().filter((c) => c.taskId === job.taskId && c.status === 200)).toEqual([]);
    const files = (await stack.thread(job.id)).flatMap((m) => m.files.map((f) => f.name));
    expect(files).toEqual(['Quiet - Take 1.wav', 'Quiet - Take 2.wav']);
  });

  it('GIVEN Kie never finishes WHEN the maximum age passes THEN polling gives up with a clear notice', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/forever.mp3', mode: 'vocals' });
    const job = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(r.body.jobId!);
      return j?.state === 'failed' && (await stack.bot.store.outboxDepth()) === 0 ? j : undefined;
    }, 'the poller to give up', 20_000);
    expect(job.failure?.code).toBe('POLL_GAVE_UP');
    const [notice] = await stack.thread(job.id);
    expect(notice?.text).toContain(describeFailure('POLL_GAVE_UP'));
  });
});
