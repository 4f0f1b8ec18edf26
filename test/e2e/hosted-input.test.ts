// Kie deletes uploaded files after 3 days (docs/kie-api.md). A follow-up button reusing a job's input (its
// Kie-hosted copy, once submitted) hosts the original again when stembot still has it, or says plainly that
// the file is gone. The copy's age comes from `hostedAt`, recorded when it was made.
import { existsSync, rmSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../src/config.js';
import { describeFailure } from '../../src/core/messages.js';
import type { AudioInput, Job } from '../../src/core/types.js';
import { wavBytesFor } from '../../src/sim/index.js';
import { startStack, type Stack } from './harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

async function finished(jobId: string): Promise<Job> {
  return stack.waitFor(async () => {
    const job = await stack.bot.store.getJob(jobId);
    if (!job || (job.state !== 'complete' && job.state !== 'failed')) return undefined;
    return (await stack.bot.store.outboxDepth()) === 0 ? job : undefined;
  }, `job ${jobId}`);
}

async function press(jobId: string) {
  const r = await request(`${stack.base}/playground/api/actions`, {
    method: 'POST',
    headers: { cookie: stack.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ action: { id: 'split_stems', label: 'Split into 12 stems', jobId } }),
  });
  return { status: r.statusCode, body: (await r.body.json()) as { jobId?: string; code?: string; message?: string } };
}

/** Moves the recorded Kie copy `ageMs` into the past, as if that much time had gone by. */
async function age(job: Job, ageMs: number): Promise<void> {
  const input = job.input as Extract<AudioInput, { type: 'url' }>;
  await stack.bot.store.updateJob(job.id, { input: { ...input, hostedAt: Date.now() - ageMs } }, Date.now());
}

describe('a follow-up on an uploaded file', () => {
  it('GIVEN Kie’s copy is past its 3 days WHEN "Split into 12 stems" is pressed THEN the original is hosted again and the stems arrive; once the original is gone too, the answer says so', async () => {
    const song = wavBytesFor({ seed: 3, freqHz: 220, bytes: 30_000 });
    const form = new FormData();
    form.set('command', 'separate');
    form.set('mode', 'vocals');
    form.set('audio', new Blob([song], { type: 'audio/wav' }), 'Old Take.wav');
    const res = await fetch(`${stack.base}/playground/api/commands`, { method: 'POST', headers: { cookie: stack.cookie }, body: form });
    const first = await finished(((await res.json()) as { jobId: string }).jobId);
    expect(first.state).toBe('complete');
    // The recorded input is Kie's copy, with when it was made and where it came from.
    expect(first.input).toMatchObject({ type: 'url', name: 'Old Take.wav', hostedAt: expect.any(Number), original: { type: 'file', bytes: song.length } });
    const original = (first.input as Extract<AudioInput, { type: 'url' }>).original as { path: string };
    expect(existsSync(original.path)).toBe(true);

    // Still fresh: the follow-up reuses Kie's copy, no new upload.
    const uploads0 = stack.sim.control.uploads().length;
    const fresh = await press(first.id);
    expect(fresh.status).toBe(202);
    const freshJob = await finished(fresh.body.jobId!);
    expect(freshJob.state).toBe('complete');
    expect(stack.sim.control.uploads()).toHaveLength(uploads0);

    // Past Kie's retention: hosted again from the original.
    await age(first, defaults.kieUploadRetentionMs + 60_000);
    const again = await press(first.id);
    expect(again.status).toBe(202);
    const againJob = await finished(again.body.jobId!);
    expect(againJob.state).toBe('complete');
    expect(stack.sim.control.uploads()).toHaveLength(uploads0 + 1);
    expect(stack.sim.control.uploads().at(-1)!.bytes).toBe(song.length);
    expect((await stack.thread(againJob.id)).flatMap((m) => m.files)).toHaveLength(12);

    // Past the retention and the original deleted: a plain answer, no job, nothing sent to Kie.
    const before = { uploads: stack.sim.control.uploads().length, accepted: stack.sim.control.stats().accepted };
    rmSync(original.path, { force: true });
    await age(first, 4 * 24 * 60 * 60_000);
    const gone = await press(first.id);
    expect(gone.status).toBe(400);
    expect(gone.body).toEqual({ code: 'INPUT_EXPIRED', message: describeFailure('INPUT_EXPIRED') });
    expect(gone.body.message).toMatch(/3 days/);
    expect(gone.body.message).toMatch(/Attach the file again/);
    expect(stack.sim.control.uploads()).toHaveLength(before.uploads);
    expect(stack.sim.control.stats().accepted).toBe(before.accepted);
  });
});
