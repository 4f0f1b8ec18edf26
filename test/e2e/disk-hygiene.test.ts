// Nothing left on disk: playground uploads are removed once Kie holds its own copy (or the job ended without
// one), and no download leaves a temp folder behind — after a success, a broken redirect, or 24 retries.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/types.js';
import { wavBytesFor } from '../../src/sim/index.js';
import { postKieCallback } from '../support/kie-callback.js';
import { HMAC_KEY, startStack, type Stack } from './harness.js';

let stack: Stack;
let tmp: string;
let mirror: Server;
let mirrorHost = '';
const stem = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(6000, 3)]);

/** Every file under `dir`, however deep (none when the folder does not exist). */
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name)) : [];
const uploads = () => filesUnder(join(stack.dataDir, 'uploads'));
const temp = () => readdirSync(tmp);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'stembot-hygiene-tmp-'));
  // Kie's file host, played on loopback: good stems, and one whose redirect cannot be parsed.
  mirror = createServer((req, res) => {
    if (req.url === '/bad-location.mp3') return void res.writeHead(302, { location: 'http://[::1' }).end();
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': stem.length }).end(stem);
  });
  await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
  mirrorHost = `127.0.0.1:${(mirror.address() as { port: number }).port}`;
  // Kie takes uploads up to 30 kB here, so a bigger one fails (and is retried until the job fails).
  // Load shedding off: a busy test machine must not turn a submission into a 503.
  stack = await startStack({ tmpDir: tmp, allowHosts: [mirrorHost], sim: { maxUploadBytes: 30_000 }, tuning: { shedEventLoopDelayMs: 60_000 } });
});
afterAll(async () => {
  await stack?.close();
  mirror?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function upload(bytes: number, name: string): Promise<string> {
  const form = new FormData();
  form.set('command', 'separate');
  form.set('mode', 'vocals');
  form.set('audio', new Blob([wavBytesFor({ seed: bytes, freqHz: 330, bytes })], { type: 'audio/wav' }), name);
  const res = await fetch(`${stack.base}/playground/api/commands`, { method: 'POST', headers: { cookie: stack.cookie, origin: stack.base }, body: form });
  expect(res.status).toBe(202);
  return ((await res.json()) as { jobId: string }).jobId;
}

const settled = (jobId: string, done: (j: Job) => boolean) =>
  stack.waitFor(async () => {
    const j = await stack.bot.store.getJob(jobId);
    return j && done(j) && (await stack.bot.store.outboxDepth()) === 0 ? j : undefined;
  }, `job ${jobId} to settle`, 20_000);

describe('nothing left on disk', () => {
  it('GIVEN a playground upload WHEN Kie has its own copy THEN the upload is gone, and the delivered stems left no temp file', async () => {
    const jobId = await upload(20_000, 'Small Demo.wav');
    const job = await settled(jobId, (j) => j.state === 'complete' && j.delivered.length === 2);
    expect(job.input.type).toBe('url'); // the hosted copy is what a retry would use
    expect(stack.sim.control.uploads()).toHaveLength(1);
    expect(uploads()).toEqual([]);
    expect(temp()).toEqual([]);
    expect((await stack.thread(jobId)).flatMap((m) => m.files.map((f) => f.name))).toEqual(['Small Demo - Vocals.wav', 'Small Demo - Instrumental.wav']);
  });

  it('GIVEN a playground upload Kie refuses on every retry WHEN the job fails before any upload THEN the upload is gone too', async () => {
    const jobId = await upload(40_000, 'Too Big.wav');
    const job = await settled(jobId, (j) => j.state === 'failed');
    expect(job.failure?.code).toBe('UPLOAD_FAILED');
    expect(uploads()).toEqual([]);
    expect(temp()).toEqual([]);
  });

  it('GIVEN one stem’s redirect has an unparseable Location WHEN delivery is retried until its last attempt THEN no temp folder is left and the good stem arrives', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/broken.mp3', mode: 'vocals' });
    const job = await settled(r.body.jobId!, (j) => j.taskId !== null);
    const body = { code: 200, msg: 'vocal separation successfully', data: { task_id: job.taskId, vocal_separation_info: { origin_url: '', vocal_url: `http://${mirrorHost}/bad-location.mp3`, instrumental_url: `http://${mirrorHost}/ok.mp3` } } };
    const res = await postKieCallback(stack.base, job.callbackToken, job.taskId!, body, HMAC_KEY);
    expect(res.status).toBe(200);
    // 24 attempts, each downloading the good stem again; wait until the outbox has nothing left for this job.
    await settled(job.id, (j) => j.state === 'complete');
    expect(temp()).toEqual([]);
    const done = (await stack.bot.store.getJob(job.id))!;
    expect(done.delivered.map((d) => [d.key, d.as]).sort()).toEqual([['instrumental', 'attachment'], ['vocal', 'link']]);
    const thread = await stack.thread(job.id);
    expect(thread.flatMap((m) => m.files.map((f) => f.bytes))).toEqual([stem.length]);
  });
});
