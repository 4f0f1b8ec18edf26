// The simulator's knobs, defaults in one object with units in the names (docs/conventions.md, habit 3).
import type { Dispatcher } from 'undici';
import type { InfoKey, ScenarioName } from './scenarios.js';
import { DEFAULT_SAMPLE_RATE } from './wav.js';

export type TaskKind = 'separate_vocal' | 'split_stem' | 'split_stem_advanced' | 'add_vocals' | 'add_instrumental' | 'midi' | 'wav';

/** Schedules `fn` after `ms`; returns a function that cancels it. Injected so tests control time. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

/** Tunables that `control.setDefaults()` may change while the simulator runs. */
export interface SimulatorSettings {
  /** Scenario used when nothing was scripted and the input names none. */
  defaultScenario: ScenarioName;
  /** Time factor: 10 plays every stage and retry delay ten times faster. */
  speed: number;
  /** Name of the separation result object; `alternate` switches between the two per task. */
  infoKey: InfoKey | 'alternate';
  /** Size of every audio file (header included); when unset the durations below decide. */
  stemBytes?: number;
  stemDurationSec: number;
  trackDurationSec: number;
  sampleRate: number;
  /** Signs callbacks (`X-Webhook-Timestamp`, `X-Webhook-Signature`) when set. */
  hmacKey?: string;
  callbackTimeoutMs: number;
  /**
   * One retry per entry after a non-2xx answer or a network error: Kie retries 3 times, after 1, 5 and 15
   * minutes (docs/kie-answers.md). Scaled by `speed`.
   */
  callbackRetryDelaysMs: number[];
  /** Gap between copies of a duplicated callback. Scaled by `speed`. */
  duplicateGapMs: number;
  /** Kie's pages disagree on the insufficient-credits code: 402 or 429. */
  insufficientCreditsCode: 402 | 429;
}

export interface SimulatorOptions extends Partial<SimulatorSettings> {
  /** When set, `Authorization: Bearer <apiKey>` must match; otherwise any bearer token is accepted. */
  apiKey?: string;
  /** Base of every URL the simulator hands out (files, uploads), prefix included. Without it, the submit request's host. */
  publicBaseUrl?: string | (() => string | undefined);
  /** Starting balance of the account. */
  credits?: number;
  creditCosts?: Partial<Record<TaskKind, number>>;
  submitPerWindow?: number;
  submitWindowMs?: number;
  /** Kie allows 3 record-info reads per second per task; unset = unlimited. */
  recordInfoPerSecond?: number;
  /** Largest accepted upload (larger → 413 envelope). */
  maxUploadBytes?: number;
  /** Uploads are kept in memory up to this total; the oldest are dropped first. */
  maxStoredUploadBytes?: number;
  /**
   * A folder where tasks, credits and uploads are kept so they survive a restart (demo mode:
   * `<DATA_DIR>/kie-sim`). Unset: memory only.
   */
  stateDir?: string;
  /** Registers `/__sim/*` (scripting and inspection over HTTP). Standalone only, never in demo mode. */
  controlRoutes?: boolean;
  /**
   * Demo mode (the simulator on stembot's own server, reachable by anyone who can reach stembot): which URLs
   * `file-url-upload` accepts besides the simulator's own files. Unset (standalone): loopback URLs are fetched.
   */
  fileUrlGuard?: (url: string) => { ok: true } | { ok: false; reason: string };
  /** Demo mode: the only callBackUrls a submission may name (stembot's own callback route). Unset: any. */
  callbackUrlAllowed?: (url: string) => boolean;
  /** undici dispatcher for callbacks and URL uploads (tests, proxies). */
  dispatcher?: Dispatcher;
  clock?: () => number;
  setTimer?: SetTimer;
}

export const simDefaults = {
  settings: {
    defaultScenario: 'happy',
    speed: 1,
    infoKey: 'vocal_separation_info',
    stemDurationSec: 6,
    trackDurationSec: 8,
    sampleRate: DEFAULT_SAMPLE_RATE,
    callbackTimeoutMs: 15_000,
    callbackRetryDelaysMs: [60_000, 300_000, 900_000],
    duplicateGapMs: 250,
    insufficientCreditsCode: 402,
  } satisfies SimulatorSettings as SimulatorSettings,
  credits: 10_000,
  /** Per docs (may change): separation 10 / 50 / 20; add-vocals and add-instrumental 12, MIDI 5, WAV 2 (our picks). */
  creditCosts: { separate_vocal: 10, split_stem: 50, split_stem_advanced: 20, add_vocals: 12, add_instrumental: 12, midi: 5, wav: 2 } satisfies Record<
    TaskKind,
    number
  >,
  submitPerWindow: 20,
  submitWindowMs: 10_000,
  maxUploadBytes: 25 * 1024 * 1024,
  maxStoredUploadBytes: 256 * 1024 * 1024,
  /** With `stateDir`, tasks older than this are not restored (Kie keeps records about 14 days). */
  taskRetentionMs: 14 * 24 * 60 * 60_000,
} as const;

const settingKeys = Object.keys(simDefaults.settings).concat('stemBytes', 'hmacKey') as (keyof SimulatorSettings)[];

/** The settings part of options, defaults filled in. */
export function settingsFrom(opts: Partial<SimulatorSettings>): SimulatorSettings {
  const out: SimulatorSettings = { ...simDefaults.settings, callbackRetryDelaysMs: [...simDefaults.settings.callbackRetryDelaysMs] };
  for (const key of settingKeys) {
    if (opts[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = opts[key];
  }
  return out;
}

export const defaultTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, Math.max(0, ms));
  t.unref();
  return () => clearTimeout(t);
};
