// The playground's side of "no silent double charge": Kie takes a submission but its answer never reaches
// stembot (no answer within the request timeout). stembot does not send the job again; the status says it may or
// may not have started, and the thread offers "Submit again", which survives a restart and submits once.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundMessage } from '../../src/chat/playground/message.js';
import { HoldingProxy } from './holding-kie.js';
import { startStack, type Stack } from './harness.js';
import { sleep } from '../support/wait.js';

let kie: HoldingProxy;
let stack: Stack;

beforeAll(async () => {
  kie = await new HoldingProxy('').start();
  stack = await startStack({ env: { KIE_API_URL: kie.url }, tuning: { kieRequestTimeoutMs: 1_000 } });
  kie.target = stack.sim.url;
});
afterAll(async () => {
  await stack?.close();
  await kie?.close();
});

const resubmit = (m: PlaygroundMessage) => m.actions.find((a) => a.id === 'resubmit');
const press = (action: unknown, headers: Record<string, string> = { origin: stack.base }) =>
  request(`${stack.base}/playground/api/actions`, { method: 'POST', headers: { cookie: stack.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ action }) });

describe('playground: a submission Kie certainly refused', () => {
  it('GIVEN Kie answers 503 twice WHEN stembot submits THEN it retries on its own, no "Submit again" is offered, and Kie gets the job once', async () => {
    kie.refuseSubmissions = 2;
    const before = stack.sim.control.stats().accepted;
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/busy.mp3', mode: 'vocals' });
    const jobId = r.body.jobId!;
    await stack.waitFor(async () => (await stack.thread(jobId)).flatMap((m) => m.files).length === 2, 'the stems');
    expect(kie.refuseSubmissions).toBe(0);
    expect(stack.sim.control.stats().accepted).toBe(before + 1);
    expect((await stack.thread(jobId)).filter((m) => resubmit(m))).toEqual([]);
  }, 60_000);
});

describe('playground: a submission whose answer was lost', () => {
  it('GIVEN Kie took the job but its answer never came WHEN stembot gives up waiting THEN it does not submit again, says so, and "Submit again" (after a restart) submits once', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
    kie.hold = true;
    const held = kie.nextHeld();
    const before = stack.sim.control.stats().accepted;
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/lost.mp3', mode: 'vocals' });
    expect(r.status).toBe(202);
    const jobId = r.body.jobId!;
    await held;
    const notice = await stack.waitFor(async () => (await stack.thread(jobId)).find((m) => resubmit(m)), 'the Submit again notice');
    kie.hold = false;
    expect(notice.text).toMatch(/Not sure Kie got this job/);
    expect(resubmit(notice)).toMatchObject({ id: 'resubmit', label: 'Submit again (may charge twice)', jobId });
    expect((await stack.status(jobId))?.status?.stageLine).toMatch(/may or may not have started/);
    await sleep(1_000);
    expect(stack.sim.control.stats().accepted).toBe(before + 1);

    // The button works after a restart; a press without the page's Origin is refused and changes nothing.
    await stack.restart();
    const forged = await press(resubmit(notice), {});
    expect(forged.statusCode).toBe(403);
    await forged.body.dump();
    const ok = await press(resubmit(notice));
    expect(ok.statusCode).toBe(202);
    await ok.body.dump();
    const files = await stack.waitFor(async () => {
      const f = (await stack.thread(jobId)).flatMap((m) => m.files);
      return f.length === 2 && f;
    }, 'the stems');
    expect(files.map((f) => f.name)).toEqual(['lost - Vocals.wav', 'lost - Instrumental.wav']);
    expect((await stack.status(jobId))?.status?.state).toBe('complete');
    expect(stack.sim.control.stats().accepted).toBe(before + 2);

    // Pressed again: refused, nothing sent.
    const again = await press(resubmit(notice));
    expect(again.statusCode).toBe(400);
    expect(await again.body.json()).toMatchObject({ code: 'RESUBMIT_REFUSED', message: expect.stringMatching(/Kie has this job already/) });
    expect(stack.sim.control.stats().accepted).toBe(before + 2);
  }, 60_000);
});
