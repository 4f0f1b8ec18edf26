// The simulator's state and its one write path, `submit`: rate limit, credits, scenario choice, task
// creation, timeline. Routes stay thin; the control object reads from here.
import { randomBytes } from 'node:crypto';
import { Activity } from './activity.js';
import { CallbackSender, type CallbackLogEntry } from './callbacks.js';
import { fail, ok, type Envelope } from './envelope.js';
import { ReadLimiter, SubmitLimiter } from './limits.js';
import { defaultTimer, settingsFrom, simDefaults, type SimulatorOptions, type SimulatorSettings, type TaskKind } from './options.js';
import { generatedTracks, makeFile, stemFiles, type ResultInput } from './results.js';
import { audioUrlRefusal, resolveScenario, scenarioFromInput, type Family, type InfoKey, type ScenarioInput } from './scenarios.js';
import { TaskStore, type SimFile, type SimTask } from './tasks.js';
import { SimPersistence } from './persist.js';
import { simMidiFor } from './follow-ups.js';
import { seedFrom } from './wav.js';
import { buildTimeline, playTimeline, resumeTimeline, type TimelineDeps } from './timeline.js';
import { UploadStore } from './uploads.js';

export interface SubmitRequest {
  kind: TaskKind;
  params: Record<string, unknown>;
  callBackUrl: string;
  apiKey: string;
  baseUrl: string;
  /** Where a person may have asked for a scenario: the audio URL and the title. */
  hint: { url?: string; title?: string };
  /** MIDI / WAV: the checked parent task (and the chosen stem), see follow-ups.ts. */
  parent?: SimTask;
  stem?: SimFile;
}

export interface SimLogger {
  info(obj: object, msg: string): void;
}

export class SimCore {
  settings: SimulatorSettings;
  readonly clock: () => number;
  readonly activity: Activity;
  readonly tasks = new TaskStore();
  readonly uploads: UploadStore;
  readonly limiter: SubmitLimiter;
  readonly sender: CallbackSender;
  logger?: SimLogger;
  credits: number;
  private scripts: ScenarioInput[] = [];
  private readonly reads: ReadLimiter;
  private alternate = 0;
  private base: SimulatorOptions['publicBaseUrl'];
  private readonly persist?: SimPersistence;
  private toResume: SimTask[] = [];

  constructor(readonly opts: SimulatorOptions) {
    this.settings = settingsFrom(opts);
    this.clock = opts.clock ?? Date.now;
    this.activity = new Activity(opts.setTimer ?? defaultTimer);
    this.credits = opts.credits ?? simDefaults.credits;
    this.reads = new ReadLimiter(opts.recordInfoPerSecond);
    this.base = opts.publicBaseUrl;
    const persist = opts.stateDir ? new SimPersistence(opts.stateDir) : undefined;
    this.persist = persist;
    this.uploads = new UploadStore(
      opts.maxStoredUploadBytes ?? simDefaults.maxStoredUploadBytes,
      persist && {
        write: (path, data) => persist.writeUpload(path, data),
        read: (path) => persist.readUpload(path),
        drop: (path) => persist.dropUpload(path),
        onChange: () => this.save(),
      },
    );
    this.limiter = new SubmitLimiter(() => ({
      perWindow: opts.submitPerWindow ?? simDefaults.submitPerWindow,
      windowMs: opts.submitWindowMs ?? simDefaults.submitWindowMs,
    }));
    this.sender = new CallbackSender({
      activity: this.activity,
      clock: this.clock,
      settings: () => this.settings,
      dispatcher: opts.dispatcher,
      onAttempt: (e: CallbackLogEntry) =>
        this.logger?.info({ taskId: e.taskId, stage: e.stage, status: e.status, attempt: e.attempt, lost: e.lost ?? false }, 'kie-sim callback'),
      onSettled: (task, stage, copy) => {
        if (copy !== 1) return;
        const entry = task.timeline.find((e) => e.stage === stage && e.firedAt !== undefined && e.settledAt === undefined);
        if (entry) entry.settledAt = this.clock();
        this.save();
      },
    });
    this.restore();
  }

  private timelineDeps(): TimelineDeps {
    return { activity: this.activity, clock: this.clock, settings: () => this.settings, sender: this.sender, onChange: () => this.save() };
  }

  /** Tasks, credits and uploads from the state folder, each task's timeline picked up where it stopped. */
  private restore(): void {
    const state = this.persist?.load();
    if (!state) return;
    this.credits = state.credits;
    // Kie keeps task records about 14 days (docs/kie-api.md); older ones are forgotten, as Kie forgets them.
    const now = this.clock();
    const tasks = state.tasks.filter((t) => now - t.createdAt < simDefaults.taskRetentionMs);
    this.tasks.restore(tasks);
    this.uploads.restore(state.uploads);
    this.toResume = tasks;
  }

  /**
   * Picks restored timelines up (once): steps that fell due while down fire now, unanswered callbacks go out
   * again. Called once the host listens, so a demo's callbacks to its own server find it up.
   */
  resume(): void {
    const tasks = this.toResume;
    this.toResume = [];
    for (const task of tasks) resumeTimeline(task, this.timelineDeps());
  }

  /** Writes the state folder (when there is one). A failed write is logged, never thrown into a request. */
  private save(): void {
    if (!this.persist) return;
    try {
      this.persist.save({ version: 1, credits: this.credits, tasks: this.tasks.list(), uploads: this.uploads.current() });
    } catch (err) {
      this.logger?.info({ err: err instanceof Error ? err.message : String(err) }, 'kie-sim could not save its state');
    }
  }

