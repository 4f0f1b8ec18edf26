// The `deliver` step: download every result file (guarded, streamed to temp files) and post them into the
// job's thread — attachments where they fit, links where they don't. Safe to run again: files recorded as
// delivered are skipped, and each batch's idempotency key is derived from its contents.
import type { Action, ChatPort, JobStore, LocalFile, OutgoingMessage } from '../core/ports.js';
import { missingStemsSentence } from '../core/expected-stems.js';
import { forPerson } from '../core/messages.js';
import type { DeliveredFile, Job, ResultFile } from '../core/types.js';
import { deliverMidi } from './deliver-midi.js';
import type { Logger } from '../ops/logger.js';
import type { Downloaded, Downloader } from './downloader.js';
import { extensionFor, fileNameFor, mimeFor, songTitle } from './naming.js';
import type { StepResult } from './step-result.js';

export interface DeliverDeps {
  store: JobStore;
  downloader: Downloader;
  now: () => number;
  maxStemBytes: number;
  downloadConcurrency: number;
  /** Where the downloader's refusal (which names addresses) goes: the log, never the chat. */
  log?: Pick<Logger, 'warn'>;
}

type Fetched =
  | { file: ResultFile; as: 'attachment'; local: Downloaded; name: string }
  | { file: ResultFile; as: 'link'; name: string; why: 'too_large' | 'unavailable' }
  | { file: ResultFile; as: 'skipped'; name: string; why: string };

