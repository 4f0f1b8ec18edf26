// A job moves only forward (docs/conventions.md). A stage seen twice, late, or after the end changes nothing.
import type { JobState, Stage } from './types.js';

const rank: Record<JobState, number> = { queued: 0, submitted: 1, text: 2, first: 3, complete: 4, failed: 4, cancelled: 4 };

export const isTerminal = (s: JobState): boolean => s === 'complete' || s === 'failed' || s === 'cancelled';

/** SQL list of the terminal states, for stores' `state NOT IN (…)`. */
export const terminalStatesSql = "('complete', 'failed', 'cancelled')";

export type Transition = { ok: true; to: JobState } | { ok: false; reason: 'duplicate' | 'stale' | 'terminal' };

/** May `stage` move a job that is in `from`? Skipped stages are fine (`complete` without `text`). */
export function transition(from: JobState, stage: Stage | 'submitted'): Transition {
  if (isTerminal(from)) return { ok: false, reason: from === stage ? 'duplicate' : 'terminal' };
  if (stage === 'failed') return { ok: true, to: 'failed' };
  if (from === stage) return { ok: false, reason: 'duplicate' };
  if (rank[stage] < rank[from]) return { ok: false, reason: 'stale' };
  return { ok: true, to: stage };
}
