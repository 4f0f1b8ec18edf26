// The in-memory task store. A task's truth (what record-info shows) advances when its scripted steps
// fire, whether or not a callback goes out: that is how stembot's poller recovers a lost callback.
import type { Family, InfoKey, Scenario, ScenarioStep } from './scenarios.js';
import type { SimMidi } from './follow-ups.js';
import type { TaskKind } from './options.js';

export interface SimFile {
  /** `vocal`, `drums`, `track-1`… — also the file name under `/files/<taskId>/`. */
  key: string;
  label: string;
  url: string;
  seed: number;
  freqHz: number;
  /** Total WAV bytes, header included. */
  bytes: number;
  sampleRate: number;
  durationSec: number;
  /** Kie reports some stems as `""` (nothing of that instrument in the song). */
  empty: boolean;
  /** The progress at which the file exists (tracks: first / complete; stems: complete). */
  revealAt: 'first' | 'complete';
}

export interface SimTrack {
  /** Kie's audioId. */
  id: string;
  file: SimFile;
  title: string;
  tags: string;
  prompt: string;
  modelName: string;
  imageUrl: string;
  streamAudioUrl: string;
  sourceAudioUrl: string;
  /** `YYYY-MM-DD HH:mm:ss`, as Kie's track objects show it. */
  createTime: string;
}

export interface TimelineEntry extends ScenarioStep {
  /** Delay after submission once `speed` is applied. */
  dueMs: number;
  firedAt?: number;
  /** When its callback was answered 2xx or given up after the last retry (persist.ts resends the others). */
  settledAt?: number;
}

export type Progress = 'pending' | 'text' | 'first' | 'complete';
const rank: Record<Progress, number> = { pending: 0, text: 1, first: 2, complete: 3 };

export interface SimTask {
  id: string;
  kind: TaskKind;
  family: Family;
  /** The submitted body, `callBackUrl` included. */
  params: Readonly<Record<string, unknown>>;
  callBackUrl: string;
  apiKey: string;
  baseUrl: string;
  createdAt: number;
  scenario: Scenario;
  infoKey: InfoKey;
  timeline: TimelineEntry[];
  /** Furthest success stage reached, in Kie's order (an early `complete` makes a later `text` change nothing). */
  progress: Progress;
  failure?: { code: number; msg: string };
  completedAt?: number;
  /** Separation stems (separation) or the tracks' audio files (generation). */
  files: SimFile[];
  tracks: SimTrack[];
  /** A MIDI task's notes (src/sim/follow-ups.ts). */
  midi?: SimMidi;
}

/** Applies a fired step to the task's truth. */
export function advance(task: SimTask, step: ScenarioStep, now: number): void {
  if (task.failure) return;
  if (step.stage === 'failed') {
    task.failure = { code: step.code ?? 500, msg: step.msg ?? 'Server Error - please try again later' };
    task.completedAt = now;
    return;
  }
  if (rank[step.stage] > rank[task.progress]) task.progress = step.stage;
  if (step.stage === 'complete') task.completedAt ??= now;
}

/** Whether the file exists yet (Kie's URLs appear only with the stage that delivers them). */
export function isRevealed(task: SimTask, file: SimFile): boolean {
  return !file.empty && rank[task.progress] >= rank[file.revealAt];
}

export class TaskStore {
  private readonly byId = new Map<string, SimTask>();

  /** Replaces every task (a restart restoring its saved state). */
  restore(tasks: SimTask[]): void {
    this.byId.clear();
    for (const t of tasks) this.byId.set(t.id, t);
  }

  add(task: SimTask): void {
    this.byId.set(task.id, task);
  }

  get(id: string): SimTask | undefined {
    return this.byId.get(id);
  }

  list(): SimTask[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
  }
}
