// The callback route against bad input: each answered as specified, and the store left exactly as it was.
import Database from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/types.js';
import { HMAC_KEY, startStack, type Stack } from './harness.js';

let stack: Stack;
let job: Job;
let trap: Server;
let trapHits = 0;
let trapHost = '';
let mirror: Server;
let mirrorHost = '';
const stemBytes = { v: Buffer.concat([Buffer.from('ID3'), Buffer.alloc(5000, 1)]), i: Buffer.concat([Buffer.from('ID3'), Buffer.alloc(7000, 2)]) };

const sign = (taskId: string, ts: number, key = HMAC_KEY) => createHmac('sha256', key).update(`${taskId}.${ts}`).digest('base64');
const now = () => Math.floor(Date.now() / 1000);

function snapshot() {
  const db = new Database(join(stack.dataDir, 'stembot.db'), { readonly: true });
  try {
    const count = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    const jobs = db.prepare('SELECT id, state, files, failure, updated_at, last_callback_at FROM jobs ORDER BY id').all();
    return { events: count('job_events'), outbox: count('outbox'), jobs };
  } finally {
    db.close();
  }
}

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const r = await request(`${stack.base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: r.statusCode, body: (await r.body.json()) as { error: string; message: string } };
}

const seedSeparation = JSON.parse(readFileSync(new URL('../fixtures/kie/separation-current-separate-vocal.json', import.meta.url), 'utf8'));
const callbackFor = (taskId: string, urls: { vocal_url: string; instrumental_url: string }) => ({
  ...seedSeparation,
  data: { task_id: taskId, vocal_separation_info: { origin_url: '', ...urls } },
});

beforeAll(async () => {
  // A loopback mirror the operator allowed (DOWNLOAD_ALLOW_HOSTS), standing in for Kie's file host.
  mirror = createServer((req, res) => {
    const b = req.url === '/v.mp3' ? stemBytes.v : req.url === '/i.mp3' ? stemBytes.i : null;
    if (!b) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': b.length }).end(b);
  });
  await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
  mirrorHost = `127.0.0.1:${(mirror.address() as { port: number }).port}`;
  stack = await startStack({ allowHosts: [mirrorHost] });
  trap = createServer((_req, res) => {
    trapHits++;
    res.end('secret');
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  trapHost = `127.0.0.1:${(trap.address() as { port: number }).port}`;
  // A job that Kie accepted but will never call back on its own: we play Kie's callbacks by hand.
  stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
  const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/intake.mp3', mode: 'vocals' });
  job = await stack.waitFor(async () => {
    const j = await stack.bot.store.getJob(r.body.jobId!);
    return j?.taskId && (await stack.bot.store.outboxDepth()) === 0 ? j : undefined;
  }, 'submission');
});
afterAll(async () => {
  await stack?.close();
  trap?.close();
  mirror?.close();
});

describe('callback intake refuses bad input and changes nothing', () => {
  const path = () => `/callbacks/kie/${job.callbackToken}`;
  const good = () => JSON.stringify(callbackFor(job.taskId!, { vocal_url: `http://${mirrorHost}/v.mp3`, instrumental_url: `http://${mirrorHost}/i.mp3` }));
  const signed = (ts = now()) => ({ 'x-webhook-timestamp': String(ts), 'x-webhook-signature': sign(job.taskId!, ts) });

  const cases: [string, () => Promise<{ status: number; body: { error: string; message: string } }>, number, RegExp][] = [
    ['malformed JSON', () => post(path(), '{"code":200,', signed()), 400, /not valid JSON/],
    ['wrong content type', () => post(path(), good(), { ...signed(), 'content-type': 'text/plain' }), 400, /application\/json/],
    ['a body over 256 KiB', () => post(path(), JSON.stringify({ pad: 'x'.repeat(300 * 1024) }), signed()), 413, /larger than/],
    ['an unknown token', () => post('/callbacks/kie/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', good(), signed()), 404, /No job/],
    ['a malformed URL escape', () => post('/callbacks/kie/%zz', good(), signed()), 400, /URI|URL|malformed/i],
    ['a token of the wrong shape', () => post('/callbacks/kie/..%2F..%2Fetc', good(), signed()), 404, /No job/],
    ['a task id that is not this job’s', () => {
      const ts = now();
      return post(path(), JSON.stringify(callbackFor('0123456789abcdef0123456789abcdef', { vocal_url: 'https://a.example/v.mp3', instrumental_url: '' })), { 'x-webhook-timestamp': String(ts), 'x-webhook-signature': sign('0123456789abcdef0123456789abcdef', ts) });
    }, 409, /not the task/],
    ['a forged signature', () => post(path(), good(), { 'x-webhook-timestamp': String(now()), 'x-webhook-signature': sign(job.taskId!, now(), 'wrong-key') }), 401, /SIGNATURE_INVALID/],
    ['a replayed stale timestamp', () => post(path(), good(), signed(now() - 301)), 401, /SIGNATURE_STALE/],
    ['missing signature headers', () => post(path(), good()), 401, /SIGNATURE_MISSING/],
    ['a payload of no known shape', () => post(path(), JSON.stringify({ code: 200, msg: 'ok', data: { task_id: job.taskId } }), signed()), 400, /./],
    ['a stem URL on loopback', () => post(path(), JSON.stringify(callbackFor(job.taskId!, { vocal_url: `https://${trapHost}/v.mp3`, instrumental_url: `http://${trapHost}/i.mp3` })), signed()), 400, /not public|not allowed/],
    ['a stem URL in 10.0.0.0/8', () => post(path(), JSON.stringify(callbackFor(job.taskId!, { vocal_url: 'https://10.2.3.4/v.mp3', instrumental_url: '' })), signed()), 400, /10\.2\.3\.4 is not public/],
    ['a stem URL at the metadata service', () => post(path(), JSON.stringify(callbackFor(job.taskId!, { vocal_url: 'https://169.254.169.254/latest/meta-data/', instrumental_url: '' })), signed()), 400, /169\.254\.169\.254 is not public/],
    ['a file: stem URL', () => post(path(), JSON.stringify(callbackFor(job.taskId!, { vocal_url: 'file:///etc/passwd', instrumental_url: '' })), signed()), 400, /file: is not allowed/],
  ];

  it.each(cases)('GIVEN %s WHEN posted THEN it is refused with a reason, and the store is unchanged', async (_name, send, status, reason) => {
    const before = snapshot();
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.body.message).toMatch(reason);
    expect(snapshot()).toEqual(before);
    expect(trapHits).toBe(0);
  });

  it('GIVEN a job with no recorded task WHEN a well-signed callback on its URL names a task another job owns THEN 409, and nothing changes', async () => {
    // A job whose submission never recorded a task (stembot died in that round trip): its own callback may
    // supply the task, but not one that is already another job's.
    const token = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const orphan = await stack.bot.store.createJob(
      { id: 'orphanjob01', platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'u-orphan', userName: 'Orphan', originMeta: {}, kind: 'separate', params: { kind: 'separate', mode: 'vocals' }, input: { type: 'url', url: 'https://music.example.com/o.mp3', name: 'o.mp3' }, inputName: 'o.mp3', callbackToken: token, createdAt: Date.now(), cost: 10 },
      [],
    );
    const before = snapshot();
    const ts = now();
    const r = await post(`/callbacks/kie/${token}`, JSON.stringify(callbackFor(job.taskId!, { vocal_url: `http://${mirrorHost}/v.mp3`, instrumental_url: '' })), { 'x-webhook-timestamp': String(ts), 'x-webhook-signature': sign(job.taskId!, ts) });
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('task_mismatch');
    expect(snapshot()).toEqual(before);
    expect((await stack.bot.store.getJob(orphan.id))?.taskId).toBeNull();
  });

  it('GIVEN a well-signed seed-shaped callback WHEN posted twice THEN it is applied once and delivered once', async () => {
    const body = good();
    const first = await post(path(), body, signed());
    expect(first).toEqual({ status: 200, body: { status: 'received', applied: true } });
    const second = await post(path(), body, signed());
    expect(second).toEqual({ status: 200, body: { status: 'received', applied: false } });
    const files = await stack.waitFor(async () => {
      const f = (await stack.thread(job.id)).flatMap((m) => m.files);
      return f.length === 2 ? f : undefined;
    }, 'the stems in the thread');
    expect(files.map((f) => [f.name, f.bytes])).toEqual([['intake - Vocals.mp3', stemBytes.v.length], ['intake - Instrumental.mp3', stemBytes.i.length]]);
    expect(await stack.fileBytes(files[0]!.url)).toEqual(stemBytes.v);
    expect((await stack.bot.store.getJob(job.id))?.state).toBe('complete');
  });
});
