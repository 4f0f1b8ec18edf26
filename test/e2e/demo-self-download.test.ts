// Demo mode: the simulator lives on stembot's own server, and the downloader may fetch its /kie-sim/ files —
// but nothing else of that server. A stem URL naming http://127.0.0.1:<port>/metrics must never put the
// Prometheus page (or anything else of this server) into the chat.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/types.js';
import { postKieCallback } from '../support/kie-callback.js';
import { bytesOf, HMAC_KEY, startStack, type Stack } from './harness.js';

let stack: Stack;
let tmp: string;
const sim = () => stack.bot.sim!.control;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'stembot-demo-tmp-'));
  // No KIE_API_KEY: demo mode, the simulator mounted at /kie-sim on stembot's own port.
  stack = await startStack({ env: { KIE_API_KEY: '' }, tmpDir: tmp, tuning: { shedEventLoopDelayMs: 60_000 } });
  expect(stack.bot.config.demo).toBe(true);
});
afterAll(async () => {
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A separation job that Kie (the mounted simulator) accepted and will not call back on its own (it finishes silently after `afterMs`). */
async function submittedJob(name: string, afterMs = 3_600_000): Promise<Job> {
  sim().scriptNext({ steps: [{ stage: 'complete', afterMs, lost: true }] });
  const r = await stack.submit({ command: 'separate', url: `https://music.example.com/${name}.mp3`, mode: 'vocals' });
  expect(r.status).toBe(202);
  return stack.waitFor(async () => {
    const j = await stack.bot.store.getJob(r.body.jobId!);
    return j?.taskId && (await stack.bot.store.outboxDepth()) === 0 ? j : undefined;
  }, 'submission');
}

const idle = () => stack.waitFor(async () => (await stack.bot.store.outboxDepth()) === 0, 'the outbox to drain');

/** Every byte of every file in the job's thread, as text. */
async function threadFiles(jobId: string) {
  const files = (await stack.thread(jobId)).flatMap((m) => m.files);
  return Promise.all(files.map(async (f) => ({ name: f.name, bytes: await stack.fileBytes(f.url) })));
}
const prometheus = /# (HELP|TYPE) |stembot_/;

describe('demo mode: the downloader reaches only the simulator’s /kie-sim/ files on this server', () => {
  it('GIVEN a signed callback whose stem URL is this server’s /metrics WHEN posted THEN it is refused and nothing of /metrics reaches the chat', async () => {
    const job = await submittedJob('metrics-callback');
    const body = {
      code: 200,
      msg: 'vocal separation successfully',
      data: { task_id: job.taskId, vocal_separation_info: { origin_url: '', vocal_url: `${stack.base}/metrics`, instrumental_url: `${stack.base}/playground/api/messages` } },
    };
    const r = await postKieCallback(stack.base, job.callbackToken, job.taskId!, body, HMAC_KEY);
    expect({ status: r.status, error: (r.body as { error?: string }).error }).toEqual({ status: 400, error: 'url_not_allowed' });
    await idle();
    expect((await stack.bot.store.getJob(job.id))!.state).toBe('submitted');
    const files = await threadFiles(job.id);
    expect(files.filter((f) => prometheus.test(f.bytes.toString('latin1')))).toEqual([]);
    expect(files).toEqual([]);
  });

  it('GIVEN Kie’s answer (as a poll applies it) names /metrics beside a real /kie-sim/ stem WHEN delivered THEN the real stem arrives, /metrics is reported as not fetched, and never fetched into the chat', async () => {
    const job = await submittedJob('metrics-poll', 50);
    // The simulator serves a task's files once it has finished.
    await stack.waitFor(async () => {
      const res = await request(sim().task(job.taskId!)!.files[0]!.url);
      await res.body.dump();
      return res.statusCode === 200;
    }, 'the simulator’s files');
    const real = sim().task(job.taskId!)!.files.find((f) => f.key === 'instrumental')!;
    expect(new URL(real.url).pathname.startsWith('/kie-sim/')).toBe(true);
    // What the poller does with record-info's answer: the same entry point, the same outbox, the same downloader.
    const outcome = await stack.bot.service.ingest(job, {
      taskId: job.taskId!,
      source: 'poll',
      stage: 'complete',
      files: [
        { key: 'vocal', label: 'Vocals', url: `${stack.base}/metrics` },
        { key: 'instrumental', label: 'Instrumental', url: real.url },
      ],
    });
    expect(outcome.applied).toBe(true);
    const done = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(job.id);
      return j && j.delivered.length === 2 && (await stack.bot.store.outboxDepth()) === 0 ? j : undefined;
    }, 'delivery');
    const files = await threadFiles(job.id);
    expect(files.filter((f) => prometheus.test(f.bytes.toString('latin1')))).toEqual([]);
    expect(files.map((f) => f.name)).toEqual(['metrics-poll - Instrumental.wav']);
    expect(files[0]!.bytes.equals(await bytesOf(real.url))).toBe(true);
    expect(done.delivered.map((d) => [d.key, d.as]).sort()).toEqual([['instrumental', 'attachment'], ['vocal', 'skipped']]);
    const text = (await stack.thread(job.id)).map((m) => m.text).join('\n');
    expect(text).toMatch(/metrics-poll - Vocals\.\w+ could not be fetched/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('GIVEN the simulator completes a job on its own WHEN delivered THEN its /kie-sim/ stems arrive byte for byte', async () => {
    sim().scriptNext({ steps: [{ stage: 'complete', afterMs: 50 }] });
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/own-stems.mp3', mode: 'vocals' });
    const job = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(r.body.jobId!);
      return j?.state === 'complete' && j.delivered.length === 2 && (await stack.bot.store.outboxDepth()) === 0 ? j : undefined;
    }, 'the simulator’s own delivery');
    const files = await threadFiles(job.id);
    expect(files.map((f) => f.name)).toEqual(['own-stems - Vocals.wav', 'own-stems - Instrumental.wav']);
    for (const [i, f] of job.files.entries()) expect(files[i]!.bytes.equals(await bytesOf(f.url)), f.key).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
