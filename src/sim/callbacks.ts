// Delivers callbacks the way Kie does: POST JSON, 15 s timeout, signed when an HMAC key is set, and a
// non-2xx answer (or no answer) retried up to 3 times. First attempts for one task go out in scripted
// order, one after another; retries run on their own clock so a slow receiver does not reorder stages.
import { request, type Dispatcher } from 'undici';
import type { Activity } from './activity.js';
import type { SimulatorSettings } from './options.js';
import type { CallbackBody, CallbackStage } from './payloads.js';
import { signatureHeaders } from './signature.js';
import type { SimTask } from './tasks.js';

export interface CallbackLogEntry {
  taskId: string;
  stage: CallbackStage;
  url: string;
  body: CallbackBody;
  /** Which copy of a duplicated callback (1-based). */
  copy: number;
  /** 1 = first try; 0 when the scenario lost the callback (never sent). */
  attempt: number;
  /** HTTP status of the receiver's answer; null when lost or on a network error / timeout. */
  status: number | null;
  error?: string;
  lost?: boolean;
  signed: boolean;
  at: number;
}

export interface CallbackDeps {
  activity: Activity;
  clock: () => number;
  settings: () => SimulatorSettings;
  dispatcher?: Dispatcher;
  onAttempt?: (entry: CallbackLogEntry) => void;
  /** A callback answered 2xx, or given up after its last retry. */
  onSettled?: (task: SimTask, stage: CallbackStage, copy: number) => void;
}

export class CallbackSender {
  private entries: CallbackLogEntry[] = [];
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly deps: CallbackDeps) {}

  log(): CallbackLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
    this.chains.clear();
  }

  /** A scripted loss: logged for inspection, never sent. */
  recordLost(task: SimTask, stage: CallbackStage, body: CallbackBody): void {
    const entry = { taskId: task.id, stage, url: task.callBackUrl, body, copy: 1, attempt: 0, status: null, lost: true, signed: false, at: this.deps.clock() };
    this.entries.push(entry);
    this.deps.onAttempt?.(entry);
  }

  /** Queues the callback behind the task's earlier ones. */
  send(task: SimTask, stage: CallbackStage, body: CallbackBody, copy = 1): void {
    // The signal of this moment: a callback queued before close()/reset() must not go out after it.
    const signal = this.deps.activity.signal;
    const previous = this.chains.get(task.id) ?? Promise.resolve();
    const next = previous.then(() => this.attempt(task, stage, body, copy, 1, signal)).catch(() => undefined);
    this.chains.set(task.id, next);
    void this.deps.activity.track(next);
  }

  private async attempt(task: SimTask, stage: CallbackStage, body: CallbackBody, copy: number, attempt: number, signal: AbortSignal): Promise<void> {
    const { activity, clock, dispatcher } = this.deps;
    const settings = this.deps.settings();
    if (signal.aborted) return;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'kie-simulator' };
    if (settings.hmacKey) Object.assign(headers, signatureHeaders(settings.hmacKey, task.id, clock()));
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await request(task.callBackUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        headersTimeout: settings.callbackTimeoutMs,
        bodyTimeout: settings.callbackTimeoutMs,
        signal,
        ...(dispatcher ? { dispatcher } : {}),
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (signal.aborted) return; // stopped by close()/reset(): not an attempt worth logging or retrying
    const entry: CallbackLogEntry = { taskId: task.id, stage, url: task.callBackUrl, body, copy, attempt, status, signed: Boolean(settings.hmacKey), at: clock() };
    if (error) entry.error = error;
    this.entries.push(entry);
    this.deps.onAttempt?.(entry);
    const delays = settings.callbackRetryDelaysMs;
    const delivered = status !== null && status >= 200 && status < 300;
    if (!delivered && attempt <= delays.length) {
      activity.later(delays[attempt - 1]! / settings.speed, () => {
        void activity.track(this.attempt(task, stage, body, copy, attempt + 1, signal).catch(() => undefined));
      });
    } else {
      this.deps.onSettled?.(task, stage, copy);
    }
  }
}
