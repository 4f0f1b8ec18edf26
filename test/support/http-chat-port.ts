// A small ChatPort over HTTP, for the chaos run and the delivery benchmark: Discord's wire format (status as
// an embed, a thread from the status message, files as multipart `files[n]` + `payload_json`), every post
// carrying a `nonce` derived from the idempotency key with `enforce_nonce`, as src/chat/discord does. Files
// are streamed from disk (`openAsBlob`), never read whole into memory.
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { Agent, FormData, request, type Dispatcher } from 'undici';
import type { ChatLimits, ChatPort, ChatResult, OutgoingMessage, StatusView } from '../../src/core/ports.js';
import { fail, ok, type Job } from '../../src/core/types.js';

export interface HttpChatPortOptions {
  /** Base of the fake chat server's API, e.g. `http://127.0.0.1:1234/api`. */
  apiUrl: string;
  maxFileBytes: number;
  maxFilesPerMessage?: number;
  timeoutMs?: number;
}

/** Discord's nonce is at most 25 characters; equal keys give equal nonces. */
export const nonceFor = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 25);

type Sent = { status: number; json: Record<string, unknown>; retryAfterMs?: number };

export class HttpChatPort implements ChatPort {
  readonly platform = 'discord' as const;
  private readonly agent: Dispatcher;

  constructor(private readonly o: HttpChatPortOptions) {
    const t = o.timeoutMs ?? 30_000;
    this.agent = new Agent({ headersTimeout: t, bodyTimeout: t });
  }

  limits(_job: Job): ChatLimits {
    return { maxFileBytes: this.o.maxFileBytes, maxFilesPerMessage: this.o.maxFilesPerMessage ?? 10 };
  }

  async postStatus(job: Job, view: StatusView): Promise<ChatResult<{ messageId: string }>> {
    const body = { embeds: [embed(view)], nonce: nonceFor(`status:${job.id}`), enforce_nonce: true };
    return this.answer(await this.send('POST', `/channels/${job.channelId}/messages`, body), (j) => ({ messageId: String(j.id) }));
  }

  async editStatus(job: Job, messageId: string, view: StatusView): Promise<ChatResult<void>> {
    return this.answer(await this.send('PATCH', `/channels/${job.channelId}/messages/${messageId}`, { embeds: [embed(view)] }), () => undefined);
  }

  async openThread(job: Job, messageId: string, name: string): Promise<ChatResult<{ threadId: string }>> {
    const sent = await this.send('POST', `/channels/${job.channelId}/messages/${messageId}/threads`, { name: name.slice(0, 100) });
    // A retry after a lost answer: the thread exists, and it shares the message's id (as on Discord).
    if (sent.status === 400 && sent.json.code === 160004) return ok({ threadId: messageId });
    return this.answer(sent, (j) => ({ threadId: String(j.id) }));
  }

  async post(job: Job, threadId: string | null, message: OutgoingMessage, idempotencyKey: string): Promise<ChatResult<{ messageId: string }>> {
    const links = (message.links ?? []).map((l) => `${l.label}: ${l.url}`);
    const payload = { content: [message.text, ...links].join('\n'), nonce: nonceFor(idempotencyKey), enforce_nonce: true };
    const files = message.files ?? [];
    let body: unknown = payload;
    if (files.length > 0) {
      const form = new FormData();
      form.append('payload_json', JSON.stringify({ ...payload, attachments: files.map((f, i) => ({ id: i, filename: f.name })) }));
      try {
        for (const [i, f] of files.entries()) form.append(`files[${i}]`, await openAsBlob(f.path, { type: f.mimeType }), f.name);
      } catch (err) {
        return fail('TRANSIENT', `could not open a file to upload: ${(err as Error).message}`);
      }
      body = form;
    }
    return this.answer(await this.send('POST', `/channels/${threadId || job.channelId}/messages`, body), (j) => ({ messageId: String(j.id) }));
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<Sent> {
    const form = body instanceof FormData;
    try {
      const res = await request(`${this.o.apiUrl}${path}`, {
        method,
        dispatcher: this.agent,
        headers: form ? {} : { 'content-type': 'application/json' },
        body: form ? body : JSON.stringify(body),
      });
      const text = await res.body.text();
      const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const retry = Number(res.headers['retry-after']);
      return { status: res.statusCode, json, ...(Number.isFinite(retry) ? { retryAfterMs: retry * 1000 } : {}) };
    } catch (err) {
      return { status: 0, json: { message: (err as Error).message } };
    }
  }

  private answer<T>(sent: Sent, value: (json: Record<string, unknown>) => T): ChatResult<T> {
    const s = sent.status;
    if (s >= 200 && s < 300) return ok(value(sent.json));
    const detail = `HTTP ${s} ${String(sent.json.message ?? '')}`.trim();
    if (s === 429) return fail('RATE_LIMITED', detail, sent.retryAfterMs);
    if (s === 0 || s >= 500) return fail('TRANSIENT', detail);
    if (s === 403) return fail('FORBIDDEN', detail);
    if (s === 404) return fail('NOT_FOUND', detail);
    if (s === 413) return fail('TOO_LARGE', detail);
    return fail('INVALID', detail);
  }
}

/** The status card; its footer carries the job's state so the fake server can tell what a person sees. */
function embed(view: StatusView) {
  return { title: view.title, description: `${view.inputName}\n${view.stageLine}`, footer: { text: view.state } };
}
