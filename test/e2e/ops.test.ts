// Operations: health, readiness, metrics, and logs that carry job ids but never a secret.
import { Writable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskUrl } from '../../src/ops/logger.js';
import { HMAC_KEY, PASSWORD, startStack, type Stack } from './harness.js';

let stack: Stack;
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    lines.push(String(chunk));
    cb();
  },
});

beforeAll(async () => {
  stack = await startStack({ logSink: sink });
});
afterAll(async () => stack?.close());

const get = async (path: string) => {
  const r = await request(`${stack.base}${path}`);
  return { status: r.statusCode, type: String(r.headers['content-type']), text: await r.body.text() };
};

describe('operations', () => {
  it('GIVEN a running stembot WHEN probed THEN /healthz and /readyz answer', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, text: '{"status":"ok"}' });
    expect(await get('/readyz')).toMatchObject({ status: 200, text: '{"status":"ready"}' });
  });

  it('GIVEN a finished job WHEN /metrics is scraped THEN submissions, completions, callbacks and queue depth show', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/m.mp3', mode: 'vocals' });
    await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(r.body.jobId!);
      return j?.state === 'complete' && (await stack.bot.store.outboxDepth()) === 0;
    }, 'job done');
    const m = await get('/metrics');
    expect(m.type).toMatch(/^text\/plain/);
    expect(m.text).toContain('stembot_jobs_submitted_total{kind="separate",platform="playground"} 1');
    expect(m.text).toContain('stembot_jobs_completed_total{kind="separate"} 1');
    expect(m.text).toContain('stembot_callbacks_total{outcome="applied"} 1');
    expect(m.text).toContain('stembot_outbox_depth 0');
    expect(m.text).toMatch(/stembot_delivery_latency_seconds_count 1/);
  });

  it('GIVEN all that traffic WHEN the logs are read THEN job ids appear and no secret does', async () => {
    const job = (await stack.bot.store.listJobsByUser('playground', 'playground-user', 1))[0]!;
    const all = lines.join('');
    expect(all).toContain(`"jobId":"${job.id}"`);
    expect(maskUrl(`/callbacks/kie/${job.callbackToken}?x=1`)).toBe('/callbacks/kie/[token]?x=1');
    for (const secret of ['test-key', HMAC_KEY, PASSWORD, job.callbackToken]) expect(all).not.toContain(secret);
  });
});
