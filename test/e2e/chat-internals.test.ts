// Chat shows no internals: when the address guard refuses a download (a stem Kie points at a private address,
// an input file that leads to one), the person reads a plain sentence; the address and the guard's wording
// ("not public", "non-public", "resolves to") stay in the log.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import { postKieCallback } from '../support/kie-callback.js';
import { HMAC_KEY, startStack, type Stack } from './harness.js';

let stack: Stack;
let mirror: Server;
let mirrorHost = '';
const stem = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(4000, 3)]);

const seedSeparation = JSON.parse(readFileSync(new URL('../fixtures/kie/separation-current-separate-vocal.json', import.meta.url), 'utf8'));

/** Internals that must never reach chat. */
const internals = [/10\.1\.2\.3/, /10\.9\.8\.7/, /not public/i, /non-public/i, /resolves/i, /127\.0\.0\.1/, /ESSRF|ECONNREFUSED/];
const plain = 'could not be fetched from an allowed public address';

beforeAll(async () => {
  // An allowed loopback mirror standing in for a public host, whose links lead on to private addresses.
  mirror = createServer((req, res) => {
    if (req.url === '/to-private-stem') return void res.writeHead(302, { location: 'https://10.1.2.3/vocals.mp3' }).end();
    if (req.url === '/to-private-input') return void res.writeHead(302, { location: 'https://10.9.8.7/song.wav' }).end();
    if (req.url === '/i.mp3') return void res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': stem.length }).end(stem);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
  mirrorHost = `127.0.0.1:${(mirror.address() as { port: number }).port}`;
  stack = await startStack({ allowHosts: [mirrorHost] });
});
afterAll(async () => {
  await stack?.close();
  mirror?.close();
});

/** Everything the chat shows for a job: its status message and its thread, as JSON. */
async function chatOf(jobId: string): Promise<string> {
  return JSON.stringify((await stack.messages()).filter((m) => m.jobId === jobId));
}

describe('chat shows no internals', () => {
  it('GIVEN Kie reports a stem whose link leads to a private address THEN the thread says it could not be fetched from an allowed public address, and nothing more', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/private-stem.mp3', mode: 'vocals' });
    const job = await stack.waitFor(async () => {
      const j = await stack.bot.store.getJob(r.body.jobId!);
      return j?.taskId ? j : undefined;
    }, 'submission');
    const body = { ...seedSeparation, data: { task_id: job.taskId, vocal_separation_info: { origin_url: '', vocal_url: `http://${mirrorHost}/to-private-stem`, instrumental_url: `http://${mirrorHost}/i.mp3` } } };
    const res = await postKieCallback(stack.base, job.callbackToken, job.taskId!, body, HMAC_KEY);
    expect(res.status).toBe(200);

    const note = await stack.waitFor(async () => (await stack.thread(job.id)).find((m) => m.text.includes('could not be fetched')), 'the skipped-stem line');
    expect(note.text).toContain(plain);
    const all = await chatOf(job.id);
    for (const bad of internals) expect(all).not.toMatch(bad);
    // The other stem still arrives.
    await stack.waitFor(async () => (await stack.thread(job.id)).some((m) => m.files.length === 1), 'the instrumental');
  });

  it('GIVEN an input file whose link leads to a private address THEN the failure notice says so in plain words, without the address', async () => {
    const r = await stack.bot.service.submit({
      origin: { platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'playground-user', userName: 'You' },
      input: { type: 'private_url', url: `http://${mirrorHost}/to-private-input`, name: 'song.wav' },
      params: { kind: 'separate', mode: 'vocals' },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const tasks = stack.sim.control.tasks().length;
    const notice = await stack.waitFor(async () => (await stack.thread(r.job.id)).find((m) => m.text.includes('failed')), 'the failure notice');
    expect(notice.text).toContain(describeFailure('INPUT_BLOCKED'));
    expect(notice.text).toContain(plain);
    const all = await chatOf(r.job.id);
    for (const bad of internals) expect(all).not.toMatch(bad);
    // The detail is kept for the operator (job record), and nothing was sent to Kie.
    expect((await stack.bot.store.getJob(r.job.id))?.failure).toMatchObject({ code: 'INPUT_BLOCKED', detail: expect.stringContaining('10.9.8.7') });
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
  });
});
