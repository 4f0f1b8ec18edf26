// Kie's answers read the way Kie means them (docs/kie-answers.md), through the whole stack: a small fake Kie
// on 127.0.0.1 answers the submissions it is told to and hands everything else to the simulator, counting
// the submissions it saw. What a person reads reaches the playground chat.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import type { Job } from '../../src/core/types.js';
import { startStack, type Stack } from './harness.js';
import { sleep } from '../support/wait.js';

const SUBMIT = /^\/api\/v1\/(vocal-removal\/generate|generate\/add-(vocals|instrumental))$/;

interface FakeKie {
  url: string;
  /** Answers for the next submissions, in order; then submissions go to the simulator. */
  script: object[];
  /** The balance `GET /api/v1/chat/credit` answers; undefined → the simulator's. */
  balance?: number;
  submits: number;
  creditReads: number;
  /** Balance reads seen when each submission arrived: what stembot read before deciding to submit again. */
  readsAtSubmit: number[];
  target: string;
  server: Server;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function startFakeKie(): Promise<FakeKie> {
  const fake: FakeKie = { url: '', script: [], submits: 0, creditReads: 0, readsAtSubmit: [], target: '', server: undefined as never };
  fake.server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0]!;
    if (SUBMIT.test(path)) {
      fake.submits++;
      fake.readsAtSubmit.push(fake.creditReads);
      const next = fake.script.shift();
      if (next) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(next));
    }
    if (path === '/api/v1/chat/credit') {
      fake.creditReads++;
      if (fake.balance !== undefined) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 200, msg: 'success', data: fake.balance }));
    }
    const headers = { ...req.headers };
    delete headers.host;
    const up = await request(`${fake.target}${req.url}`, { method: req.method as 'GET', headers, body: body.length ? body : undefined });
    const out = Buffer.from(await up.body.arrayBuffer());
    res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') }).end(out);
  });
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

let fake: FakeKie;
let stack: Stack;

beforeAll(async () => {
  fake = await startFakeKie();
  stack = await startStack({ env: { KIE_API_URL: fake.url, KIE_UPLOAD_URL: fake.url } });
  fake.target = stack.sim.url;
});
afterAll(async () => {
  await stack?.close();
  fake?.server.close();
});

async function settled(jobId: string): Promise<Job> {
  return stack.waitFor(async () => {
    const job = await stack.bot.store.getJob(jobId);
    if (!job || (job.state !== 'complete' && job.state !== 'failed')) return undefined;
    return (await stack.bot.store.outboxDepth()) === 0 ? job : undefined;
  }, `job ${jobId} to settle`, 20_000);
}

describe('code 429 on submit: rate limited or out of credits, told apart by the balance', () => {
  it('GIVEN a 429 answer and a balance that covers the job THEN it is a rate limit: stembot pauses, submits again and the stems arrive', async () => {
    fake.script = [{ code: 429, msg: 'The current credits are insufficient. Please top up.', data: null }];
    fake.balance = 500;
    const before = { submits: fake.submits };
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/covers.mp3', mode: 'vocals' });
    const job = await settled(r.body.jobId!);
    expect(job.state).toBe('complete');
    expect(fake.submits - before.submits).toBe(2);
    // One balance read between the 429 and the second submission (a read after an accepted submission is the
    // low-balance check, not part of this decision).
    const [first, second] = fake.readsAtSubmit.slice(-2);
    expect(second! - first!).toBe(1);
    expect((await stack.thread(job.id)).flatMap((m) => m.files)).toHaveLength(2);
  });

  it('GIVEN a 429 answer and a balance below the job’s cost THEN the job fails once with the out-of-credits notice', async () => {
    fake.script = [{ code: 429, msg: 'Too many requests', data: null }];
    fake.balance = 5; // split_stem costs 50
    const before = fake.submits;
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/broke.mp3', mode: 'stems' });
    const job = await settled(r.body.jobId!);
    expect(job.failure).toMatchObject({ code: 'KIE_INSUFFICIENT_CREDITS' });
    expect(fake.submits - before).toBe(1);
    const [notice] = await stack.thread(job.id);
    expect(notice!.text).toContain(describeFailure('KIE_INSUFFICIENT_CREDITS'));
    expect(notice!.text).toContain('balance 5 credits, this job needs about 50');
  });

  it.each([405, 430])('GIVEN a %i answer ("call frequency too high") THEN it is a rate limit: submitted again and completed', async (code) => {
    fake.script = [{ code, msg: 'Your call frequency is too high', data: null }];
    fake.balance = undefined;
    const before = { submits: fake.submits };
    const r = await stack.submit({ command: 'separate', url: `https://music.example.com/busy-${code}.mp3`, mode: 'vocals' });
    const job = await settled(r.body.jobId!);
    expect(job.state).toBe('complete');
    expect(fake.submits - before.submits).toBe(2);
    const [first, second] = fake.readsAtSubmit.slice(-2);
    expect(second! - first!).toBe(0);
  });
});