const mib = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MiB`;

/**
 * Runs `fn` over `items`, at most `limit` at a time, and waits for every one to settle (a rejection does not
 * cut the others short: their results, and the temp files they hold, still reach the caller).
 */
async function mapLimitSettled<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      [out[i]] = await Promise.allSettled([fn(items[i]!)]);
    }
  };
  await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

function followUps(job: Job): Action[] {
  // A MIDI or WAV result is the end of the line.
  if (job.kind === 'midi' || job.kind === 'wav') return [];
  if (job.kind !== 'separate') {
    const tracks = job.files.filter((f) => f.audioId && job.taskId).slice(0, 4);
    const many = job.files.length > 1;
    return [
      ...tracks.map((f, i): Action => ({ id: 'separate_track', label: many ? `Separate stems (take ${i + 1})` : 'Separate stems', jobId: job.id, taskId: job.taskId!, audioId: f.audioId! })),
      // WAV of each take (docs/kie-midi-wav.md); the take number is the file's place in the job.
      ...tracks.map((f): Action => {
        const take = job.files.indexOf(f) + 1;
        return { id: 'wav', label: many ? `WAV (take ${take})` : 'WAV', jobId: job.id, audioId: f.audioId!, take };
      }),
    ];
  }
  // MIDI of the separation (docs/kie-midi-wav.md): one button; one stem's MIDI is `/midi` with a stem.
  const midi: Action = { id: 'midi', label: 'MIDI', jobId: job.id, ...(job.files.length > 1 ? { stems: job.files.map((f) => ({ key: f.key, label: f.label })) } : {}) };
  return job.params.kind === 'separate' && job.params.mode === 'vocals' ? [{ id: 'split_stems', label: 'Split into 12 stems', jobId: job.id }, midi] : [midi];
}

export async function deliver(deps: DeliverDeps, chat: ChatPort, job: Job, lastAttempt: boolean): Promise<StepResult> {
  if (job.kind === 'midi') return deliverMidi(deps, chat, job);
  const round = job.deliveryRound;
  const keyBase = `${job.id}:r${round}`;
  if (job.files.length === 0) {
    const r = await chat.post(job, job.threadId || null, { text: 'Kie finished, but it returned no audio files for this song.', mention: true }, `${keyBase}:empty`);
    return r.ok ? { ok: true } : { ok: false, retry: true, error: r.code, retryAfterMs: r.retryAfterMs };
  }
  const done = new Set(job.delivered.filter((d) => d.round === round).map((d) => d.key));
  const pending = job.files.filter((f) => !done.has(f.key));
  if (pending.length === 0) return { ok: true };

  const limits = chat.limits(job);
  const cap = Math.min(limits.maxFileBytes, deps.maxStemBytes);
  const settled = await mapLimitSettled(pending, deps.downloadConcurrency, async (file): Promise<Fetched> => {
    const r = await deps.downloader.download(file.url, { maxBytes: cap });
    if (r.ok) return { file, as: 'attachment', local: r.value, name: fileNameFor(job, file, extensionFor(file.url, r.value.contentType)) };
    const name = fileNameFor(job, file, extensionFor(file.url));
    if (r.code === 'TOO_LARGE') return { file, as: 'link', name, why: 'too_large' };
    if (r.code === 'BLOCKED') {
      deps.log?.warn({ jobId: job.id, file: file.key, detail: r.detail }, 'stem download refused by the address guard');
      return { file, as: 'skipped', name, why: r.detail ?? 'address not allowed' };
    }
    return { file, as: 'link', name, why: 'unavailable' };
  });
  // Every temp file is removed on every path: success, a retry, a failed post, or a download that threw.
  const fetched = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const thrown = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (thrown) return { ok: false, retry: true, error: `download failed: ${thrown.reason instanceof Error ? thrown.reason.message : String(thrown.reason)}` };
    // A download that failed for a passing reason is retried with the whole step, unless this is the last try.
    const transient = fetched.filter((f) => f.as === 'link' && f.why === 'unavailable');
    if (transient.length > 0 && !lastAttempt) return { ok: false, retry: true, error: `download failed: ${transient.map((f) => f.file.key).join(', ')}` };
    return await post(deps, chat, job, keyBase, fetched, limits.maxFilesPerMessage, cap, round);
  } finally {
    await Promise.allSettled(fetched.map((f) => (f.as === 'attachment' ? f.local.cleanup() : undefined)));
  }
}

async function post(deps: DeliverDeps, chat: ChatPort, job: Job, keyBase: string, fetched: Fetched[], perMessage: number, cap: number, round: number): Promise<StepResult> {
  const attachments = fetched.filter((f) => f.as === 'attachment');
  const rest = fetched.filter((f) => f.as !== 'attachment');
  const batches: (typeof attachments)[] = [];
  for (let i = 0; i < attachments.length; i += perMessage) batches.push(attachments.slice(i, i + perMessage));
  const actions = followUps(job);
  const total = job.files.length;
  const noun = job.kind === 'separate' ? 'stem' : job.kind === 'wav' ? 'WAV file' : 'track';
  // Parts Kie returned empty are not files, but people should know they were looked for.
  const missing = missingStemsSentence(job);
  const messages: { msg: OutgoingMessage; key: string; records: DeliveredFile[] }[] = batches.map((batch, i) => ({
    key: `${keyBase}:${batch.map((b) => b.file.key).join(',')}`,
    msg: {
      text:
        i === 0
          ? `**${songTitle(job)}** — ${total} ${noun}${total === 1 ? '' : 's'}${forPerson(job.userName)}${batches.length > 1 ? ` (part 1 of ${batches.length})` : ''}${missing ? `\n${missing}` : ''}`
          : `**${songTitle(job)}** — part ${i + 1} of ${batches.length}`,
      files: batch.map((b): LocalFile => ({ path: b.local.path, name: b.name, bytes: b.local.bytes, mimeType: mimeFor(b.name.split('.').pop()!) })),
    },
    records: batch.map((b) => ({ key: b.file.key, name: b.name, as: 'attachment', bytes: b.local.bytes, round })),
  }));
  if (rest.length > 0) {
    const links = rest.filter((f) => f.as === 'link').map((f) => ({ label: f.name, url: f.file.url }));
    const lines: string[] = batches.length === 0 && missing ? [missing] : [];
    if (rest.some((f) => f.as === 'link' && f.why === 'too_large')) lines.push(`Too large to attach here (limit ${mib(cap)}) — download ${links.length === 1 ? 'it' : 'them'} from Kie; links last about 14 days:`);
    if (rest.some((f) => f.as === 'link' && f.why === 'unavailable')) lines.push('stembot could not fetch some files after several tries; here are Kie’s links instead:');
    for (const s of rest) if (s.as === 'skipped') lines.push(`${s.name} could not be fetched from an allowed public address.`);
    messages.push({
      key: `${keyBase}:links:${rest.map((f) => f.file.key).join(',')}`,
      msg: { text: lines.join('\n'), links },
      records: rest.map((f) => ({ key: f.file.key, name: f.name, as: f.as === 'skipped' ? 'skipped' : 'link', round })),
    });
  }
  if (actions.length > 0 && messages.length > 0) messages[messages.length - 1]!.msg.actions = actions;
  for (const m of messages) {
    let r = await chat.post(job, job.threadId || null, m.msg, m.key);
    if (!r.ok && r.code === 'TOO_LARGE' && m.msg.files?.length) {
      // The platform refused what its own limit allowed (a server lost its boost, say): link them instead.
      const links = m.records.map((d) => ({ label: d.name, url: job.files.find((f) => f.key === d.key)!.url }));
      m.records = m.records.map((d) => ({ ...d, as: 'link' as const }));
      r = await chat.post(job, job.threadId || null, { text: 'These were too large to attach here — download them from Kie; links last about 14 days:', links, ...(m.msg.actions ? { actions: m.msg.actions } : {}) }, `${m.key}:links`);
    }
    if (!r.ok) return { ok: false, retry: r.code === 'RATE_LIMITED' || r.code === 'TRANSIENT', error: `chat: ${r.code}${r.detail ? ` ${r.detail}` : ''}`, retryAfterMs: r.retryAfterMs };
    await deps.store.addDelivered(job.id, m.records.map((d) => ({ ...d, messageId: r.value.messageId })), deps.now());
  }
  return { ok: true };
}
