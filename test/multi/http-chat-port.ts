// The ChatPort a test instance delivers through: every call goes over HTTP to the fake chat server shared by
// all instances, carrying the idempotency key the way the Discord adapter sends `nonce` + `enforce_nonce`.
// The status message is keyed by job (`status:<jobId>`, as Discord's adapter does), so a retried `open`
// finds it instead of posting a second one.
import { open } from 'node:fs/promises';
import { request } from 'undici';
import type { ChatLimits, ChatPort, ChatResult, OutgoingMessage, StatusView } from '../../src/core/ports.js';
import { fail, ok, type Job } from '../../src/core/types.js';

async function head(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(12);
    const { bytesRead } = await fh.read(buf, 0, 12, 0);
    return buf.subarray(0, bytesRead).toString('base64');
  } finally {
    await fh.close();
  }
}

export class HttpChatPort implements ChatPort {
  readonly platform = 'playground' as const;

  constructor(
    private readonly baseUrl: string,
    /** Which instance is talking, so the test can tell who delivered what. */
    private readonly instance: string,
  ) {}

  limits(_job: Job): ChatLimits {
    return { maxFileBytes: 8 * 1024 * 1024, maxFilesPerMessage: 10 };
  }

  async postStatus(job: Job, view: StatusView): Promise<ChatResult<{ messageId: string }>> {
    return this.call('POST', '/messages', { key: `status:${job.id}`, jobId: job.id, kind: 'status', state: view.state, text: view.stageLine }, (b) => ({ messageId: String(b.id) }));
  }

  async editStatus(job: Job, messageId: string, view: StatusView): Promise<ChatResult<void>> {
    return this.call('PATCH', `/messages/${messageId}`, { jobId: job.id, state: view.state }, () => undefined);
  }

  async openThread(job: Job, messageId: string, name: string): Promise<ChatResult<{ threadId: string }>> {
    return this.call('POST', `/messages/${messageId}/thread`, { jobId: job.id, name }, (b) => ({ threadId: String(b.threadId) }));
  }

  async post(job: Job, threadId: string | null, message: OutgoingMessage, idempotencyKey: string): Promise<ChatResult<{ messageId: string }>> {
    const files = await Promise.all((message.files ?? []).map(async (f) => ({ name: f.name, bytes: f.bytes, head: await head(f.path) })));
    const body = { key: idempotencyKey, jobId: job.id, kind: 'message', threadId, text: message.text, files };
    return this.call('POST', '/messages', body, (b) => ({ messageId: String(b.id) }));
  }

  private async call<T>(method: 'POST' | 'PATCH', path: string, body: object, map: (b: Record<string, unknown>) => T): Promise<ChatResult<T>> {
    try {
      const res = await request(`${this.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, instance: this.instance }),
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await res.body.json()) as Record<string, unknown>;
      if (res.statusCode === 404) return fail('NOT_FOUND', String(answer.error));
      if (res.statusCode !== 200) return fail('TRANSIENT', `HTTP ${res.statusCode}`);
      return ok(map(answer));
    } catch (err) {
      return fail('TRANSIENT', err instanceof Error ? err.message : String(err));
    }
  }
}
