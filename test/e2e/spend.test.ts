// Spend control in the playground, end to end (issue 12): the real stack and the Kie simulator, over HTTP as a
// person uses it. Kie's window is squeezed to one submission per 3 s so jobs visibly wait their turn.
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postKieCallback } from '../support/kie-callback.js';
import { HMAC_KEY, startStack, type Stack } from './harness.js';
import { sleep } from '../support/wait.js';

let stack: Stack;
let cancelledBeforeKie = '';
const lines = new Map<string, string[]>();
beforeAll(async () => {
  stack = await startStack({ tuning: { kieSubmitPerWindow: 1, kieSubmitWindowMs: 3_000, queueRefreshMs: 50, queueEditMinIntervalMs: 200 } });
  stack.chat.subscribe((c) => {
    const v = c.message.status;
    if (c.message.kind === 'status' && v) lines.set(v.jobId, [...(lines.get(v.jobId) ?? []), v.stageLine]);
  });
});
afterAll(async () => stack?.close());

const song = (n: number) => ({ command: 'separate', url: `https://music.example.com/song-${n}.mp3`, mode: 'vocals' });
const press = async (action: Record<string, unknown>) => {
  const r = await request(`${stack.base}/playground/api/actions`, { method: 'POST', headers: { cookie: stack.cookie, origin: stack.base, 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
  return { status: r.statusCode, body: (await r.body.json()) as { message?: string } };
};
const credits = async () => {
  const r = await request(`${stack.base}/playground/api/credits`, { headers: { cookie: stack.cookie } });
  return ((await r.body.json()) as { text: string }).text;
};

describe('spend control in the playground', () => {
  it('GIVEN three jobs at once and room for one submission per 3 s THEN the waiting cards say how many are ahead; WHEN the last is cancelled THEN it never reaches Kie, costs nothing, and the others go on', async () => {
    const answers = await Promise.all([1, 2, 3].map((n) => stack.submit(song(n))));
    for (const a of answers) expect(a).toMatchObject({ status: 202, body: { message: expect.stringMatching(/^Started job \S+ — it costs ≈ 10 credits\./) } });
    const [one, two, three] = answers.map((a) => a.body.jobId!);
    cancelledBeforeKie = three!;

    // The card of the third job shows its place while the first waits out the window.
    await stack.waitFor(async () => (lines.get(three!) ?? []).some((l) => /^Queued — 1 ahead of you \(about 6 s\)/.test(l)), 'the queue position on the third card');
    const card = (await stack.status(three!))!;
    expect(card.status!.costLine).toBe('≈ 10 credits');
    expect(card.status!.actions).toEqual([{ id: 'cancel', label: 'Cancel', jobId: three }]);

    const cancelled = await press({ id: 'cancel', label: 'Cancel', jobId: three });
    expect(cancelled).toEqual({ status: 202, body: { ok: true, message: 'Cancelled. It had not reached Kie yet, so no credits were spent.' } });
    await stack.waitFor(async () => (await stack.status(three!))?.status?.state === 'cancelled', 'the cancelled card');
    const after = (await stack.status(three!))!.status!;
    expect(after.stageLine).toMatch(/^Cancelled by You before it reached Kie — nothing was spent\. \(\d+s\)$/);
    expect(after.costLine).toBe('No credits spent');
    expect(after.actions).toEqual([]);

    // The other two complete; Kie only ever saw two tasks.
    for (const id of [one, two]) await stack.waitFor(async () => (await stack.bot.store.getJob(id!))?.state === 'complete', `job ${id} complete`, 20_000);
    await stack.waitFor(async () => (await stack.status(two!))?.status?.costLine === '10 credits spent', 'the spent cost on the card');
    await sleep(3_500); // a whole window later, still nothing for the cancelled one
    expect(stack.sim.control.tasks()).toHaveLength(2);
    expect((await stack.bot.store.getJob(three!))!.taskId).toBeNull();
    expect(await stack.thread(three!)).toEqual([]);
  }, 40_000);

  it('GIVEN /credits in the playground THEN the local user (its admin) sees the balance and what was spent, the cancelled job not counted', async () => {
    const text = await credits();
    expect(text).toContain('Kie balance: 9980 credits.');
    expect(text).toContain('This server: 20 credits today, 20 credits this month.');
    expect(text).toContain('You: 20 credits today, 20 credits this month.');
  });

  it('GIVEN Kie is out of credits WHEN jobs fail for it THEN one notice reaches the channel, not one per job', async () => {
    stack.sim.control.setCredits(5);
    const notices = async () => (await stack.messages()).filter((m) => m.jobId === '' && m.text.includes('out of credits'));
    const a = await stack.submit(song(4));
    await stack.waitFor(async () => (await stack.bot.store.getJob(a.body.jobId!))?.failure?.code === 'KIE_INSUFFICIENT_CREDITS', 'the first failure', 20_000);
    await stack.waitFor(async () => (await notices()).length === 1, 'the notice');
    const b = await stack.submit(song(5));
    await stack.waitFor(async () => (await stack.bot.store.getJob(b.body.jobId!))?.state === 'failed', 'the second failure', 20_000);
    await sleep(200);
    expect(await notices()).toHaveLength(1);
    expect((await notices())[0]!.text).toMatch(/^stembot: Kie says the account is out of credits/);
    // Failed before Kie accepted them: no credits counted.
    expect(await credits()).toContain('You: 20 credits today');
  }, 40_000);

  it('GIVEN the job cancelled before it reached Kie WHEN a signed callback names a task for it anyway (Kie accepted it at the same moment) THEN 200, nothing is delivered, and its cost now counts as spent', async () => {
    const job = (await stack.bot.store.getJob(cancelledBeforeKie))!;
    const seed = JSON.parse(readFileSync(new URL('../fixtures/kie/separation-current-separate-vocal.json', import.meta.url), 'utf8'));
    const taskId = 'kie-task-raced-the-cancel';
    const body = { ...seed, data: { task_id: taskId, vocal_separation_info: { origin_url: '', vocal_url: 'https://files.example/v.mp3', instrumental_url: 'https://files.example/i.mp3' } } };
    const r = await postKieCallback(stack.base, job.callbackToken, taskId, body, HMAC_KEY);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'received', applied: false });
    expect(await stack.bot.store.getJob(job.id)).toMatchObject({ state: 'cancelled', taskId, files: [], delivered: [] });
    expect(await stack.thread(job.id)).toEqual([]);
    expect(await credits()).toContain('You: 30 credits today');
  });

  it('GIVEN that activity THEN /metrics counts the credits Kie charged, the last balance read and the cancel', async () => {
    const r = await request(`${stack.base}/metrics`);
    const text = await r.body.text();
    expect(text).toContain('stembot_credits_spent_total{kind="separate",platform="playground"} 20');
    expect(text).toMatch(/\nstembot_kie_balance_credits \d+\n/);
    expect(text).toContain('stembot_jobs_cancelled_total{platform="playground",stage="before_kie"} 1');
  });
});

