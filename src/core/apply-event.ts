// What an accepted event does to a job, computed once here so every JobStore applies it the same way.
import type { OutboxKind } from './ports.js';
import { transition } from './state-machine.js';
import type { Job, JobEvent, JobState } from './types.js';

export interface EventPlan {
  to: JobState;
  files: Job['files'];
  failure: Job['failure'];
  finishedAt: number | null;
  outbox: OutboxKind[];
}

export type EventDecision = { ok: true; plan: EventPlan } | { ok: false; reason: 'duplicate' | 'stale' | 'terminal' };

export function planEvent(job: Pick<Job, 'state' | 'files'>, event: JobEvent, now: number): EventDecision {
  const t = transition(job.state, event.stage);
  if (!t.ok) return t;
  if (event.stage === 'failed') {
    const failure = { code: event.code, reached: job.state, ...(event.kieCode !== undefined ? { kieCode: event.kieCode } : {}), ...(event.detail ? { detail: event.detail } : {}) };
    return { ok: true, plan: { to: 'failed', files: job.files, failure, finishedAt: now, outbox: ['status', 'notify_failure'] } };
  }
  if (event.stage === 'complete') {
    return { ok: true, plan: { to: 'complete', files: event.files, failure: null, finishedAt: now, outbox: ['status', 'deliver'] } };
  }
  // text / first: progress only; partial tracks are kept so the status can say "first take ready".
  const files = event.files.length > 0 ? event.files : job.files;
  return { ok: true, plan: { to: t.to, files, failure: null, finishedAt: null, outbox: ['status'] } };
}
