// Plays a task's scripted steps on timers: each step first advances the task's truth (record-info), then
// sends its callback — unless the step is lost — once or several times.
import type { Activity } from './activity.js';
import type { CallbackSender } from './callbacks.js';
import type { SimulatorSettings } from './options.js';
import { callbackBody, type CallbackBody } from './payloads.js';
import { failureMessages, type Scenario } from './scenarios.js';
import { advance, type SimTask, type TimelineEntry } from './tasks.js';

export interface TimelineDeps {
  activity: Activity;
  clock: () => number;
  settings: () => SimulatorSettings;
  sender: CallbackSender;
  /** After a step changed the task (persist.ts saves it). */
  onChange?: () => void;
}

/** Steps with their real delays; failed steps get a code and a Kie-like message when the script gave none. */
export function buildTimeline(scenario: Scenario, speed: number): TimelineEntry[] {
  return scenario.steps.map((step) => {
    const entry: TimelineEntry = { ...step, dueMs: Math.max(0, step.afterMs) / speed };
    if (step.stage === 'failed') {
      entry.code = step.code ?? 500;
      entry.msg = step.msg ?? failureMessages[entry.code] ?? 'Server Error - please try again later';
    }
    return entry;
  });
}

/** Applies the step and sends its first copy; returns the body later copies repeat (null: nothing to send). */
function fire(task: SimTask, entry: TimelineEntry, deps: TimelineDeps): CallbackBody | null {
  const now = deps.clock();
  entry.firedAt = now;
  advance(task, entry, now);
  const body = bodyOf(task, entry);
  if (!body) entry.settledAt = now;
  deps.onChange?.();
  if (!body) return null;
  if (entry.lost) {
    deps.sender.recordLost(task, entry.stage, body);
    return null;
  }
  deps.sender.send(task, entry.stage, body, 1);
  return body;
}

function bodyOf(task: SimTask, entry: TimelineEntry): CallbackBody | null {
  const failure = entry.stage === 'failed' ? { code: entry.code ?? 500, msg: entry.msg ?? '' } : undefined;
  return callbackBody(task, entry.stage, failure);
}

/**
 * After a restart (persist.ts): a step that fired while its callback was still unanswered sends it again,
 * and a step not yet fired fires at its time — at once when it fell due while the simulator was down.
 * Duplicate copies of a scenario are not replayed.
 */
export function resumeTimeline(task: SimTask, deps: TimelineDeps): void {
  const now = deps.clock();
  for (const entry of task.timeline) {
    if (entry.firedAt === undefined) {
      deps.activity.later(Math.max(0, task.createdAt + entry.dueMs - now), () => {
        if (entry.firedAt === undefined) fire(task, entry, deps);
      });
      continue;
    }
    if (entry.lost || entry.settledAt !== undefined) continue;
    const body = bodyOf(task, entry);
    if (body) deps.sender.send(task, entry.stage, body, 1);
  }
}

/**
 * Every copy is scheduled up front from the submission time, so a late timer cannot let the next stage
 * overtake a duplicate: the script's order is the delivery order.
 */
export function playTimeline(task: SimTask, deps: TimelineDeps): void {
  const { duplicateGapMs, speed } = deps.settings();
  for (const entry of task.timeline) {
    let body: CallbackBody | null = null;
    let fired = false;
    // Whichever timer runs first fires the step: under load a duplicate's timer can run before the first's.
    const ensureFired = () => {
      if (fired) return;
      fired = true;
      body = fire(task, entry, deps);
    };
    deps.activity.later(entry.dueMs, ensureFired);
    for (let copy = 2; copy <= (entry.duplicate ?? 1); copy++) {
      deps.activity.later(entry.dueMs + ((copy - 1) * duplicateGapMs) / speed, () => {
        ensureFired();
        if (body) deps.sender.send(task, entry.stage, body, copy);
      });
    }
  }
}
