// The refusal a person reads when they already have as many jobs running as allowed: which ones they are
// (id, what, state) and where to see them, so a job stuck somewhere can be found instead of guessed at.
import { describeFailure, kindLabels, modeLabels } from './messages.js';
import type { Job, JobState } from './types.js';

const stateWords: Record<JobState, string> = {
  queued: 'queued',
  submitted: 'working at Kie',
  text: 'lyrics ready',
  first: 'first take ready',
  complete: 'complete',
  failed: 'failed',
  cancelled: 'cancelled',
};

function what(job: Job): string {
  const p = job.params;
  const kind = p.kind === 'separate' ? `${kindLabels.separate} (${p.mode === 'single' && p.stem ? p.stem : modeLabels[p.mode]})` : kindLabels[p.kind];
  const name = job.inputName.length > 60 ? `${job.inputName.slice(0, 59)}…` : job.inputName;
  return `${kind} of ${name}`;
}

/** The USER_CAP sentence, then one line per running job, then where to look. At most `max` jobs are listed. */
export function userCapMessage(running: Job[], max = 10): string {
  const base = describeFailure('USER_CAP');
  if (running.length === 0) return base;
  const lines = running.slice(0, max).map((j) => `• \`${j.id}\` — ${what(j)} — ${stateWords[j.state]}`);
  if (running.length > max) lines.push(`• … and ${running.length - max} more`);
  return [base, 'Your running jobs:', ...lines, 'See them with `/jobs`, or one with `/job <id>`.'].join('\n');
}
