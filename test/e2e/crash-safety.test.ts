// Nothing accepted is lost: a callback answered 200 while no worker runs (stembot stopped right after the
// 200) is delivered after the restart, exactly once — also across a second restart.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKie } from '../../src/background.js';
import { createLogger } from '../../src/ops/logger.js';
import { HMAC_KEY, startStack, type Stack } from './harness.js';

let stack: Stack;
let mirror: Server;
let mirrorHost = '';
const bytes = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(20_000, 7)]);

beforeAll(async () => {
  mirror = createServer((req, res) => res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': bytes.length }).end(bytes));
  await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
  mirrorHost = `127.0.0.1:${(mirror.address() as { port: number }).port}`;
  stack = await startStack({ allowHosts: [mirrorHost] });
});
afterAll(async () => {
  await stack?.close();
  mirror?.close();
});

describe('crash safety', () => {
  it('GIVEN a callback accepted while the worker is down WHEN stembot restarts THEN every stem is delivered once', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/crash.mp3', mode: 'stems' });
    const job = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(r.body.jobId!);
      return j?.taskId && (await stack.bot.store.outboxDepth()) === 0 ? j : undefined;
    }, 'submission');

    // Stop between the 200 and delivery: the callback lands in a stembot whose worker never runs.
    await stack.restart({ worker: false });
    const ts = Math.floor(Date.now() / 1000);
    const stems = ['vocal', 'drums', 'bass'];
    const body = {
      code: 200,
      msg: 'vocal separation generated successfully.',
      data: { task_id: job.taskId, vocal_separation_info: Object.fromEntries([['origin_url', ''], ...stems.map((s) => [`${s}_url`, `http://${mirrorHost}/${s}.mp3`])]) },
    };
    const res = await request(`${stack.base}/callbacks/kie/${job.callbackToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-timestamp': String(ts), 'x-webhook-signature': createHmac('sha256', HMAC_KEY).update(`${job.taskId}.${ts}`).digest('base64') },
      body: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(await stack.thread(job.id)).toEqual([]);
    expect(await stack.bot.store.outboxDepth()).toBe(2); // status + deliver, waiting

    await stack.restart({ worker: true });
    const files = await stack.waitFor(async () => {
      const f = (await stack.thread(job.id)).flatMap((m) => m.files);
      return f.length === 3 && (await stack.bot.store.outboxDepth()) === 0 ? f : undefined;
    }, 'delivery after restart');
    expect(files.map((f) => f.name)).toEqual(['crash - Vocals.mp3', 'crash - Drums.mp3', 'crash - Bass.mp3']);
    expect(await stack.fileBytes(files[1]!.url)).toEqual(bytes);
    expect((await stack.status(job.id))?.status?.state).toBe('complete');

    // Another restart, and Kie's retry of the same callback: nothing is posted again.
    await stack.restart({ worker: true });
    const again = await request(`${stack.base}/callbacks/kie/${job.callbackToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-timestamp': String(ts), 'x-webhook-signature': createHmac('sha256', HMAC_KEY).update(`${job.taskId}.${ts}`).digest('base64') },
      body: JSON.stringify(body),
    });
    expect(await again.body.json()).toEqual({ status: 'received', applied: false });
    await new Promise((r) => setTimeout(r, 200));
    expect((await stack.thread(job.id)).flatMap((m) => m.files)).toHaveLength(3);
    expect(await stack.bot.store.outboxDepth()).toBe(0);
  });

  it('GIVEN Kie accepted a submission whose answer stembot never stored WHEN Kie calls back THEN the job takes that task, its stems arrive, and Kie is not asked twice', async () => {
    // A stembot whose worker is down: the job is queued with its `submit` step pending, as after a crash
    // between Kie's answer and recording it.
    await stack.restart({ worker: false });
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/lost-answer.mp3', mode: 'vocals' });
    const queued = (await stack.bot.store.getJob(r.body.jobId!))!;
    expect(queued).toMatchObject({ state: 'queued', taskId: null });

    // Only a job still waiting for its submission takes a task this way: one that ended before reaching Kie
    // answers 409 and stays as it was.
    const ended = (await stack.bot.store.getJob((await stack.submit({ command: 'separate', url: 'https://music.example.com/ended.mp3', mode: 'vocals' })).body.jobId!))!;
    await stack.bot.service.ingest(ended, { taskId: '', source: 'stembot', stage: 'failed', code: 'CHAT_UNAVAILABLE' });
    const ts = Math.floor(Date.now() / 1000);
    const stranger = 'f'.repeat(32);
    const refused = await request(`${stack.base}/callbacks/kie/${ended.callbackToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-timestamp': String(ts), 'x-webhook-signature': createHmac('sha256', HMAC_KEY).update(`${stranger}.${ts}`).digest('base64') },
      body: JSON.stringify({ code: 200, msg: 'ok', data: { task_id: stranger, vocal_separation_info: { origin_url: '', vocal_url: 'https://x.example/v.mp3', instrumental_url: 'https://x.example/i.mp3' } } }),
    });
    expect(refused.statusCode).toBe(409);
    expect(await refused.body.json()).toMatchObject({ error: 'task_mismatch', message: expect.stringMatching(/never submitted/) });
    expect(await stack.bot.store.getJob(ended.id)).toMatchObject({ state: 'failed', taskId: null });

    // The submission that reached Kie: made with stembot's own Kie client and the job's own callback URL.
    const acceptedBefore = stack.sim.control.stats().accepted;
    const { kie, client } = createKie(stack.bot.config, createLogger('silent'));
    const sent = await kie.submit(queued.params, { audioUrl: 'https://music.example.com/lost-answer.mp3' }, `${stack.base}/callbacks/kie/${queued.callbackToken}`);
    await client.close();
    if (!sent.ok) throw new Error(sent.code);

    // Kie's callback names the task: stembot records it and the result, with no worker running.
    const adopted = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(queued.id);
      return j?.state === 'complete' ? j : undefined;
    }, 'the callback');
    expect(adopted.taskId).toBe(sent.value.taskId);

    // Back up with the worker: the pending submission finds the task and does not submit again.
    await stack.restart({ worker: true });
    const files = await stack.waitFor(async () => {
      const f = (await stack.thread(queued.id)).flatMap((m) => m.files);
      return f.length === 2 && (await stack.bot.store.outboxDepth()) === 0 ? f : undefined;
    }, 'delivery');
    expect(files.map((f) => f.name)).toEqual(['lost-answer - Vocals.wav', 'lost-answer - Instrumental.wav']);
    expect((await stack.status(queued.id))?.status?.state).toBe('complete');
    expect(stack.sim.control.stats().accepted - acceptedBefore).toBe(1);
  });
});