  setPublicBaseUrl(url: string | (() => string | undefined) | undefined): void {
    this.base = url;
  }

  /** The configured public base, else the one the request arrived on. */
  baseUrl(fromRequest: string): string {
    const configured = typeof this.base === 'function' ? this.base() : this.base;
    return (configured || fromRequest).replace(/\/+$/, '');
  }

  scriptNext(input: ScenarioInput): void {
    this.scripts.push(input);
  }

  costOf(kind: TaskKind): number {
    return this.opts.creditCosts?.[kind] ?? simDefaults.creditCosts[kind];
  }

  submit(req: SubmitRequest): { status: number; body: Envelope<{ taskId: string }>; retryAfterSec?: number } {
    const now = this.clock();
    if (!this.limiter.admit(req.apiKey, now)) {
      const { submitPerWindow = simDefaults.submitPerWindow, submitWindowMs = simDefaults.submitWindowMs } = this.opts;
      return {
        status: 429,
        body: fail(429, `Rate limited: too many requests (at most ${submitPerWindow} per ${submitWindowMs / 1000} s)`),
        retryAfterSec: Math.max(1, Math.ceil(this.limiter.retryAfterMs(req.apiKey, now) / 1000)),
      };
    }
    if (this.refusesAudioUrl(req)) return { status: 200, body: fail(audioUrlRefusal.code, audioUrlRefusal.msg) };
    const cost = this.costOf(req.kind);
    if (this.credits < cost) {
      return { status: 200, body: fail(this.settings.insufficientCreditsCode, 'The current credits are insufficient. Please top up.') };
    }
    this.limiter.record(req.apiKey, now);
    this.credits -= cost;
    const task = this.createTask(req, now);
    this.tasks.add(task);
    this.save();
    playTimeline(task, this.timelineDeps());
    this.logger?.info({ taskId: task.id, kind: task.kind, scenario: task.scenario.name }, 'kie-sim task accepted');
    return { status: 200, body: ok({ taskId: task.id }) };
  }

  /** The `refuse-audio-url` scenario (scenarios.ts), when it is the one this submission would get: consumed like any script. */
  private refusesAudioUrl(req: SubmitRequest): boolean {
    if (req.kind === 'add_vocals' || req.kind === 'add_instrumental' || typeof req.params.audioUrl !== 'string') return false;
    const next = this.scripts[0] ?? scenarioFromInput(req.hint) ?? this.settings.defaultScenario;
    if (next !== 'refuse-audio-url') return false;
    if (this.scripts[0] === next) this.scripts.shift();
    return true;
  }

  private createTask(req: SubmitRequest, now: number): SimTask {
    const family: Family = req.kind === 'add_vocals' || req.kind === 'add_instrumental' ? 'generation' : req.kind === 'midi' || req.kind === 'wav' ? req.kind : 'separation';
    // FIFO script first, then what the person asked for in the URL or title, then the default.
    const scenario = resolveScenario(this.scripts.shift() ?? scenarioFromInput(req.hint) ?? this.settings.defaultScenario, family);
    const id = randomBytes(16).toString('hex');
    const input: ResultInput = { id, kind: req.kind, params: req.params, baseUrl: req.baseUrl, createdAt: now, scenario, settings: this.settings };
    const tracks = family === 'generation' ? generatedTracks(input) : [];
    // A WAV is a real WAV file of the take, detuned by a hair per task so no two conversions share their bytes
    // (tests count a file's arrivals by its sha256); MIDI is notes derived from the parent separation.
    const takeHz = req.parent?.tracks.find((t) => t.id === req.params.audioId)?.file.freqHz ?? 440;
    const wavHz = Math.round(takeHz * (1 + (seedFrom(id, 'wav') % 1000) / 50_000) * 100) / 100;
    const wav = family === 'wav' ? [makeFile(input, 'wav', 'WAV', wavHz, this.settings.trackDurationSec, 'complete')] : [];
    return {
      id,
      kind: req.kind,
      family,
      params: req.params,
      callBackUrl: req.callBackUrl,
      apiKey: req.apiKey,
      baseUrl: req.baseUrl,
      createdAt: now,
      scenario,
      infoKey: scenario.infoKey ?? this.nextInfoKey(),
      timeline: buildTimeline(scenario, this.settings.speed),
      progress: 'pending',
      files: family === 'separation' ? stemFiles(input) : family === 'wav' ? wav : tracks.map((t) => t.file),
      tracks,
      ...(family === 'midi' && req.parent ? { midi: simMidiFor(req.parent, req.stem, scenario.emptyMidi ?? false) } : {}),
    };
  }

  private nextInfoKey(): InfoKey {
    if (this.settings.infoKey !== 'alternate') return this.settings.infoKey;
    return this.alternate++ % 2 === 0 ? 'vocal_separation_info' : 'vocal_removal_info';
  }

  /** Kie's 3 reads per second per task, when configured. */
  readAllowed(taskId: string): boolean {
    return this.reads.allow(taskId, this.clock());
  }

  /** Back to the state of construction: no tasks, timers, scripts, logs or uploads; full credits. */
  reset(): void {
    this.activity.stopAll();
    this.tasks.clear();
    this.sender.clear();
    this.uploads.clear();
    this.limiter.reset();
    this.reads.reset();
    this.scripts = [];
    this.toResume = [];
    this.alternate = 0;
    this.credits = this.opts.credits ?? simDefaults.credits;
    this.settings = settingsFrom(this.opts);
    this.save();
  }
}
