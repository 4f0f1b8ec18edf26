// The Kie HTTP client: the endpoints of docs/kie-api.md, each in its rate-limit lane (limits.ts), with backoff and
// retry on 429. Every method answers a Result; nothing here throws for an expected failure.
import { stat } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { multipartFile } from '../http-client/multipart.js';
import type { z } from 'zod';
import { systemClock, type Clock } from '../core/ports.js';
import { fail, type Result } from '../core/types.js';
import { mapKieCode, type KieCodeSource } from './errors.js';
import { exchange } from './http.js';
import * as s from './schemas.js';
import * as f from './follow-ups.js';
import { isClosedError, KieLimits, type Lane, type SubmitGate } from './limits.js';

export interface KieClientOptions {
  apiUrl: string;
  uploadUrl: string;
  apiKey: string;
  dispatcher?: Dispatcher;
  clock?: Clock;
  /** Waits `ms`; injected with the clock so tests never sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Kie's submission limit (20 per 10 s per account); the composition root passes config's values. */
  submitPerWindow: number;
  submitWindowMs: number;
  /** Shared submission limit across instances (src/cluster/); replaces the in-process window. */
  submitGate?: SubmitGate;
  timeoutMs: number;
  /** Streaming 20 MB takes longer than a JSON call. */
  uploadTimeoutMs?: number;
  maxRetries429?: number;
  retryBaseMs?: number;
  /** Cap on one backoff, including a Retry-After Kie asks for. */
  retryMaxMs?: number;
  /** Kie allows 3 record-info queries per second per task. */
  readsPerSecondPerTask?: number;
}

export interface KieClientStats {
  submissionsSent: number;
  rateLimitedSeen: number;
  submitQueued: number;
}

interface Call<T> extends SubmitOptions {
  lane: Lane;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  schema: z.ZodType<T>;
  timeoutMs?: number;
  /** A record-info read (see http.ts). */
  recordRead?: boolean;
}

