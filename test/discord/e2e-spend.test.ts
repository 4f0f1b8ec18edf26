// Spend control on Discord, end to end (issue 12): the real stack against the fake Discord and the Kie
// simulator. Costs before and after, the daily budget, /credits by permission, Cancel, and the admin notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonPress, slashCommand } from '../fakes/discord-interactions.js';
import { alice, bob, startStack, startedJobId, statusMessageOf, type Stack } from './harness.js';
import { sleep, waitFor } from '../support/wait.js';

const MANAGE_GUILD = String(0x20);
const MANAGE_MESSAGES = String(0x2000);
let s: Stack;
let admin: string;
beforeAll(async () => {
  // Kie's balance starts at 10 000 in the simulator: the first 10-credit submission takes it under 9 995.
  s = await startStack({ adminChannel: true, env: { BUDGET_USER_DAILY: '25', KIE_LOW_BALANCE: '9995' } });
  admin = [...s.discord.channels.values()].find((c) => c.name === 'admin')!.id;
});
afterAll(async () => {
  await s?.close();
});

const track = { task_id: 'a1b2c3', audio_id: 'e1e2e3e4-0000-4000-8000-000000000001' };
const member = { ...alice, permissions: '0' };

async function start(who = member, options: Record<string, string> = track): Promise<{ reply: string; jobId?: string }> {
  const i = slashCommand('separate', options, who, s.place());
  await s.send(i);
  const reply = await waitFor('the private answer', () => s.discord.privateReply(i.token)?.content as string | undefined);
  return { reply, ...(/Started job/.test(reply) ? { jobId: startedJobId({ content: reply }) } : {}) };
}

const buttonsOf = (m: any) => (m.components ?? []).flatMap((r: any) => r.components);

describe('spend control on Discord', () => {
  let first: string;
  it('GIVEN a /separate WHEN it starts THEN the private answer and the status card say ≈ 10 credits, the card has a Cancel button, and after completion it says 10 credits spent', async () => {
    const r = await start();
    first = r.jobId!;
    expect(r.reply).toContain('It costs ≈ 10 credits');
    const card = await waitFor('the status card', () => statusMessageOf(s, first));
    const posted = s.discord.requests.find((q) => q.method === 'POST' && q.nonce !== undefined && q.nonce === card.nonce)!.body;
    expect(posted.embeds[0].footer.text).toBe(`Job ${first} · ≈ 10 credits · /job id:${first}`);
    expect(buttonsOf(posted)).toEqual([{ type: 2, style: 4, label: 'Cancel', custom_id: `sb1:cancel:${first}` }]);
    await waitFor('completion', async () => (await s.bot.store.getJob(first))?.state === 'complete' && statusMessageOf(s, first)!.embeds[0].footer.text.includes('10 credits spent'));
    expect(buttonsOf(statusMessageOf(s, first))).toEqual([]);
  });

  it('GIVEN the balance fell under KIE_LOW_BALANCE THEN one notice reached the admin channel, and a second submission adds none', async () => {
    const notice = await waitFor('the low-balance notice', () => s.discord.messagesIn(admin)[0]);
    expect(notice.content).toMatch(/Kie balance is low — 9990 credits left \(alert threshold 9995 credits\)/);
    const r = await start();
    await waitFor('the second job submitted', async () => (await s.bot.store.getJob(r.jobId!))?.taskId);
    await waitFor('the balance read after it', () => s.sim.control.credits() === 9980);
    await sleep(300);
    expect(s.discord.messagesIn(admin)).toHaveLength(1);
  });

  it('GIVEN 20 of a 25-credit daily budget used WHEN a 50-credit split is asked for THEN it is refused privately with what was used, what is left and when it resets, and Kie is never called', async () => {
    const accepted = s.sim.control.stats().accepted;
    const jobsBefore = (await s.jobs()).length;
    const r = await start(member, { ...track, mode: 'stems' });
    expect(r.reply).toMatch(
      /^This job would cost ≈ 50 credits, more than is left of your daily budget: 20 of 25 credits used today, 5 left\. It resets at 00:00 UTC \(in (\d+h \d+m|\d+m \d+s|\d+s)\)\. Nothing was spent\.$/,
    );
    expect((await s.jobs()).length).toBe(jobsBefore);
    expect(s.sim.control.stats().accepted).toBe(accepted);
    const metrics = await (await fetch(`${s.endpoint.replace('/discord/interactions', '')}/metrics`)).text();
    expect(metrics).toContain('stembot_budget_refusals_total{budget="user_daily",platform="discord"} 1');
  });

  it('GIVEN /credits WHEN a member asks THEN only their own spending and budget; WHEN someone with Manage Server asks THEN the Kie balance and the server’s spending too', async () => {
    const mine = slashCommand('credits', {}, member, s.place());
    await s.send(mine);
    const own = await waitFor('the member’s answer', () => s.discord.privateReply(mine.token)?.content as string | undefined);
    expect(own).toContain('You: 20 credits today, 20 credits this month.');
    expect(own).toMatch(/Your daily budget: 5 of 25 credits left/);
    expect(own).not.toContain('Kie balance');
    expect(own).not.toContain('This server');

    const boss = slashCommand('credits', {}, { ...bob, permissions: MANAGE_GUILD }, s.place());
    await s.send(boss);
    const full = await waitFor('the manager’s answer', () => s.discord.privateReply(boss.token)?.content as string | undefined);
    expect(full).toContain('Kie balance: 9980 credits.');
    expect(full).toContain('This server: 20 credits today, 20 credits this month.');
    expect(full).toContain('You: 0 credits today, 0 credits this month.');
  });

  it('GIVEN a job Kie is working on WHEN someone else presses Cancel THEN refused; WHEN its requester does THEN the card says who cancelled and that Kie may still charge, and the late callback delivers nothing', async () => {
    // Bob (no budget used yet) starts a job Kie finishes only in ~2 s.
    s.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 100_000 }] });
    const r = await start({ ...bob, permissions: '0' });
    const jobId = r.jobId!;
    await waitFor('submission', async () => (await s.bot.store.getJob(jobId))?.state === 'submitted');
    const card = await waitFor('the card', () => statusMessageOf(s, jobId));

    const stranger = buttonPress(`sb1:cancel:${jobId}`, member, s.place(), card.id);
    await s.send(stranger);
    expect(await waitFor('refusal', () => s.discord.privateReply(stranger.token)?.content)).toBe(
      `Only <@${bob.id}>, who started this job, or someone with Manage Messages can use this button.`,
    );
    expect((await s.bot.store.getJob(jobId))!.state).toBe('submitted');

    const own = buttonPress(`sb1:cancel:${jobId}`, { ...bob, permissions: '0' }, s.place(), card.id);
    await s.send(own);
    expect(await waitFor('the answer', () => s.discord.privateReply(own.token)?.content)).toBe(
      'Cancelled. stembot stops tracking it and will deliver nothing, but Kie had already accepted it and may still charge its ≈ 10 credits.',
    );
    await waitFor('the cancelled card', () => /^Cancelled by bob/m.test(statusMessageOf(s, jobId)!.embeds[0].description.split('\n')[1] ?? ''));
    const after = statusMessageOf(s, jobId)!;
    expect(after.embeds[0].description).toContain('Kie had already accepted it and may still charge it.');
    expect(after.embeds[0].footer.text).toContain('10 credits charged by Kie');
    expect(buttonsOf(after)).toEqual([]);

    // Kie's callback arrives anyway: answered 200, and nothing is delivered.
    const task = (await s.bot.store.getJob(jobId))!.taskId!;
    await waitFor('Kie’s callback', () => s.sim.control.callbacks().find((c: any) => c.taskId === task && c.status === 200));
    await s.sim.control.settled();
    const job = (await s.bot.store.getJob(jobId))!;
    expect(job).toMatchObject({ state: 'cancelled', files: [], delivered: [], cancelledBy: 'bob' });
    const thread = s.discord.threadOf(card.id);
    expect(thread ? s.discord.messagesIn(thread.id).filter((m) => m.files.length > 0) : []).toEqual([]);
    // A moderator pressing it afterwards is told it is over.
    const late = buttonPress(`sb1:cancel:${jobId}`, { ...alice, permissions: MANAGE_MESSAGES }, s.place(), card.id);
    await s.send(late);
    expect(await waitFor('late answer', () => s.discord.privateReply(late.token)?.content)).toBe('This job has already been cancelled; there is nothing to cancel.');
  });
});

