// Posting a message with files, streamed from disk: discord.js's REST wants every file as a Buffer, which held
// 3.35× the stems' bytes in memory in `npm run bench`. Same route, same `payload_json` + `files[n]` shape, same
// error mapping; a short 429 is waited out here as discord.js would, a long one goes back to the outbox.
// https://discord.com/developers/docs/reference#uploading-files
import { request } from 'undici';
import type { ChatResult, LocalFile } from '../../core/ports.js';
import { fail, ok } from '../../core/types.js';
import { multipartBody } from '../../http-client/multipart.js';
import { chatErrorFromStatus } from './rest.js';

export interface FilePostOptions {
  apiUrl: string;
  token: string;
  timeoutMs: number;
  maxRateLimitWaitMs: number;
  /** Attempts for a 429 that fits within `maxRateLimitWaitMs`, and for a 5xx or network error (like discord.js,
   *  which retries those: the nonce makes a repeat harmless). */
  attempts?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function postWithFiles(o: FilePostOptions, channelId: string, payload: object, files: LocalFile[]): Promise<ChatResult<{ messageId: string }>> {
  const body = multipartBody(
    { payload_json: JSON.stringify(payload) },
    files.map((f, i) => ({ field: `files[${i}]`, path: f.path, name: f.name, mimeType: f.mimeType, bytes: f.bytes })),
  );
  const url = `${o.apiUrl.replace(/\/+$/, '')}/v10/channels/${channelId}/messages`;
  for (let attempt = 1; ; attempt++) {
    let status: number;
    let text: string;
    let retryAfterHeader: string | undefined;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: {
          authorization: `Bot ${o.token}`,
          'user-agent': 'DiscordBot (https://github.com/stembot/stembot, 0.1)',
          'content-type': body.contentType,
          'content-length': String(body.contentLength),
        },
        body: body.open(),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      status = res.statusCode;
      retryAfterHeader = res.headers['retry-after'] as string | undefined;
      text = await res.body.text();
    } catch (err) {
      if (attempt < (o.attempts ?? 3)) continue;
      return fail('TRANSIENT', `could not post files: ${(err as Error).message}`);
    }
    const json = parse(text);
    if (status >= 200 && status < 300 && typeof json?.id === 'string') return ok({ messageId: json.id });
    if (status === 429) {
      const waitMs = Math.ceil(1000 * Number(json?.retry_after ?? retryAfterHeader ?? 5));
      if (waitMs <= o.maxRateLimitWaitMs && attempt < (o.attempts ?? 3)) {
        await sleep(waitMs);
        continue;
      }
      return fail('RATE_LIMITED', `rate limited posting files (${waitMs} ms)`, waitMs);
    }
    if (status >= 500 && attempt < (o.attempts ?? 3)) {
      await sleep(250 * attempt);
      continue;
    }
    return chatErrorFromStatus(status, typeof json?.code === 'number' ? json.code : 0, `${status} ${json?.code ?? ''}: ${json?.message ?? text.slice(0, 200)}`);
  }
}

function parse(text: string): { id?: unknown; code?: unknown; message?: unknown; retry_after?: unknown } | undefined {
  try {
    return JSON.parse(text) as never;
  } catch {
    return undefined;
  }
}
