// Kie deletes uploaded files after 3 days (docs/kie-api.md). A follow-up button reusing a job's input (its
// Kie-hosted copy, once submitted) hosts the original again when stembot can still get it (a Slack file:
// test/slack/modal-and-shortcut.test.ts), or says plainly that the file is gone. A playground upload is deleted
// from disk as soon as Kie has its copy (nothing left on disk), so past the retention it is gone. The copy's age
// comes from `hostedAt`, recorded when it was made.
import { existsSync } from 'node:fs';
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
    headers: { cookie: stack.cookie, origin: stack.base, 'content-type': 'application/json' },
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
  it('GIVEN a playground upload WHEN "Split into 12 stems" is pressed while Kie’s copy lives THEN it is reused; once the copy is past its 3 days THEN the answer says plainly that the file is gone', async () => {
    const song = wavBytesFor({ seed: 3, freqHz: 220, bytes: 30_000 });
    const form = new FormData();
    form.set('command', 'separate');
    form.set('mode', 'vocals');
    form.set('audio', new Blob([song], { type: 'audio/wav' }), 'Old Take.wav');
    const res = await fetch(`${stack.base}/playground/api/commands`, { method: 'POST', headers: { cookie: stack.cookie, origin: stack.base }, body: form });
    const first = await finished(((await res.json()) as { jobId: string }).jobId);
    expect(first.state).toBe('complete');
    // The recorded input is Kie's copy, with when it was made and where it came from.
    expect(first.input).toMatchObject({ type: 'url', name: 'Old Take.wav', hostedAt: expect.any(Number), original: { type: 'file', bytes: song.length } });
    // Kie has its own copy, so the upload is no longer on stembot's disk.
    const original = (first.input as Extract<AudioInput, { type: 'url' }>).original as { path: string };
    expect(existsSync(original.path)).toBe(false);

    // Still fresh: the follow-up reuses Kie's copy, no new upload.
    const uploads0 = stack.sim.control.uploads().length;
    const fresh = await press(first.id);
    expect(fresh.status).toBe(202);
    const freshJob = await finished(fresh.body.jobId!);
    expect(freshJob.state).toBe('complete');
    expect(stack.sim.control.uploads()).toHaveLength(uploads0);
    expect((await stack.thread(freshJob.id)).flatMap((m) => m.files)).toHaveLength(12);

    // Past the retention, with the original gone: a plain answer, no job, nothing sent to Kie.
    const before = { uploads: stack.sim.control.uploads().length, accepted: stack.sim.control.stats().accepted };
    await age(first, defaults.kieUploadRetentionMs + 60_000);
    const gone = await press(first.id);
    expect(gone.status).toBe(400);
    expect(gone.body).toEqual({ code: 'INPUT_EXPIRED', message: describeFailure('INPUT_EXPIRED') });
    expect(gone.body.message).toMatch(/3 days/);
    expect(gone.body.message).toMatch(/Attach the file again/);
    expect(stack.sim.control.uploads()).toHaveLength(before.uploads);
    expect(stack.sim.control.stats().accepted).toBe(before.accepted);
  });
});
