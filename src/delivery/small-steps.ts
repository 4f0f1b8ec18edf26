// The small outbox steps: open the conversation, submit to Kie, keep the status message current, and
// explain a failure. `deliver` has its own file.
import { rm } from 'node:fs/promises';
import { isAudioUrlRefusal, rememberAudioUrlRefusal } from '../core/audio-url-refusal.js';
import { hostedInput } from '../core/hosted-input.js';
import { describeFailure, kindLabels } from '../core/messages.js';
import type { ChatPort, JobStore, KiePort, KieSource } from '../core/ports.js';
import { statusView, unconfirmed } from '../core/status-view.js';
import type { FailureCode, Job, JobEvent, Result } from '../core/types.js';
import type { Logger } from '../ops/logger.js';
import type { DownloadCredentials } from './credentials.js';
import type { Downloader } from './downloader.js';
import { chatFail, type StepResult } from './step-result.js';

export interface StepDeps {
  store: JobStore;
  kie: KiePort;
  downloader: Downloader;
  /** Adds a platform's credential to a download of its own files (registered by the adapters); none when absent. */
  credentials?: DownloadCredentials;
  now: () => number;
  callbackUrlFor: (token: string) => string;
  /** When to poll first after submission (later when callbacks are expected). */
  firstPollDelayMs: number;
  maxInputBytes: number;
  /** How long Kie's refusal of `audioUrl` is remembered (core/audio-url-refusal.ts); 0 or unset: not at all. */
  audioUrlRefusalMemoryMs?: number;
  ingest: (job: Job, event: JobEvent) => Promise<unknown>;
  /** Failure details (addresses, network errors) go here; chat gets the plain sentence only. */
  log?: Pick<Logger, 'info'>;
  /** Kie accepted the job (and charged it): metrics and the low-balance check. Must not throw. */
  afterSubmit?: (job: Job) => void;
}

export async function openConversation(d: StepDeps, chat: ChatPort, job: Job): Promise<StepResult> {
  let messageId = job.statusMessageId;
  if (!messageId) {
    const r = await chat.postStatus(job, statusView(job, d.now()));
    if (!r.ok) return chatFail(r);
    messageId = r.value.messageId;
    await d.store.updateJob(job.id, { statusMessageId: messageId }, d.now());
  }
  if (job.threadId !== null) return { ok: true };
  const name = `${kindLabels[job.kind]}: ${job.inputName}`.slice(0, 100);
  const t = await chat.openThread(job, messageId, name);
  if (t.ok) {
    await d.store.updateJob(job.id, { threadId: t.value.threadId }, d.now());
    return { ok: true };
  }
  if (t.code === 'RATE_LIMITED' || t.code === 'TRANSIENT') return chatFail(t);
  // No thread possible (permission, forum channel): reply in the channel, and say so once.
  await d.store.updateJob(job.id, { threadId: '' }, d.now());
  const note = await chat.post(job, null, { text: 'I could not open a thread here, so results for this job will arrive in this channel.' }, `${job.id}:nothread`);
  return note.ok ? { ok: true } : chatFail(note);
}

export async function refreshStatus(d: StepDeps, chat: ChatPort, job: Job): Promise<StepResult> {
  const view = statusView(job, d.now());
  if (job.statusMessageId) {
    const r = await chat.editStatus(job, job.statusMessageId, view);
    return r.ok ? { ok: true } : chatFail(r);
  }
  const r = await chat.postStatus(job, view);
  if (!r.ok) return chatFail(r);
  await d.store.updateJob(job.id, { statusMessageId: r.value.messageId }, d.now());
  return { ok: true };
}

/** The thread notice of an unconfirmed submission, with the "Submit again" button; nothing once that no longer applies. */
export async function notifyUnconfirmed(d: StepDeps, chat: ChatPort, job: Job): Promise<StepResult> {
  if (!unconfirmed(job)) return { ok: true };
  const text =
    `**Not sure Kie got this job.** stembot stopped while sending ${job.inputName} to Kie and has no answer, so it may or may not have started. ` +
    'If it did, the results will arrive here by themselves. If nothing comes, press **Submit again** — Kie cannot recognise a repeat, so if the first one did start you may be charged twice.';
  const message = { text, mention: true, actions: [{ id: 'resubmit' as const, label: 'Submit again (may charge twice)', jobId: job.id }] };
  const r = await chat.post(job, job.threadId || null, message, `${job.id}:unconfirmed:${job.submitUnconfirmedAt}`);
  return r.ok ? { ok: true } : chatFail(r);
}

