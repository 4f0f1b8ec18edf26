// One HTTP exchange with Kie: send, read the `{code,msg,data}` envelope, turn every way it can go wrong into
// a FailureCode. Kie reports errors both as HTTP statuses and as envelope codes on HTTP 200, so both are
// checked (docs/kie-api.md "Auth and hosts"). Rate limits are not decided here: they come back as `rate_limited`
// so the client can back off and retry.
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { fail, ok, type Result } from '../core/types.js';
import { isTaskNotFound, mapKieCode, type KieCodeSource } from './errors.js';
import { isMultipartBody } from '../http-client/multipart.js';
import { envelopeSchema } from './schemas.js';

export type Exchange<T> =
  | { kind: 'done'; result: Result<T> }
  | { kind: 'rate_limited'; retryAfterMs?: number; detail: string }
  /**
   * Envelope code 429 on a submission: "rate limited" in Kie's common API, "insufficient credits" on its
   * callback pages (docs/kie-answers.md). The client reads the balance to tell them apart.
   */
  | { kind: 'ambiguous_429'; retryAfterMs?: number; detail: string };

export interface ExchangeInput<T> {
  url: string;
  method: 'GET' | 'POST';
  apiKey: string;
  /** A JSON value, or a file streamed as multipart/form-data (http-client/multipart.ts). */
  body?: unknown;
  schema: z.ZodType<T>;
  timeoutMs: number;
  where: KieCodeSource;
  /** A record-info read: an answer that Kie does not know the task becomes KIE_TASK_NOT_FOUND. */
  recordRead?: boolean;
  nowMs: number;
  dispatcher?: Dispatcher;
}

const done = <T>(result: Result<T>): Exchange<T> => ({ kind: 'done', result });

export async function exchange<T>(input: ExchangeInput<T>): Promise<Exchange<T>> {
  const form = isMultipartBody(input.body) ? input.body : undefined;
  const headers: Record<string, string> = { authorization: `Bearer ${input.apiKey}`, accept: 'application/json' };
  if (form) {
    headers['content-type'] = form.contentType;
    headers['content-length'] = String(form.contentLength);
  } else if (input.body !== undefined) headers['content-type'] = 'application/json';
  let status: number;
  let retryAfter: string | string[] | undefined;
  let text: string;
  try {
    const res = await request(input.url, {
      method: input.method,
      headers,
      body: input.body === undefined ? undefined : form ? form.open() : JSON.stringify(input.body),
      signal: AbortSignal.timeout(input.timeoutMs),
      ...(input.dispatcher ? { dispatcher: input.dispatcher } : {}),
    });
    status = res.statusCode;
    retryAfter = res.headers['retry-after'];
    text = await res.body.text();
  } catch (err) {
    return done(fail('KIE_UNREACHABLE', redact(describeError(err, input.timeoutMs), input.apiKey)));
  }

  if (status === 429) return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(retryAfter, input.nowMs), detail: 'HTTP 429' };
  const envelope = envelopeSchema.safeParse(parseJson(text));
  const msg = redact((envelope.success ? envelope.data.msg : undefined)?.trim() ?? '', input.apiKey);
  const refuse = (code: number, words: string, inEnvelope = true): Exchange<T> => {
    // Below 400 an answer is not a refusal we can name (a redirect, an unknown code): we did not understand it.
    if (code < 400) return done(fail('KIE_BAD_RESPONSE', words || `Kie answered ${code}`));
    if (input.recordRead && inEnvelope && isTaskNotFound(code, words)) return done(fail('KIE_TASK_NOT_FOUND', words || `Kie answered ${code}`));
    if (code === 429 && inEnvelope && input.where === 'submit') return { kind: 'ambiguous_429', retryAfterMs: parseRetryAfter(retryAfter, input.nowMs), detail: words || 'code 429' };
    const failure = mapKieCode(code, words, input.where);
    if (failure === 'KIE_RATE_LIMITED') return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(retryAfter, input.nowMs), detail: words || `code ${code}` };
    return done(fail(failure, words || `Kie answered ${code}`));
  };

  if (status < 200 || status >= 300) {
    return envelope.success && envelope.data.code !== 200 ? refuse(envelope.data.code, msg) : refuse(status, msg || `HTTP ${status}`, false);
  }
  if (!envelope.success) return done(fail('KIE_BAD_RESPONSE', `HTTP ${status} without a Kie envelope`));
  if (envelope.data.code !== 200) return refuse(envelope.data.code, msg);
  // The File Upload host reports some failures as code 200 with `success: false`.
  if (envelope.data['success'] === false) return done(fail('KIE_BAD_RESPONSE', msg || 'Kie answered success: false'));

  const data = input.schema.safeParse(envelope.data.data);
  if (!data.success) {
    const issue = data.error.issues[0];
    const where = ['data', ...(issue?.path ?? [])].join('.');
    return done(fail('KIE_BAD_RESPONSE', `${where}: ${issue?.message ?? 'unexpected shape'}`));
  }
  return done(ok(data.data));
}


function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The key travels only in the Authorization header; this makes sure no echo of it reaches a log or a person. */
function redact(text: string, apiKey: string): string {
  return apiKey ? text.split(apiKey).join('[redacted]') : text;
}
