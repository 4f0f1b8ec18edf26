// Spend control on Slack, end to end (issue 12): the real stack against the fake Slack Web API and the Kie
// simulator. Costs before and after, the workspace's monthly budget, /credits for admins and members, Cancel
// on the status card, and the admin-channel notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alice, bob, buttonPress, slashCommand } from '../fakes/slack-requests.js';
import { CHANNEL, startStack, type Stack } from './harness.js';
import { sleep, waitFor } from '../support/wait.js';

const ADMIN_CHANNEL = 'C0ADMIN';
const carol = { id: 'U0CAROL', name: 'carol' };
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { BUDGET_SERVER_MONTHLY: '70', KIE_LOW_BALANCE: '9995', SLACK_ADMIN_CHANNEL_ID: ADMIN_CHANNEL } });
  stack.slack.addChannel(ADMIN_CHANNEL, { name: 'stembot-admin' });
  // users.info says bob is a workspace admin; alice and carol are members.
  stack.slack.admins.add(bob.id);
});
afterAll(async () => {
  await stack?.close();
});

/** Run a slash command and answer the private response it produced. */
async function command(cmd: string, text: string, user = alice): Promise<string> {
  const responseUrl = stack.slack.responseUrl();
  await stack.send(slashCommand({ command: cmd, text, channelId: CHANNEL, responseUrl, user }));
  const r = await waitFor(`${cmd} answer`, () => stack.slack.responses.find((x) => responseUrl.endsWith(`/${x.id}`)));
  return String(r.body.text);
}

const cardOf = (jobId: string) => stack.slack.channelMessages(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(`Job \`${jobId}\``));
const stageBlock = (m: { blocks?: Record<string, unknown>[] }) => m.blocks![3] as { text: { text: string }; accessory?: { action_id: string; value: string; text: { text: string }; style: string } };
const footer = (m: { blocks?: Record<string, unknown>[] }) => JSON.stringify(m.blocks![4]);
const startedId = (text: string) => /Started job `([0-9a-z]+)`/.exec(text)?.[1];

describe('spend control on Slack', () => {
  it('GIVEN /separate WHEN it starts THEN the private answer and the card say ≈ 10 credits, the card carries Cancel, and when done it says 10 credits spent; the low balance is told once in the admin channel', async () => {
    const answer = await command('/separate', 'https://music.example/one.mp3');
    expect(answer).toMatch(/^Started job `[0-9a-z]+` — it costs ≈ 10 credits of the workspace’s Kie credits\./);
    const jobId = startedId(answer)!;
    const card = await waitFor('the card', () => cardOf(jobId));
    expect(footer(card)).toContain('≈ 10 credits');
    expect(stageBlock(card).accessory).toMatchObject({ action_id: 'stembot:cancel:0', text: { text: 'Cancel' }, style: 'danger' });
    await waitFor('done', () => footer(cardOf(jobId)!).includes('10 credits spent') && cardOf(jobId));
    expect(stageBlock(cardOf(jobId)!).accessory).toBeUndefined();
    const notice = await waitFor('admin notice', () => stack.slack.channelMessages(ADMIN_CHANNEL)[0]);
    expect(notice.text).toContain('the Kie balance is low — 9990 credits left (alert threshold 9995 credits)');
  });

  it('GIVEN a job Kie is working on WHEN a member who did not start it presses Cancel THEN refused; WHEN a workspace admin does THEN cancelled, and the card says so', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 50_000 }] });
    const jobId = startedId(await command('/separate', 'https://music.example/slow.mp3'))!;
    await waitFor('submitted', async () => (await stack.bot.store.getJob(jobId))?.state === 'submitted');
    const card = await waitFor('card', () => cardOf(jobId));
    const cancel = stageBlock(card).accessory!;
    const press = async (user: { id: string; name: string }) => {
      const responseUrl = stack.slack.responseUrl();
      await stack.send(buttonPress({ channelId: CHANNEL, messageTs: card.ts, responseUrl, actionId: cancel.action_id, value: cancel.value, user }));
      return String((await waitFor('answer', () => stack.slack.responses.find((x) => responseUrl.endsWith(`/${x.id}`)))).body.text);
    };
    expect(await press(carol)).toBe(`Only <@${alice.id}>, who started this job, or a workspace admin can cancel it.`);
    expect((await stack.bot.store.getJob(jobId))!.state).toBe('submitted');
    expect(await press(bob)).toMatch(/^Cancelled\. stembot stops tracking it .* may still charge its ≈ 10 credits\.$/);
    await waitFor('cancelled card', () => stageBlock(cardOf(jobId)!).text.text.startsWith('Cancelled by bob'));
    expect(stageBlock(cardOf(jobId)!).accessory).toBeUndefined();
    await stack.sim.control.settled();
    expect(await stack.bot.store.getJob(jobId)).toMatchObject({ state: 'cancelled', delivered: [] });
    expect(stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files)).toEqual([]);
  });

  it('GIVEN a 70-credit monthly budget with 20 used WHEN a 50-credit split fits and then a 10-credit job does not THEN the refusal says used, left and when it resets', async () => {
    const split = startedId(await command('/separate', 'https://music.example/two.mp3 stems'))!;
    await waitFor('the split handed to Kie', async () => (await stack.bot.store.getJob(split))?.taskId);
    const tasks = stack.sim.control.tasks().length;
    const refusal = await command('/separate', 'https://music.example/three.mp3', carol);
    expect(refusal).toMatch(
      /^This job would cost ≈ 10 credits, more than is left of this server’s monthly budget: 70 of 70 credits used this month, 0 left\. It resets on 1 [A-Z][a-z]+ at 00:00 UTC\. Nothing was spent\.$/,
    );
    await sleep(200);
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
  });

  it('GIVEN /credits WHEN a member asks THEN their own spending only; WHEN a workspace admin asks THEN the balance and the workspace’s spending', async () => {
    const own = await command('/credits', '', carol);
    expect(own).toContain('You: 0 credits today, 0 credits this month.');
    expect(own).not.toContain('Kie balance');
    const mine = await command('/credits', '', alice);
    expect(mine).toContain('You: 70 credits today, 70 credits this month.');
    const full = await command('/credits', '', bob);
    expect(full).toMatch(/Kie balance: \d+ credits\./);
    expect(full).toContain('This server: 70 credits today, 70 credits this month.');
    expect(full).toContain('Server monthly budget: 0 of 70 credits left');
  });
});