describe('split_stem_advanced', () => {
  it('GIVEN one instrument asked for THEN one stem arrives, named for that instrument', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/solo.mp3', mode: 'single', stem: 'Piano' });
    const job = await settled(r.body.jobId!);
    expect(job.state).toBe('complete');
    const task = stack.sim.control.task(job.taskId!)!;
    expect(task.params).toMatchObject({ type: 'split_stem_advanced', stemName: 'Piano' });
    expect(task.record).toMatchObject({ successFlag: 'SUCCESS', response: { pianoUrl: expect.any(String) } });
    const files = (await stack.thread(job.id)).flatMap((m) => m.files);
    expect(files.map((f) => f.name)).toEqual(['solo - Piano.wav']);
  });
});

// Last in this file: the refusal is remembered for an hour, so later separations of links would be refused.
describe('Kie refusing audioUrl', () => {
  it('GIVEN Kie refuses a link for separation THEN the job fails with the explanation, and the next /separate with a link is answered at once, privately, without asking Kie; a Kie track still goes through', async () => {
    stack.sim.control.scriptNext('refuse-audio-url');
    const first = await stack.submit({ command: 'separate', url: 'https://music.example.com/refused.mp3', mode: 'vocals' });
    const job = await settled(first.body.jobId!);
    expect(job.failure).toMatchObject({ code: 'KIE_AUDIO_URL_REFUSED' });
    const [notice] = await stack.thread(job.id);
    expect(notice!.text).toContain(describeFailure('KIE_AUDIO_URL_REFUSED'));

    const before = { submits: fake.submits, accepted: stack.sim.control.stats().accepted, credits: stack.sim.control.credits() };
    const jobsBefore = (await stack.messages()).filter((m) => m.kind === 'status').length;
    const second = await stack.submit({ command: 'separate', url: 'https://music.example.com/another.mp3', mode: 'stems' });
    expect(second.status).toBe(400);
    expect(second.body.code).toBe('KIE_AUDIO_URL_REFUSED');
    expect(second.body.message).toContain('task_id + audio_id');
    expect(second.body.message).toContain('Kie said: audioUrl is not supported');
    expect(second.body.jobId).toBeUndefined();
    await sleep(200);
    expect(fake.submits).toBe(before.submits);
    expect(stack.sim.control.stats().accepted).toBe(before.accepted);
    expect(stack.sim.control.credits()).toBe(before.credits);
    expect((await stack.messages()).filter((m) => m.kind === 'status')).toHaveLength(jobsBefore);

    // The alternative the answer names works: a Kie track is separated as usual.
    const track = await stack.submit({ command: 'separate', task_id: 'generated-task', audio_id: 'generated-audio', mode: 'vocals' });
    expect((await settled(track.body.jobId!)).state).toBe('complete');
    expect(fake.submits).toBe(before.submits + 1);
  });
});
