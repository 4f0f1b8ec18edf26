import { afterEach, describe, expect, it } from 'vitest';
import type { PlaygroundChange } from '../../src/chat/playground/message.js';
import { jobFrom } from './fixtures.js';
import { startPlayground, type Playground } from './harness.js';

/** Reads an SSE response until `until` says a chunk of text is enough (bounded by the test timeout). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended after: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe('playground event stream', () => {
  let pg: Playground;
  afterEach(() => pg.close());

  it('GIVEN an open event stream WHEN a message is posted THEN the stream delivers it as an event, with heartbeats between', async () => {
    pg = await startPlayground({ heartbeatMs: 20 });
    const base = await pg.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${base}/playground/api/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    await readUntil(reader, (t) => t.includes(': connected'));

    const job = jobFrom(
      {
        origin: { platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'u', userName: 'Ada' },
        input: { type: 'url', url: 'https://example.com/a.mp3', name: 'a.mp3' },
        params: { kind: 'separate', mode: 'vocals' },
      },
      'job-sse',
      Date.now(),
    );
    await pg.chat.post(job, null, { text: 'Hello from the outbox', mention: true }, 'hello');

    const text = await readUntil(reader, (t) => /data: .*\n\n/.test(t));
    const data = /data: (.*)\n\n/.exec(text)![1]!;
    const change = JSON.parse(data) as PlaygroundChange;
    expect(change.type).toBe('post');
    expect(change.message).toMatchObject({ text: 'Hello from the outbox', mention: { userId: 'u', userName: 'Ada' } });
    await readUntil(reader, (t) => t.includes(': heartbeat'));

    // Closing the app ends open streams instead of waiting on them forever.
    await pg.app.close();
    await readUntil(reader, () => false).catch((err: Error) => expect(err.message).toMatch(/stream ended/));
  });
});
