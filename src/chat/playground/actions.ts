// Button presses on playground messages. An Action carries all it needs (docs/conventions.md: it "still works
// after a restart"); split_stems without a track falls back to the job's own original input.
import { randomBytes } from 'node:crypto';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { JobsApi, SubmitRefusal } from '../../core/ports.js';
import { startFollowUp } from '../../core/follow-ups.js';
import { followUpInputName } from '../../core/input-name.js';
import type { AudioInput, Command, Job, Origin } from '../../core/types.js';
import { creditsText } from '../../core/costs.js';
import { safeFileName } from './safe-name.js';

export const actionBody = z.object({
  action: z.object({
    id: z.enum(['separate_track', 'split_stems', 'redeliver', 'cancel', 'midi', 'wav', 'resubmit']),
    label: z.string().max(200).optional(),
    jobId: z.string().min(1).max(200),
    taskId: z.string().min(1).max(200).optional(),
    audioId: z.string().min(1).max(200).optional(),
    take: z.number().int().min(1).max(10).optional(),
    /** `midi`: one stem (its audioId, key or label); absent = the whole separation. */
    stem: z.string().min(1).max(200).optional(),
  }),
});
export type ActionRequest = z.infer<typeof actionBody>['action'];

export type ActionOutcome =
  | { status: 202; body: { jobId?: string; ok: true; message?: string } }
  | { status: 400 | 404 | 429; body: { code: string; message: string } };

export async function runAction(action: ActionRequest, jobs: JobsApi, origin: Origin, uploadDir: string): Promise<ActionOutcome> {
  if (action.id === 'cancel') {
    // The playground's one local user started every job here and is its admin: they may cancel any of them.
    const job = await playgroundJob(jobs, action.jobId);
    if (!job) return { status: 404, body: { code: 'NOT_FOUND', message: notKnown } };
    const result = await jobs.cancel(job.id, { userId: origin.userId, userName: origin.userName });
    return result.ok ? { status: 202, body: { ok: true, message: result.message } } : { status: 400, body: { code: 'CANCEL_REFUSED', message: result.message } };
  }
  if (action.id === 'redeliver') {
    const result = await jobs.redeliver(action.jobId, origin.userId);
    return result.ok ? { status: 202, body: { ok: true } } : { status: 400, body: { code: 'REDELIVER_REFUSED', message: result.message } };
  }
  if (action.id === 'midi' || action.id === 'wav') {
    // MIDI of a separation / WAV of a take (src/core/follow-ups.ts); only the job's requester may ask.
    const r = await startFollowUp(jobs, action.id === 'midi' ? { kind: 'midi', jobId: action.jobId, ...(action.stem ? { stem: action.stem } : {}) } : { kind: 'wav', jobId: action.jobId, take: action.take ?? 1 }, origin);
    if (r.ok) return { status: 202, body: { ok: true, jobId: r.job.id } };
    return { status: refusalStatus(r), body: { code: r.code ?? 'FOLLOW_UP_REFUSED', message: r.message } };
  }
  if (action.id === 'resubmit') {
    // Only a playground job, and only for its requester (the core checks who asks).
    const job = await playgroundJob(jobs, action.jobId);
    if (!job) return { status: 404, body: { code: 'NOT_FOUND', message: notKnown } };
    const result = await jobs.resubmit(job.id, origin.userId);
    return result.ok ? { status: 202, body: { ok: true, jobId: job.id } } : { status: 400, body: { code: 'RESUBMIT_REFUSED', message: result.message } };
  }
  const found = await sourceOf(action, jobs, uploadDir);
  if (!found.ok) return found.outcome;
  const source = found.input;
  const mode = action.id === 'split_stems' ? 'stems' : 'vocals';
  const command: Command = { origin, input: source, params: { kind: 'separate', mode } };
  // A copied upload belongs to the new job only if the job exists; otherwise it is ours to delete.
  const discard = () => (source.type === 'file' ? rm(source.path, { force: true }) : Promise.resolve());
  try {
    const result = await jobs.submit(command);
    if (!result.ok) await discard();
    return submitOutcome(result);
  } catch (err) {
    await discard();
    throw err;
  }
}

const notKnown = 'That job is not known here any more.';

/** The job a button names, when it is one of the playground's (the id comes from the page: never trusted). */
async function playgroundJob(jobs: JobsApi, jobId: string): Promise<Job | undefined> {
  const job = await jobs.get(jobId);
  return job?.platform === 'playground' ? job : undefined;
}

type Source = { ok: true; input: AudioInput } | { ok: false; outcome: { status: 400 | 404; body: { code: string; message: string } } };
const refuse = (status: 400 | 404, code: string, message: string): Source => ({ ok: false, outcome: { status, body: { code, message } } });

async function sourceOf(action: ActionRequest, jobs: JobsApi, uploadDir: string): Promise<Source> {
  // The job the button belongs to names the new job's input (the song's title, not a Kie id).
  const job = await playgroundJob(jobs, action.jobId);
  if (!job) return refuse(404, 'NOT_FOUND', notKnown);
  if (action.id === 'separate_track') {
    // As on Slack and Discord: the track must be one this job produced, and Kie's task is the job's own,
    // whatever the request says.
    const file = action.audioId ? job.files.find((f) => f.audioId === action.audioId) : undefined;
    if (!file?.audioId || !job.taskId || job.params.kind === 'separate') return refuse(400, 'INPUT_INVALID', 'That track is not part of this job.');
    return { ok: true, input: { type: 'kie_track', taskId: job.taskId, audioId: file.audioId, name: followUpInputName(job, file.audioId) } };
  }
  if (job.input.type !== 'file') return { ok: true, input: { ...job.input, name: followUpInputName(job) } };
  // The new job will own (and delete) its input, so it gets its own copy of the original upload.
  const copy = join(uploadDir, `${randomBytes(8).toString('hex')}-${safeFileName(job.input.name, 'upload')}`);
  try {
    await copyFile(job.input.path, copy);
  } catch {
    return refuse(400, 'INPUT_UNREADABLE', 'The original upload is gone. Attach the file again with /separate.');
  }
  return { ok: true, input: { ...job.input, path: copy, name: followUpInputName(job) } };
}

/** The HTTP answer to `jobs.submit`: accepted, or refused with the core's sentence. */
export function submitOutcome(result: Awaited<ReturnType<JobsApi['submit']>>): ActionOutcome & { status: 202 | 400 | 429 } {
  if (result.ok) return { status: 202, body: { ok: true, jobId: result.job.id, message: `Started job ${result.job.id} — it costs ≈ ${creditsText(result.job.cost)}. Follow it in the status card above.` } };
  return { status: refusalStatus(result), body: { code: result.code, message: result.message } };
}

function refusalStatus(refusal: { code?: SubmitRefusal['code'] }): 400 | 429 {
  return refusal.code === 'USER_CAP' || refusal.code === 'WORKSPACE_CAP' || refusal.code === 'KIE_RATE_LIMITED' ? 429 : 400;
}
