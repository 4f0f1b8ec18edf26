// The handle tests, benchmarks and the demo host hold: script the next task, change defaults, and read
// what happened (tasks, callbacks, uploads, rate-limit statistics). Everything returned is a snapshot.
import type { CallbackLogEntry } from './callbacks.js';
import { SimCore } from './task-engine.js';
import type { SimulatorOptions, SimulatorSettings, TaskKind } from './options.js';
import { midiRecord, wavRecord } from './follow-ups.js';
import { generationRecord, separationRecord } from './record-info.js';
import type { ScenarioInput, ScenarioStep } from './scenarios.js';
import type { Progress, SimTask } from './tasks.js';
import type { UploadRecord } from './uploads.js';

export interface SimTaskView {
  taskId: string;
  kind: TaskKind;
  scenario: string;
  callBackUrl: string;
  params: Readonly<Record<string, unknown>>;
  createdAt: number;
  progress: Progress;
  failure?: { code: number; msg: string };
  files: { key: string; url: string; bytes: number; empty: boolean }[];
  timeline: (ScenarioStep & { dueMs: number; firedAt?: number })[];
  /** Exactly what record-info answers now (its `data`). */
  record: Record<string, unknown>;
}

export interface SimulatorStats {
  accepted: number;
  rateLimited: number;
  maxAcceptedInWindow: number;
  credits: number;
  tasks: number;
  callbacksSent: number;
  callbacksFailed: number;
  callbacksLost: number;
}

export interface SimulatorControl {
  /** Queues a scenario (name or explicit steps) for the next accepted submission; FIFO. */
  scriptNext(scenario: ScenarioInput): void;
  setDefaults(patch: Partial<SimulatorSettings>): void;
  /** Stops every timer and forgets tasks, scripts, logs, uploads and statistics; credits and settings return to the start. */
  reset(): void;
  tasks(): SimTaskView[];
  task(taskId: string): SimTaskView | undefined;
  callbacks(): CallbackLogEntry[];
  uploads(): UploadRecord[];
  stats(): SimulatorStats;
  credits(): number;
  setCredits(credits: number): void;
  setPublicBaseUrl(url: string): void;
  /** With `stateDir`: continue the tasks restored from it (see SimCore.resume); idempotent. */
  resume(): void;
  /** Resolves when no stage is pending and no callback (or retry) is in flight. */
  settled(): Promise<void>;
  /** Stops all timers and in-flight callbacks. */
  close(): Promise<void>;
}

const cores = new WeakMap<SimulatorControl, SimCore>();

/** The core behind a control (for the plugin). */
export function coreOf(control: SimulatorControl): SimCore {
  const core = cores.get(control);
  if (!core) throw new Error('not a simulator control: create it with createSimulatorControl()');
  return core;
}

function taskView(task: SimTask): SimTaskView {
  const view: SimTaskView = {
    taskId: task.id,
    kind: task.kind,
    scenario: task.scenario.name,
    callBackUrl: task.callBackUrl,
    params: task.params,
    createdAt: task.createdAt,
    progress: task.progress,
    files: task.files.map((f) => ({ key: f.key, url: f.url, bytes: f.bytes, empty: f.empty })),
    timeline: task.timeline.map((e) => ({ ...e })),
    record: task.family === 'separation' ? separationRecord(task) : task.family === 'midi' ? midiRecord(task) : task.family === 'wav' ? wavRecord(task) : generationRecord(task),
  };
  if (task.failure) view.failure = { ...task.failure };
  return view;
}

export function createSimulatorControl(opts: SimulatorOptions = {}): SimulatorControl {
  const core = new SimCore(opts);
  const control: SimulatorControl = {
    scriptNext: (scenario) => core.scriptNext(scenario),
    setDefaults: (patch) => {
      core.settings = { ...core.settings, ...patch };
    },
    reset: () => core.reset(),
    tasks: () => core.tasks.list().map(taskView),
    task: (taskId) => {
      const task = core.tasks.get(taskId);
      return task && taskView(task);
    },
    callbacks: () => core.sender.log(),
    uploads: () => core.uploads.records(),
    stats: () => {
      const log = core.sender.log();
      const sent = log.filter((e) => !e.lost);
      return {
        ...core.limiter.snapshot(),
        credits: core.credits,
        tasks: core.tasks.list().length,
        callbacksSent: sent.length,
        callbacksFailed: sent.filter((e) => e.status === null || e.status < 200 || e.status >= 300).length,
        callbacksLost: log.length - sent.length,
      };
    },
    credits: () => core.credits,
    setCredits: (credits) => {
      core.credits = credits;
    },
    setPublicBaseUrl: (url) => core.setPublicBaseUrl(url),
    resume: () => core.resume(),
    settled: () => core.activity.settled(),
    close: async () => {
      core.activity.stopAll();
    },
  };
  cores.set(control, core);
  return control;
}