export async function notifyFailure(d: StepDeps, chat: ChatPort, job: Job): Promise<StepResult> {
  const f = job.failure;
  if (f?.detail) d.log?.info({ jobId: job.id, code: f.code, detail: f.detail }, 'job failed');
  const text = `**${kindLabels[job.kind]} failed** for ${job.inputName}. ${f ? describeFailure(f.code, f.detail, job.kind) : 'Something went wrong.'}`;
  const r = await chat.post(job, job.threadId || null, { text, mention: true }, `${job.id}:failure`);
  return r.ok ? { ok: true } : chatFail(r);
}

// Kie failures that may pass on their own: retried with backoff before the job is failed.
const transientKie = new Set<FailureCode>(['KIE_UNREACHABLE', 'KIE_RATE_LIMITED', 'KIE_SERVER_ERROR', 'KIE_MAINTENANCE', 'KIE_BAD_RESPONSE', 'UPLOAD_FAILED']);

async function sourceFor(d: StepDeps, job: Job): Promise<{ ok: true; source: KieSource } | { ok: false; code: FailureCode; detail?: string }> {
  const input = job.input;
  if (input.type === 'url') return { ok: true, source: { audioUrl: input.url } };
  if (input.type === 'kie_track') {
    const p = job.params;
    if (p.kind === 'midi' && p.stemKey && !input.audioId) return stemSource(d, job, input.taskId, p.stemKey);
    return { ok: true, source: { taskId: input.taskId, audioId: input.audioId } };
  }
  let local = { path: input.type === 'file' ? input.path : '', cleanup: async () => {} };
  if (input.type === 'private_url') {
    // The credential is looked up now, for this URL's origin only; any `authHeader` an old row still holds is ignored.
    const cred = d.credentials?.forDownload(input.provider, input.url) ?? (input.provider === undefined ? { ok: true } : { ok: false, reason: 'no credential providers' });
    if (!cred.ok) return { ok: false, code: 'INPUT_BLOCKED', detail: cred.reason };
    const got = await d.downloader.download(input.url, { maxBytes: d.maxInputBytes, ...(cred.headers ? { headers: cred.headers } : {}) });
    if (!got.ok) return { ok: false, code: got.code === 'TOO_LARGE' ? 'INPUT_TOO_LARGE' : got.code === 'BLOCKED' ? 'INPUT_BLOCKED' : 'UPLOAD_FAILED', detail: got.detail };
    local = got.value;
  }
  try {
    const up = await d.kie.uploadFile({ path: local.path, name: input.name, ...(input.type === 'file' && input.mimeType ? { mimeType: input.mimeType } : {}) });
    if (!up.ok) return { ok: false, code: up.code === 'KIE_UNREACHABLE' ? 'UPLOAD_FAILED' : up.code, detail: up.detail };
    // Remember the hosted copy so a retried submission does not upload again.
    await d.store.updateJob(job.id, { input: hostedInput(input, up.value.downloadUrl, d.now()) }, d.now());
    // Kie has its own copy, and a retried submission now uses it: the upload on our disk is no longer needed.
    await discardLocalInput(input);
    return { ok: true, source: { audioUrl: up.value.downloadUrl } };
  } finally {
    await local.cleanup();
  }
}

/** A playground upload (`file` input) is stembot's own file: removed once Kie holds a copy or the job has ended. */
async function discardLocalInput(input: Job['input']): Promise<void> {
  if (input.type === 'file') await rm(input.path, { force: true });
}

/**
 * One stem's MIDI when the separation finished by callback: Kie's callback names no track ids, its record-info
 * does (originData[].id), so read it once and remember the id on the job's input.
 */
async function stemSource(d: StepDeps, job: Job, taskId: string, stemKey: string): Promise<{ ok: true; source: KieSource } | { ok: false; code: FailureCode; detail?: string }> {
  const r = await d.kie.poll('separate', taskId);
  if (!r.ok) return r;
  const file = r.value && r.value.stage === 'complete' ? r.value.files.find((f) => f.key === stemKey && f.audioId) : undefined;
  if (!file?.audioId) return { ok: false, code: 'INPUT_INVALID', detail: 'Kie no longer names the separated tracks of that job; ask for the MIDI of all of it instead' };
  if (job.input.type === 'kie_track') await d.store.updateJob(job.id, { input: { ...job.input, audioId: file.audioId } }, d.now());
  return { ok: true, source: { taskId, audioId: file.audioId } };
}

