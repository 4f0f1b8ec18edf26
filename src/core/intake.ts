// What one Kie callback does to its job, decided once here so both stores apply it the same way inside
// their single intake call (JobStore.intakeCallback): refuse it, adopt the task, apply the event, keep
// an out-of-order one on record, or only count a repeat.
import { planEvent, type EventPlan } from './apply-event.js';
import { transition } from './state-machine.js';
import type { IntakeJobView } from './ports.js';
import type { JobEvent, JobKind, JobParams, JobState, ResultFile } from './types.js';

/** The columns of a job the intake reads (nothing else is loaded on the hot path). */
export interface IntakeRow {
  id: string;
  kind: JobKind;
  params: JobParams;
  state: JobState;
  taskId: string | null;
  files: ResultFile[];
}

export type IntakeDecision =
  /** The callback names another task than this job's, or the job was never submitted: 409, nothing written. */
  | { do: 'refuse'; code: 'task_mismatch' | 'not_submitted' }
  /**
   * The job was cancelled before its submission's answer was stored, and Kie accepted it after all: nothing is
   * applied, only the task is recorded (its cost counts as spent, docs/costs.md); the route answers 200.
   */
  | { do: 'record_task' }
  /**
   * A stage the job already has, or any callback on a finished job: Kie repeating itself. Only counted on
   * the job (how many, and when the last came) — no event row.
   */
  | { do: 'repeat'; event: JobEvent; reason: 'duplicate' | 'terminal' }
  /** An older stage arriving late on an unfinished job: kept as an unapplied event, changes nothing else. */
  | { do: 'record'; event: JobEvent; reason: 'stale' }
  /**
   * The event moves the job. `adopt`: Kie calls back on this job's own secret URL, yet stembot never recorded
   * a task (the submission reached Kie but its answer never reached the store): the task is recorded first,
   * so the retried submission step finds it and does not pay Kie twice.
   */
  | { do: 'apply'; event: JobEvent; plan: EventPlan; from: JobState; adopt: boolean };

export function decideIntake(job: IntakeRow, taskId: string, raw: JobEvent, now: number): IntakeDecision {
  const event = labelSingleStem(job.params, raw);
  let state = job.state;
  const adopt = job.taskId === null;
  if (adopt && state === 'cancelled') return { do: 'record_task' };
  if (adopt) {
    // Only a queued job takes a task this way; one past submission without a task was never submitted.
    if (!transition(state, 'submitted').ok) return { do: 'refuse', code: 'not_submitted' };
    state = 'submitted';
  } else if (job.taskId !== taskId) {
    return { do: 'refuse', code: 'task_mismatch' };
  }
  // `files` stays a getter: the SQLite store parses the job's files only if the plan reads them (not for a
  // completion, which brings its own, nor for a repeat).
  const d = planEvent({ state, get files() { return job.files; } }, event, now);
  if (d.ok) return { do: 'apply', event, plan: d.plan, from: state, adopt };
  return d.reason === 'stale' ? { do: 'record', event, reason: 'stale' } : { do: 'repeat', event, reason: d.reason };
}

/** Kie does not say which instrument a split_stem_advanced result holds; the job knows what it asked for. */
export function labelSingleStem(p: JobParams, event: JobEvent): JobEvent {
  if (event.stage !== 'complete' || p.kind !== 'separate' || p.mode !== 'single' || !p.stem || event.files.length !== 1) return event;
  return { ...event, files: [{ ...event.files[0]!, label: p.stem }] };
}

/** The job as the intake's answer shows it; `repeatAt`: this callback was a repeat, counted at that time. */
export function intakeJobView(job: Pick<IntakeRow, 'id' | 'kind'> & { repeatCount: number; lastRepeatAt: number | null }, state: JobState, repeatAt?: number): IntakeJobView {
  return { id: job.id, kind: job.kind, state, repeatCount: job.repeatCount + (repeatAt !== undefined ? 1 : 0), lastRepeatAt: repeatAt ?? job.lastRepeatAt };
}
