// The outbox worker with a fake Kie and a fake chat platform: order, retries, and what happens when the
// conversation cannot be opened.
import { describe, expect, it } from 'vitest';
import type { ChatPort, ChatResult, KiePort } from '../../src/core/ports.js';
import { defaults } from '../../src/config.js';
import { JobService } from '../../src/core/job-service.js';
import { Downloader } from '../../src/delivery/downloader.js';
import { OutboxWorker } from '../../src/delivery/outbox-worker.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';

const origin = { platform: 'playground' as const, workspaceId: 'w', channelId: 'c', userId: 'u', userName: 'Ada' };
const quiet = { info() {}, warn() {}, error() {} };

function fakeKie() {
  const submitted: string[] = [];
  const kie: KiePort = {
    async submit(_p, source) {
      submitted.push(JSON.stringify(source));
      return { ok: true, value: { taskId: `task-${submitted.length}` } };
    },
    async uploadFile() { return { ok: false, code: 'UPLOAD_FAILED' }; },
    async poll() { return { ok: true, value: null }; },
    async credits() { return { ok: true, value: 1 }; },
  };
  return { kie, submitted };
}

function chatWith(postStatus: () => ChatResult<{ messageId: string }>) {
  const calls: string[] = [];
  const chat: ChatPort = {
    platform: 'playground',
    limits: () => ({ maxFileBytes: 1000, maxFilesPerMessage: 10 }),
    async postStatus() { calls.push('postStatus'); return postStatus(); },
    async editStatus() { calls.push('editStatus'); return { ok: true, value: undefined }; },
    async openThread() { calls.push('openThread'); return { ok: false, code: 'FORBIDDEN' }; },
    async post(_j, thread, m) { calls.push(`post:${thread}:${m.text.slice(0, 30)}`); return { ok: true, value: { messageId: 'p' } }; },
  };
  return { chat, calls };
}

type Retry = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; random?: () => number };
const fastRetry: Retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

async function harness(chat: ChatPort, kie: KiePort, retry: Retry = fastRetry, now: () => number = () => Date.now()) {
  const store = new SqliteJobStore(':memory:');
  await store.migrate();
  const service = new JobService({ store, clock: { now }, maxInputBytes: 1e6, maxActivePerUser: 0, maxActivePerWorkspace: 0 });
  const downloader = new Downloader({ allowHosts: [], timeoutMs: 1000 });
  const worker = new OutboxWorker({
    store, chat: { playground: chat }, now, log: quiet, tickMs: 10, leaseMs: 10_000, concurrency: 2, ...retry,
    steps: { store, kie, downloader, now, callbackUrlFor: (t) => `https://bot.test/callbacks/kie/${t}`, firstPollDelayMs: 1000, maxInputBytes: 1e6, ingest: (j, e) => service.ingest(j, e) },
    delivery: { store, downloader, now, maxStemBytes: 1e6, downloadConcurrency: 2 },
  });
  const drain = async () => {
    worker.start();
    for (let i = 0; i < 200 && (await store.outboxDepth()) > 0; i++) {
      worker.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
    await worker.stop();
  };
  return { store, service, worker, drain };
}

describe('outbox worker', () => {
  it('GIVEN a channel where the status cannot be posted WHEN the job starts THEN it fails before Kie is charged', async () => {
    const { kie, submitted } = fakeKie();
    const { chat } = chatWith(() => ({ ok: false, code: 'FORBIDDEN', detail: 'missing permission' }));
    const h = await harness(chat, kie);
    const r = await h.service.submit({ origin, input: { type: 'url', url: 'https://x.test/a.mp3', name: 'a.mp3' }, params: { kind: 'separate', mode: 'vocals' } });
    if (!r.ok) throw new Error(r.message);
    await h.drain();
    const job = await h.store.getJob(r.job.id);
    expect(job?.state).toBe('failed');
    expect(job?.failure?.code).toBe('CHAT_UNAVAILABLE');
    expect(submitted).toEqual([]);
  });

  it('GIVEN a thread cannot be opened WHEN the job runs THEN it replies in the channel, says so once, and submits', async () => {
    const { kie, submitted } = fakeKie();
    const { chat, calls } = chatWith(() => ({ ok: true, value: { messageId: 'status-1' } }));
    const h = await harness(chat, kie);
    const r = await h.service.submit({ origin, input: { type: 'url', url: 'https://x.test/a.mp3', name: 'a.mp3' }, params: { kind: 'separate', mode: 'vocals' } });
    if (!r.ok) throw new Error(r.message);
    await h.drain();
    expect(calls).toEqual(['postStatus', 'openThread', 'post:null:I could not open a thread here', 'editStatus']);
    expect(submitted).toEqual(['{"audioUrl":"https://x.test/a.mp3"}']);
    expect((await h.store.getJob(r.job.id))?.threadId).toBe('');
  });

  it('GIVEN a transient failure WHEN posting the status THEN it is retried with backoff until it works', async () => {
    const { kie, submitted } = fakeKie();
    let n = 0;
    const { chat } = chatWith(() => (++n < 3 ? { ok: false, code: 'TRANSIENT' } : { ok: true, value: { messageId: 's' } }));
    const h = await harness(chat, kie);
    const r = await h.service.submit({ origin, input: { type: 'url', url: 'https://x.test/b.mp3', name: 'b.mp3' }, params: { kind: 'separate', mode: 'stems' } });
    if (!r.ok) throw new Error(r.message);
    await h.drain();
    expect(n).toBe(3);
    expect(submitted).toHaveLength(1);
    expect((await h.store.getJob(r.job.id))?.state).toBe('submitted');
  });

  it('GIVEN the default retry settings and a chat down for 35 minutes WHEN a job starts during the outage THEN it waits the outage out and goes on, instead of failing', async () => {
    const { kie, submitted } = fakeKie();
    let simulated = 1_000_000;
    // With the shortest jitter the 24th and last attempt comes 39 minutes in: 35 is inside the window.
    const outageEnds = simulated + 35 * 60_000;
    const tries: number[] = [];
    const { chat } = chatWith(() => (tries.push(simulated), simulated < outageEnds ? { ok: false, code: 'TRANSIENT' } : { ok: true, value: { messageId: 's' } }));
    // random = 0: the shortest jitter, so the retries are as close together as the defaults allow.
    const retry = { maxAttempts: defaults.outboxMaxAttempts, baseDelayMs: defaults.outboxBaseDelayMs, maxDelayMs: defaults.outboxMaxDelayMs, random: () => 0 };
    const h = await harness(chat, kie, retry, () => simulated);
    const r = await h.service.submit({ origin, input: { type: 'url', url: 'https://x.test/c.mp3', name: 'c.mp3' }, params: { kind: 'separate', mode: 'vocals' } });
    if (!r.ok) throw new Error(r.message);
    h.worker.start();
    // Simulated time moves in 10 s steps; each step gives the worker a moment of real time to run what is due.
    for (let i = 0; i < 400 && (await h.store.getJob(r.job.id))?.state === 'queued'; i++) {
      simulated += 10_000;
      h.worker.wake();
      await new Promise((res) => setTimeout(res, 5));
    }
    await h.worker.stop();
    const job = await h.store.getJob(r.job.id);
    expect(job?.state).toBe('submitted');
    expect(job?.failure).toBeNull();
    expect(submitted).toHaveLength(1);
    expect(tries.at(-1)).toBeGreaterThanOrEqual(outageEnds);
    expect(tries.length).toBeLessThanOrEqual(defaults.outboxMaxAttempts);
  });
});
