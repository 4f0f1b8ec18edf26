// Nothing accepted is lost: a callback answered 200 while no worker runs (stembot stopped right after the
// 200) is delivered after the restart, exactly once — also across a second restart.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
