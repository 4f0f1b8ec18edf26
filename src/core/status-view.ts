// The neutral status message: what stage a job is in, in words, for every platform to render.
import { kindLabels, modeLabels } from './messages.js';
import type { StatusView } from './ports.js';
import type { Job, JobState } from './types.js';

const separationSteps: { state: JobState; label: string }[] = [
  { state: 'queued', label: 'Queued' },
  { state: 'submitted', label: 'Separating' },
  { state: 'complete', label: 'Complete' },
];
const generationSteps: { state: JobState; label: string }[] = [
  { state: 'queued', label: 'Queued' },
  { state: 'submitted', label: 'Submitted' },
  { state: 'text', label: 'Text' },
  { state: 'first', label: 'First take' },
  { state: 'complete', label: 'Complete' },
];

const lines: Record<JobState, (job: Job) => string> = {
  queued: () => 'Queued — handing it to Kie…',
  submitted: (j) => (j.kind === 'separate' ? 'Kie is separating the audio…' : 'Kie is working on it…'),
  text: () => 'Lyrics and arrangement ready — generating audio…',
  first: () => 'First take ready — finishing the rest…',
  complete: (j) => (j.kind === 'separate' ? `Done — ${j.files.length} stem${j.files.length === 1 ? '' : 's'} in the thread.` : `Done — ${j.files.length} track${j.files.length === 1 ? '' : 's'} in the thread.`),
  failed: () => 'Failed — see the thread for what happened.',
};

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
  return `${kindLabels[p.kind]} · “${p.title}”`;
}

export function statusView(job: Job, now: number): StatusView {
  const steps = job.kind === 'separate' ? separationSteps : generationSteps;
  const order = steps.map((s) => s.state);
  // A skipped stage (complete without text) still counts as passed.
  const reached = job.state === 'failed' ? -1 : order.indexOf(job.state);
  const failedAt = job.state === 'failed' ? Math.max(0, order.indexOf(job.taskId ? 'submitted' : 'queued')) : -1;
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
        job.state === 'failed'
          ? i < failedAt ? 'done' : i === failedAt ? 'failed' : 'todo'
          : i < reached || job.state === 'complete' ? 'done' : i === reached ? 'current' : 'todo',
    })),
    stageLine: `${unconfirmed(job) ? unconfirmedLine : lines[job.state](job)} (${formatElapsed(elapsedMs)})`,
    elapsedMs,
  };
}