describe('queue position and cancel before Kie on Slack', () => {
  let q: Stack;
  beforeAll(async () => {
    q = await startStack({ tuning: { kieSubmitPerWindow: 1, kieSubmitWindowMs: 3_000, queueRefreshMs: 50, queueEditMinIntervalMs: 200 } });
  });
  afterAll(async () => {
    await q?.close();
  });

  it('GIVEN three jobs and room for one submission per 3 s THEN the last card says one is ahead of it; WHEN its requester cancels it THEN it never reaches Kie and costs nothing', async () => {
    const urls = [1, 2, 3].map(() => q.slack.responseUrl());
    await Promise.all(urls.map((responseUrl, n) => q.send(slashCommand({ command: '/separate', text: `https://music.example/q${n}.mp3`, channelId: CHANNEL, responseUrl }))));
    const ids = await Promise.all(
      urls.map(async (u) => startedId(String((await waitFor('answer', () => q.slack.responses.find((x) => u.endsWith(`/${x.id}`)))).body.text))!),
    );
    const last = ids.at(-1)!;
    const cardOfQ = () => q.slack.channelMessages(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(`Job \`${last}\``));
    await waitFor('the queue position', () => cardOfQ()?.updates.some((u) => /Queued — 1 ahead of you \(about 6 s\)/.test(u.text)));

    const card = cardOfQ()!;
    const cancel = stageBlock(card).accessory!;
    const responseUrl = q.slack.responseUrl();
    await q.send(buttonPress({ channelId: CHANNEL, messageTs: card.ts, responseUrl, actionId: cancel.action_id, value: cancel.value }));
    const answer = await waitFor('answer', () => q.slack.responses.find((x) => responseUrl.endsWith(`/${x.id}`)));
    expect(answer.body.text).toBe('Cancelled. It had not reached Kie yet, so no credits were spent.');
    await waitFor('the cancelled card', () => stageBlock(cardOfQ()!).text.text.startsWith('Cancelled by alice before it reached Kie — nothing was spent.'));
    expect(footer(cardOfQ()!)).toContain('No credits spent');
    await waitFor('the other two at Kie', async () => (await Promise.all(ids.slice(0, 2).map((id) => q.bot.store.getJob(id)))).every((j) => j?.taskId));
    await sleep(3_300);
    expect(q.sim.control.tasks()).toHaveLength(2);
    expect((await q.bot.store.getJob(last))!.taskId).toBeNull();
  }, 30_000);
});
