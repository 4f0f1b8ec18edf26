// The neutral status message: what stage a job is in, in words, for every platform to render.
import { creditsText } from './costs.js';
import { displayTitle } from './input-name.js';
import { kindLabels, modeLabels } from './messages.js';
import type { StatusView } from './ports.js';
import { isTerminal } from './state-machine.js';
import type { Job, JobState } from './types.js';

// Stages named as a musician would say them, not as Kie's callbacks do ("text", "first").
const separationSteps: { state: JobState; label: string }[] = [
  { state: 'queued', label: 'Queued' },
  { state: 'submitted', label: 'Separating' },
  { state: 'complete', label: 'Done' },
];
const generationSteps: { state: JobState; label: string }[] = [
  { state: 'queued', label: 'Queued' },
  { state: 'submitted', label: 'Sent to Kie' },
  { state: 'text', label: 'Lyrics & arrangement' },
  { state: 'first', label: 'First take' },
  { state: 'complete', label: 'Done' },
];

// Follow-ups have one working stage, named for what Kie does.
const followUpSteps = (working: string): { state: JobState; label: string }[] => [
  { state: 'queued', label: 'Queued' },
  { state: 'submitted', label: working },
  { state: 'complete', label: 'Complete' },
];
const midiSteps = followUpSteps('Transcribing');
const wavSteps = followUpSteps('Converting');

const lines: Record<JobState, (job: Job) => string> = {
  queued: () => 'Queued — handing it to Kie…',
  submitted: (j) => (j.kind === 'separate' ? 'Kie is separating the audio…' : j.kind === 'midi' ? 'Kie is transcribing the notes…' : j.kind === 'wav' ? 'Kie is converting the take to WAV…' : 'Kie is working on it…'),
  text: () => 'Lyrics and arrangement ready — generating audio…',
  first: () => 'First take ready — finishing the rest…',
  complete: (j) => (j.kind === 'midi' ? 'Done — MIDI in the thread.' : j.kind === 'wav' ? 'Done — WAV in the thread.' : j.kind === 'separate' ? `Done — ${j.files.length} stem${j.files.length === 1 ? '' : 's'} in the thread.` : `Done — ${j.files.length} track${j.files.length === 1 ? '' : 's'} in the thread.`),
  failed: () => 'Failed — see the thread for what happened.',
  cancelled: (j) =>
    j.taskId
      ? `Cancelled by ${j.cancelledBy ?? 'someone'} — nothing will be delivered; Kie had already accepted it and may still charge it.`
      : `Cancelled by ${j.cancelledBy ?? 'someone'} before it reached Kie — nothing was spent.`,
};

/** Where a queued job stands in the line for Kie's submission window (see delivery/queue-refresher.ts). */
export interface QueuePlace {
  ahead: number;
  etaMs: number;
}

/**
 * The cost line. Kie charges at submission (docs/costs.md): a job with a task id has spent its cost, whatever
 * happened next; one that ended before Kie accepted it spent nothing.
 */
export function costLine(job: Job): string {
  if (job.state === 'complete') return `${creditsText(job.cost)} spent`;
  if (job.state === 'failed' || job.state === 'cancelled') return job.taskId ? `${creditsText(job.cost)} charged by Kie` : 'No credits spent';
  return `≈ ${creditsText(job.cost)}`;
}

function queued(job: Job, q: QueuePlace | undefined): string | undefined {
  if (job.state !== 'queued' || job.taskId || !q || q.ahead <= 0) return undefined;
  return `Queued — ${q.ahead} ahead of you (about ${Math.max(1, Math.ceil(q.etaMs / 1000))} s)`;
}

/** stembot stopped while sending the job to Kie and no task has come back: it may or may not have started. */
export const unconfirmed = (job: Job): boolean => job.state === 'queued' && !job.taskId && Boolean(job.submitUnconfirmedAt);
const unconfirmedLine = 'Not sure Kie got it — stembot stopped while submitting, so this job may or may not have started. If it did, the results will still arrive; “Submit again” in the thread retries (Kie may charge twice).';

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

function title(job: Job): string {
  const p = job.params;
  if (p.kind === 'separate') return `${kindLabels.separate} · ${p.mode === 'single' && p.stem ? p.stem : modeLabels[p.mode]}`;
  if (p.kind === 'midi') return `${kindLabels.midi} · “${displayTitle(p.title)}”${p.stemLabel ? ` (${p.stemLabel})` : ''}`;
  if (p.kind === 'wav') return `${kindLabels.wav} · “${displayTitle(p.title)}” take ${p.take}`;
  return `${kindLabels[p.kind]} · “${displayTitle(p.title)}”`;
}

export function statusView(job: Job, now: number, queue?: QueuePlace): StatusView {
  const steps = job.kind === 'separate' ? separationSteps : job.kind === 'midi' ? midiSteps : job.kind === 'wav' ? wavSteps : generationSteps;
  const order = steps.map((s) => s.state);
  // A skipped stage (complete without text) still counts as passed.
  const stopped = job.state === 'failed' || job.state === 'cancelled';
  const reached = stopped ? -1 : order.indexOf(job.state);
  const failedAt = stopped ? failedStep(job, order) : -1;
  const elapsedMs = (job.finishedAt ?? now) - job.createdAt;
  return {
    jobId: job.id,
    title: title(job),
    inputName: job.inputName,
    requester: { userId: job.userId, userName: job.userName },
    state: job.state,
    steps: steps.map((s, i) => ({
      label: s.label,
      state:
        stopped
          ? i < failedAt ? 'done' : i === failedAt ? 'failed' : 'todo'
          : i < reached || job.state === 'complete' ? 'done' : i === reached ? 'current' : 'todo',
    })),
    stageLine: `${unconfirmed(job) ? unconfirmedLine : (queued(job, queue) ?? lines[job.state](job))} (${formatElapsed(elapsedMs)})`,
    elapsedMs,
    costLine: costLine(job),
    actions: isTerminal(job.state) ? [] : [{ id: 'cancel', label: 'Cancel', jobId: job.id }],
  };
}

/**
 * The step a failed job failed at: the one it had reached (shown as "current" while it ran), or — when it
 * never left the queue — the hand-over to Kie that did not happen. Older rows do not record how far they got:
 * a Kie task id means Kie had it.
 */
function failedStep(job: Job, order: JobState[]): number {
  const reached = job.failure?.reached ?? (job.taskId ? 'submitted' : 'queued');
  const at = order.indexOf(reached);
  if (at < 0) return order.indexOf('submitted');
  return reached === 'queued' ? at + 1 : at;
}
