// Scripted behaviour: what a task's callbacks (and record-info) do over time. Kie's callbacks may come
// twice, late, out of order or not at all, and jobs fail with the codes its pages list; each of those is a
// named scenario so stembot's handling can be shown and tested on purpose.
export type ScenarioStage = 'text' | 'first' | 'complete' | 'failed';
export type InfoKey = 'vocal_separation_info' | 'vocal_removal_info';
/** `midi` / `wav` follow up on a finished task and, like a separation, call back once. */
export type Family = 'separation' | 'generation' | 'midi' | 'wav';

export interface ScenarioStep {
  stage: ScenarioStage;
  /** Since submission, before `speed` scaling. */
  afterMs: number;
  /** The state advances (record-info shows it) but no callback is sent. */
  lost?: boolean;
  /** How many times the callback is sent (default 1). */
  duplicate?: number;
  /** For `failed`: the callback `code` and `msg`. */
  code?: number;
  msg?: string;
}

export interface ScenarioOptions {
  /** Stem keys whose URL is `""` in the callback (and null in record-info), as Kie does for silent parts. */
  emptyStems?: string[];
  /** Size of every audio file of the task, header included (overrides the durations). */
  stemBytes?: number;
  infoKey?: InfoKey;
  /** MIDI / WAV callbacks (docs/kie-midi-wav.md): `kie` = `data.taskId` / `data.audioWavUrl`, `sibling` = top-level `task_id` / `data.audio_wav_url`. */
  followUpSpelling?: 'kie' | 'sibling';
  /** MIDI finds no notes (Kie: may be empty after split_stem). */
  emptyMidi?: boolean;
}

/** An explicit script. Separation tasks skip `text` and `first` steps: Kie sends them one callback. */
export interface ScriptSpec extends ScenarioOptions {
  name?: string;
  steps: ScenarioStep[];
}

export interface Scenario extends ScenarioOptions {
  name: string;
  steps: ScenarioStep[];
}

const failCodes = [400, 401, 402, 413, 429, 451, 455, 500] as const;
export const scenarioNames = [
  'happy', 'skip-stages', 'duplicate', 'out-of-order', 'lost-callback', 'empty-stems', 'big-stems', 'refuse-audio-url', 'sibling-callbacks', 'empty-midi',
  ...failCodes.map((c) => `fail-${c}` as const),
] as const;
export type ScenarioName = (typeof scenarioNames)[number];
export type ScenarioInput = ScenarioName | ScriptSpec;

/** Kie-like messages for each failure code (Kie's callback pages; docs/kie-api.md "Callbacks"). */
export const failureMessages: Record<number, string> = {
  400: 'Bad Request - parameter error, unsupported audio format or content violation',
  401: 'Unauthorized - invalid API key',
  402: 'Insufficient Credits - account credit balance insufficient',
  413: 'Content Too Long - prompt or style description exceeds limit',
  429: 'Insufficient Credits - account credit balance insufficient',
  451: 'Download Failed - unable to download source audio file',
  455: 'Service Unavailable - the system is under maintenance, please try again later',
  500: 'Server Error - please try again later',
};

/**
 * `refuse-audio-url`: a separation submitted with `audioUrl` is refused at once (HTTP 200, this envelope), as
 * Kie may do since its own pages document only `taskId` + `audioId` (docs/kie-answers.md). Nothing is charged
 * and no task is made; a Kie track (`taskId` + `audioId`) is accepted as usual.
 */
export const audioUrlRefusal = { code: 422, msg: 'audioUrl is not supported for vocal separation: provide taskId and audioId of a generated track' } as const;

/** Default stage times: short, but long enough to watch the status message move in a demo. */
export const stageDelaysMs = { text: 1_500, first: 3_000, complete: 5_000, separationComplete: 4_000, failed: 2_000 } as const;

const BIG_STEM_BYTES = 30 * 1024 * 1024;

function happy(family: Family): ScenarioStep[] {
  if (family !== 'generation') return [{ stage: 'complete', afterMs: stageDelaysMs.separationComplete }];
  return [
    { stage: 'text', afterMs: stageDelaysMs.text },
    { stage: 'first', afterMs: stageDelaysMs.first },
    { stage: 'complete', afterMs: stageDelaysMs.complete },
  ];
}

function failing(code: number, family: Family): ScenarioStep[] {
  const failed: ScenarioStep = { stage: 'failed', afterMs: stageDelaysMs.failed, code, msg: failureMessages[code] };
  // A server error strikes mid-way (after the lyrics stage); the other codes refuse the job up front.
  if (code === 500 && family === 'generation') return [{ stage: 'text', afterMs: stageDelaysMs.text }, { ...failed, afterMs: stageDelaysMs.first }];
  return [failed];
}

function namedScenario(name: ScenarioName, family: Family): Scenario {
  const fail = /^fail-(\d+)$/.exec(name);
  if (fail) return { name, steps: failing(Number(fail[1]), family) };
  switch (name) {
    case 'skip-stages':
      return { name, steps: happy(family).filter((s) => s.stage === 'complete') };
    case 'duplicate':
      return { name, steps: happy(family).map((s) => ({ ...s, duplicate: s.stage === 'complete' ? 3 : 2 })) };
    case 'out-of-order':
      if (family !== 'generation') return { name, steps: happy(family) };
      return {
        name,
        steps: [
          { stage: 'complete', afterMs: 3_000 },
          { stage: 'first', afterMs: 3_500 },
          { stage: 'text', afterMs: 4_000 },
        ],
      };
    case 'lost-callback':
      return { name, steps: happy(family).map((s) => ({ ...s, lost: true })) };
    case 'empty-stems':
      return { name, steps: happy(family), emptyStems: ['vocal', 'backing_vocals', 'brass', 'woodwinds'] };
    case 'big-stems':
      return { name, steps: happy(family), stemBytes: BIG_STEM_BYTES };
    case 'sibling-callbacks':
      return { name, steps: happy(family), followUpSpelling: 'sibling' };
    case 'empty-midi':
      return { name, steps: happy(family), emptyMidi: true };
    default:
      return { name: 'happy', steps: happy(family) };
  }
}

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && (scenarioNames as readonly string[]).includes(value);
}

export function resolveScenario(input: ScenarioInput, family: Family): Scenario {
  if (typeof input === 'string') return namedScenario(input, family);
  const steps = family !== 'generation' ? input.steps.filter((s) => s.stage === 'complete' || s.stage === 'failed') : input.steps;
  return { ...input, name: input.name ?? 'scripted', steps };
}

const titleTag = /^\s*\[sim:([a-z0-9-]+)\]\s*/i;

/** `[sim:fail-500] River Song` → `River Song`: the tag picks a scenario and is not part of the title. */
export function stripSimTag(title: string): string {
  return title.replace(titleTag, '');
}

/**
 * A scenario a person asked for in the demo: `?sim=<name>` or `#sim=<name>` on the audio URL, or a title
 * beginning with `[sim:<name>]`. Unknown names are ignored.
 */
export function scenarioFromInput(input: { url?: string; title?: string }): ScenarioName | undefined {
  if (input.url && URL.canParse(input.url)) {
    const url = new URL(input.url);
    const fromUrl = url.searchParams.get('sim') ?? new URLSearchParams(url.hash.replace(/^#/, '')).get('sim');
    if (isScenarioName(fromUrl)) return fromUrl;
  }
  const fromTitle = input.title ? titleTag.exec(input.title)?.[1]?.toLowerCase() : undefined;
  return isScenarioName(fromTitle) ? fromTitle : undefined;
}