describe('queue position and cancel before Kie on Discord', () => {
  let q: Stack;
  beforeAll(async () => {
    q = await startStack({ tuning: { kieSubmitPerWindow: 1, kieSubmitWindowMs: 3_000, queueRefreshMs: 50, queueEditMinIntervalMs: 200 } });
  });
  afterAll(async () => {
    await q?.close();
  });

  it('GIVEN three jobs and room for one submission per 3 s THEN the last card says one is ahead of it; WHEN its requester cancels it THEN it never reaches Kie and costs nothing', async () => {
    const sent = [1, 2, 3].map((n) => slashCommand('separate', { ...track, audio_id: `e1e2e3e4-0000-4000-8000-00000000000${n}` }, member, q.place()));
    await Promise.all(sent.map((i) => q.send(i)));
    const ids = await Promise.all(sent.map(async (i) => startedJobId({ content: await waitFor('answer', () => q.discord.privateReply(i.token)?.content) })));
    const last = ids.at(-1)!;
    const edits = () => (statusMessageOf(q, last)?.edits ?? []).map((e: any) => e.embeds?.[0]?.description ?? '');
    await waitFor('the queue position', () => edits().some((d: string) => /\nQueued — 1 ahead of you \(about 6 s\) \(\d+s\)$/.test(d)));

    const card = statusMessageOf(q, last)!;
    const cancel = buttonPress(`sb1:cancel:${last}`, member, q.place(), card.id);
    await q.send(cancel);
    expect(await waitFor('answer', () => q.discord.privateReply(cancel.token)?.content)).toBe('Cancelled. It had not reached Kie yet, so no credits were spent.');
    await waitFor('the cancelled card', () => /\nCancelled by alice before it reached Kie — nothing was spent\./.test(statusMessageOf(q, last)!.embeds[0].description));
    expect(statusMessageOf(q, last)!.embeds[0].footer.text).toContain('No credits spent');
    await waitFor('the other two at Kie', async () => (await Promise.all(ids.slice(0, 2).map((id) => q.bot.store.getJob(id)))).every((j) => j?.taskId));
    await sleep(3_300);
    expect(q.sim.control.tasks()).toHaveLength(2);
    expect((await q.bot.store.getJob(last))!.taskId).toBeNull();
  }, 30_000);
});