/**
 * Failures after which Kie certainly did not take the job: an answer that refuses (429, 5xx, maintenance, bad
 * parameters…), or no connection at all. No answer in time, a connection lost mid-way, or an answer stembot could
 * not read may each hide an accepted — and charged — job.
 */
function certainlyNotAccepted(r: { code: FailureCode; detail?: string }): boolean {
  if (r.code === 'KIE_BAD_RESPONSE') return false;
  if (r.code !== 'KIE_UNREACHABLE') return true;
  return /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b|Kie client is closed/.test(r.detail ?? '');
}

/**
 * An earlier attempt began sending this job to Kie and never recorded an answer (stembot died in the round trip,
 * or the answer was lost). Kie has no idempotency key, so stembot does not send it again on its own: the status
 * says so and the requester gets a "Submit again" button; a callback that brings the task still completes the job.
 */
async function stopUnconfirmed(d: StepDeps, job: Job, detail: string): Promise<StepResult> {
  await discardLocalInput(job.input);
  if (job.submitUnconfirmedAt) return { ok: true };
  const now = d.now();
  await d.store.updateJob(job.id, { submitUnconfirmedAt: now }, now);
  await d.store.enqueue(job.id, ['status', 'unconfirmed'], now);
  d.log?.info({ jobId: job.id, detail }, 'submission outcome unknown: not submitting again without the requester');
  return { ok: true };
}

export async function submitToKie(d: StepDeps, job: Job, lastAttempt: boolean): Promise<StepResult> {
  if (job.taskId || job.state !== 'queued') {
    // Submitted already, or ended before submission (its conversation could not be opened): no step needs the upload.
    await discardLocalInput(job.input);
    return { ok: true };
  }
  if (job.submitStartedAt) return stopUnconfirmed(d, job, 'an earlier attempt was sent and never answered');
  const src = await sourceFor(d, job);
  const stillWanted = async () => (await d.store.getJob(job.id))?.state === 'queued';
  // Asked by the Kie port once the submission's turn has come, just before it is sent (every kind of job): a job
  // cancelled meanwhile — while its input was re-hosted, or while it waited for Kie's window — is never sent.
  let r: Result<{ taskId: string }>;
  let sent = false;
  if (src.ok) {
    // Durable before the request leaves (not while it waits for Kie's rate limit): a process that dies from
    // there until markSubmitted leaves this mark behind.
    const onSend = async () => {
      sent = true;
      await d.store.updateJob(job.id, { submitStartedAt: d.now() }, d.now());
    };
    r = await d.kie.submit(job.params, src.source, d.callbackUrlFor(job.callbackToken), { stillWanted, onSend });
  } else r = src;
  if (r.ok) {
    const now = d.now();
    const marked = await d.store.markSubmitted(job.id, r.value.taskId, now, now + d.firstPollDelayMs);
    if (marked.applied) d.afterSubmit?.(marked.job);
    // Cancelled while Kie was accepting it: it stays cancelled, but Kie has charged it, so its task is recorded
    // and its cost counts as spent (a job ended without a task id would release its budget reservation).
    else if (marked.job.state === 'cancelled' && !marked.job.taskId) await d.store.updateJob(job.id, { taskId: r.value.taskId }, now);
    return { ok: true };
  }
  // Cancelled while it waited for Kie's window: nothing was sent, nothing to report.
  if ((await d.store.getJob(job.id))?.state === 'cancelled') return { ok: true };
  if (sent) {
    if (!certainlyNotAccepted(r)) return stopUnconfirmed(d, job, `${r.code} ${r.detail ?? ''}`);
    await d.store.updateJob(job.id, { submitStartedAt: null }, d.now());
  }
  if (transientKie.has(r.code) && !lastAttempt) return { ok: false, retry: true, error: `kie: ${r.code}`, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) };
  let code = r.code;
  if (src.ok && 'audioUrl' in src.source && job.params.kind === 'separate' && isAudioUrlRefusal(r.code, r.detail)) {
    code = 'KIE_AUDIO_URL_REFUSED';
    if (d.audioUrlRefusalMemoryMs) await rememberAudioUrlRefusal(d.store, r.detail ?? '', d.now(), d.audioUrlRefusalMemoryMs);
  }
  await discardLocalInput(job.input);
  await d.ingest(job, { taskId: job.taskId ?? '', source: 'stembot', stage: 'failed', code, ...(r.detail ? { detail: r.detail } : {}) });
  return { ok: true };
}