/** Per-submission facts the client cannot read from the body. */
export interface SubmitOptions {
  /** Estimated credits the job costs (core/costs.ts). Without it an envelope 429 is read by its message. */
  cost?: number;
  /** Asked once the call's turn has come, just before it is sent: false (the job was cancelled) sends nothing. */
  stillWanted?: () => Promise<boolean>;
  /** Runs when the request is about to leave (past the rate limiter), before each try. */
  onSend?: () => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class KieClient {
  private readonly o: Required<Omit<KieClientOptions, 'dispatcher' | 'submitGate'>> & { dispatcher?: Dispatcher };
  private readonly limits: KieLimits;
  private rateLimitedSeen = 0;

  constructor(options: KieClientOptions) {
    const timeoutMs = options.timeoutMs;
    this.o = {
      apiUrl: options.apiUrl.replace(/\/+$/, ''),
      uploadUrl: options.uploadUrl.replace(/\/+$/, ''),
      apiKey: options.apiKey,
      dispatcher: options.dispatcher,
      clock: options.clock ?? systemClock,
      sleep: options.sleep ?? realSleep,
      submitPerWindow: options.submitPerWindow,
      submitWindowMs: options.submitWindowMs,
      timeoutMs,
      uploadTimeoutMs: options.uploadTimeoutMs ?? Math.max(timeoutMs, 120_000),
      maxRetries429: options.maxRetries429 ?? 3,
      retryBaseMs: options.retryBaseMs ?? 1_000,
      retryMaxMs: options.retryMaxMs ?? 60_000,
      readsPerSecondPerTask: options.readsPerSecondPerTask ?? 3,
    };
    this.limits = new KieLimits({ ...this.o, ...(options.submitGate ? { submitGate: options.submitGate } : {}) });
  }

  submitSeparation(body: s.SeparationRequest, opts: SubmitOptions = {}): Promise<Result<s.SubmitData>> {
    return this.send({ lane: { kind: 'submit' }, method: 'POST', url: this.api('/api/v1/vocal-removal/generate'), body, schema: s.submitDataSchema, ...opts });
  }
  submitAddVocals(body: s.AddVocalsRequest, opts: SubmitOptions = {}): Promise<Result<s.SubmitData>> {
    return this.send({ lane: { kind: 'submit' }, method: 'POST', url: this.api('/api/v1/generate/add-vocals'), body, schema: s.submitDataSchema, ...opts });
  }
  submitAddInstrumental(body: s.AddInstrumentalRequest, opts: SubmitOptions = {}): Promise<Result<s.SubmitData>> {
    return this.send({ lane: { kind: 'submit' }, method: 'POST', url: this.api('/api/v1/generate/add-instrumental'), body, schema: s.submitDataSchema, ...opts });
  }
  /** `null` when Kie has no record data (yet). */
  getSeparationRecord(taskId: string): Promise<Result<s.SeparationRecord | null>> {
    const url = this.api(`/api/v1/vocal-removal/record-info?taskId=${encodeURIComponent(taskId)}`);
    return this.send({ lane: { kind: 'task', taskId }, method: 'GET', url, schema: s.separationRecordSchema.nullable(), recordRead: true });
  }
  getGenerationRecord(taskId: string): Promise<Result<s.GenerationRecord | null>> {
    const url = this.api(`/api/v1/generate/record-info?taskId=${encodeURIComponent(taskId)}`);
    return this.send({ lane: { kind: 'task', taskId }, method: 'GET', url, schema: s.generationRecordSchema.nullable(), recordRead: true });
  }
  // Follow-ups (docs/kie-midi-wav.md): submissions share the submit lane, reads the per-task lane.
  submitMidi(body: f.MidiRequest, opts: SubmitOptions = {}): Promise<Result<s.SubmitData>> {
    return this.send({ lane: { kind: 'submit' }, method: 'POST', url: this.api('/api/v1/midi/generate'), body, schema: s.submitDataSchema, ...opts });
  }
  submitWav(body: f.WavRequest, opts: SubmitOptions = {}): Promise<Result<s.SubmitData>> {
    return this.send({ lane: { kind: 'submit' }, method: 'POST', url: this.api('/api/v1/wav/generate'), body, schema: s.submitDataSchema, ...opts });
  }
  getMidiRecord(taskId: string): Promise<Result<f.MidiRecord | null>> {
    const url = this.api(`/api/v1/midi/record-info?taskId=${encodeURIComponent(taskId)}`);
    return this.send({ lane: { kind: 'task', taskId }, method: 'GET', url, schema: f.midiRecordSchema.nullable() });
  }
  getWavRecord(taskId: string): Promise<Result<f.WavRecord | null>> {
    const url = this.api(`/api/v1/wav/record-info?taskId=${encodeURIComponent(taskId)}`);
    return this.send({ lane: { kind: 'task', taskId }, method: 'GET', url, schema: f.wavRecordSchema.nullable() });
  }
  getCredits(): Promise<Result<number>> {
    return this.send({ lane: { kind: 'other' }, method: 'GET', url: this.api('/api/v1/chat/credit'), schema: s.creditsDataSchema });
  }

  /** Multipart upload streamed from disk (http-client/multipart.ts): the file is never held in memory. */
  async uploadFileStream(file: { path: string; name: string; mimeType?: string; uploadPath: string }): Promise<Result<s.UploadData>> {
    let bytes: number;
    try {
      const st = await stat(file.path);
      if (!st.isFile()) return fail('UPLOAD_FAILED', 'cannot read the local file (not a file)');
      bytes = st.size;
    } catch (err) {
      return fail('UPLOAD_FAILED', `cannot read the local file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const form = multipartFile(
      { uploadPath: file.uploadPath, fileName: file.name },
      { path: file.path, name: file.name, mimeType: file.mimeType ?? 'application/octet-stream', bytes },
    );
    const url = `${this.o.uploadUrl}/api/file-stream-upload`;
    return this.send({ lane: { kind: 'other' }, method: 'POST', url, body: form, schema: s.uploadDataSchema, timeoutMs: this.o.uploadTimeoutMs });
  }

  /** Kie fetches the URL itself (30 s timeout on its side). */
  uploadFileUrl(input: { fileUrl: string; uploadPath: string; fileName?: string }): Promise<Result<s.UploadData>> {
    const url = `${this.o.uploadUrl}/api/file-url-upload`;
    return this.send({ lane: { kind: 'other' }, method: 'POST', url, body: input, schema: s.uploadDataSchema });
  }

  stats(): KieClientStats {
    return { submissionsSent: this.limits.submissionsSent, rateLimitedSeen: this.rateLimitedSeen, submitQueued: this.limits.submitQueued() };
  }

  /** Refuse new work, end queued waits at once (they answer KIE_UNREACHABLE), stop the limiters. */
  close(): Promise<void> {
    return this.limits.close();
  }

  /**
   * An envelope 429 on submit: out of credits when the balance (a free read) does not cover the job, rate
   * limited when it does (docs/kie-answers.md). Answers the failure to return, or null to back off and retry.
   * Without a cost or a balance, Kie's message decides (errors.ts).
   */
  private async outOfCredits(detail: string, cost: number | undefined): Promise<Result<never> | null> {
    const balance = cost === undefined ? undefined : await this.getCredits();
    if (balance?.ok && cost !== undefined) {
      if (balance.value >= cost) return null;
      return fail('KIE_INSUFFICIENT_CREDITS', `${detail} (balance ${balance.value} credits, this job needs about ${cost})`);
    }
    return mapKieCode(429, detail, 'submit') === 'KIE_RATE_LIMITED' ? null : fail('KIE_INSUFFICIENT_CREDITS', detail);
  }

  private api(path: string): string {
    return `${this.o.apiUrl}${path}`;
  }

  /** One call in its lane and, on a rate limit, exponential backoff (Retry-After wins) and another try. */
  private async send<T>(call: Call<T>): Promise<Result<T>> {
    const where: KieCodeSource = call.lane.kind === 'submit' ? 'submit' : 'poll';
    for (let attempt = 0; ; attempt++) {
      if (this.limits.closed) return fail('KIE_UNREACHABLE', 'Kie client is closed');
      let outcome;
      try {
        outcome = await this.limits.run(call.lane, async () => {
          // A submission cancelled while it waited for Kie's window is not sent (its window slot is spent).
          if (call.stillWanted && !(await call.stillWanted())) return { kind: 'done' as const, result: fail('INPUT_INVALID', 'cancelled before it was sent to Kie') as Result<T> };
          await call.onSend?.();
          return exchange({ url: call.url, method: call.method, body: call.body, schema: call.schema, recordRead: call.recordRead, where, apiKey: this.o.apiKey, timeoutMs: call.timeoutMs ?? this.o.timeoutMs, nowMs: this.o.clock.now(), dispatcher: this.o.dispatcher });
        });
      } catch (err) {
        // A job dropped by close(), or a queued admission cut short by it.
        if (this.limits.closed || isClosedError(err)) return fail('KIE_UNREACHABLE', 'Kie client is closed');
        throw err;
      }
      if (outcome.kind === 'done') return outcome.result;
      if (outcome.kind === 'ambiguous_429') {
        const credits = await this.outOfCredits(outcome.detail, call.cost);
        if (credits) return credits;
      }
      this.rateLimitedSeen++;
      const delay = Math.min(outcome.retryAfterMs ?? this.o.retryBaseMs * 2 ** attempt, this.o.retryMaxMs);
      if (attempt >= this.o.maxRetries429) return fail('KIE_RATE_LIMITED', outcome.detail, delay);
      if (call.lane.kind === 'submit') this.limits.holdSubmissions(this.o.clock.now() + delay);
      await this.limits.wait(delay);
    }
  }
}
