// Follow-up buttons on results (only the requester may press, and they still work from the stored job) and the
// `/jobs` / `/job <id>` commands with "Deliver again".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alice, bob, buttonPress, slashCommand } from '../fakes/slack-requests.js';
import { CHANNEL, startStack, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const stemsIn = (ts: string) => stack.slack.thread(CHANNEL, ts).flatMap((m) => m.files);

async function finishedVocalsJob() {
  const before = stack.slack.channelMessages(CHANNEL).length;
  await stack.send(slashCommand({ command: '/separate', text: 'https://music.example/ballad.mp3', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
  // This job's own card (the last card could still be the previous job's).
  const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
  const withButton = await waitFor('button message', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.blocks?.some((b) => b.type === 'actions')));
  const button = (withButton.blocks!.find((b) => b.type === 'actions')!.elements as { action_id: string; value: string }[])[0]!;
  await waitFor('2 stems', () => stemsIn(card.ts).length === 2);
  return { card, withButton, button };
}

describe('Slack result buttons', () => {
  it('GIVEN a finished vocals separation WHEN someone else presses "Split into 12 stems" THEN only they are told it is not theirs', async () => {
    const { card, withButton, button } = await finishedVocalsJob();
    const responseUrl = stack.slack.responseUrl();
    const tasks = stack.sim.control.tasks().length;
    await stack.send(buttonPress({ channelId: CHANNEL, messageTs: withButton.ts, threadTs: card.ts, responseUrl, actionId: button.action_id, value: button.value, user: bob }));
    const answer = await waitFor('private refusal', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(answer.body.text)).toContain(`Only <@${alice.id}>, who started this job`);
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
  });

  it('GIVEN the same button WHEN the requester presses it THEN a 12-stem separation of the same song runs and delivers', async () => {
    const { card, withButton, button } = await finishedVocalsJob();
    const first = stack.sim.control.tasks().at(-1)!;
    await stack.send(buttonPress({ channelId: CHANNEL, messageTs: withButton.ts, threadTs: card.ts, responseUrl: stack.slack.responseUrl(), actionId: button.action_id, value: button.value }));
    const next = await waitFor('second status card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.ts > card.ts && m.text.includes('up to 12 stems')));
    await waitFor('12 stems', () => stemsIn(next.ts).length === 12);
    const split = stack.sim.control.tasks().at(-1)!;
    expect(split.kind).toBe('split_stem');
    expect(split.params.audioUrl).toBe(first.params.audioUrl);
  });

  it('GIVEN an add-instrumental result WHEN the requester presses "Separate stems" THEN Kie separates that track by taskId + audioId', async () => {
    await stack.send(slashCommand({ command: '/add-instrumental', text: 'https://music.example/vox.mp3 tags:"warm acoustic" title:Lullaby', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const card = await waitFor('card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.text.includes('Lullaby')));
    const msg = await waitFor('buttons', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.blocks?.some((b) => b.type === 'actions')));
    const gen = stack.sim.control.tasks().find((t) => t.kind === 'add_instrumental')!;
    const take2 = (msg.blocks!.find((b) => b.type === 'actions')!.elements as { action_id: string; value: string; text: { text: string } }[])[1]!;
    expect(take2.text.text).toBe('Separate stems (take 2)');
    await stack.send(buttonPress({ channelId: CHANNEL, messageTs: msg.ts, threadTs: card.ts, responseUrl: stack.slack.responseUrl(), actionId: take2.action_id, value: take2.value }));
    const sep = await waitFor('separation card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.ts > card.ts && m.text.includes('Stem separation')));
    // The card is posted before the job reaches Kie: wait for Kie's task itself.
    const task = await waitFor('separation task', () => stack.sim.control.tasks().find((t) => t.kind === 'separate_vocal' && t.params.taskId === gen.taskId));
    const tracks = (stack.sim.control.task(gen.taskId)!.record.response as { sunoData: { id: string }[] }).sunoData;
    expect(task.params).toMatchObject({ taskId: gen.taskId, audioId: tracks[1]!.id });
    expect(JSON.stringify(sep.blocks)).toContain('Lullaby (take 2)');
    // Its stems keep the song's title (not "Track a492d76b").
    const stems = await waitFor('separated stems', () => (stemsIn(sep.ts).length === 2 ? stemsIn(sep.ts) : undefined));
    expect(stems.map((f) => f.name)).toEqual([expect.stringMatching(/^Lullaby \(take 2\) - Vocals\.(wav|mp3)$/), expect.stringMatching(/^Lullaby \(take 2\) - Instrumental\.(wav|mp3)$/)]);
  });
});

describe('Slack result buttons: forged values', () => {
  // A button's value is whatever the presser's client sends, inside a request Slack signs for them: bob can put
  // any job id, user id and Kie track in it. Nothing in it may decide who may press or what Kie works on.
  const buttonFor = (actionId: string, value: Record<string, string>) => ({ action_id: actionId, value: JSON.stringify(value) });

  async function press(user: { id: string; name: string }, b: { action_id: string; value: string }) {
    const responseUrl = stack.slack.responseUrl();
    await stack.send(buttonPress({ channelId: CHANNEL, messageTs: '1.000002', responseUrl, actionId: b.action_id, value: b.value, user }));
    return String((await waitFor('private answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)))).body.text);
  }

  async function nothingStarted(f: () => Promise<string>): Promise<string> {
    const tasks = stack.sim.control.tasks().length;
    const bobsJobs = (await stack.bot.service.listForUser('slack', bob.id, 50)).length;
    const answer = await f();
    await stack.sim.control.settled();
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
    expect(await stack.bot.service.listForUser('slack', bob.id, 50)).toHaveLength(bobsJobs);
    return answer;
  }

  it("GIVEN alice's finished separation WHEN bob presses a forged \"Split into 12 stems\" naming her job and himself as requester THEN he is refused and nothing starts", async () => {
    const { button } = await finishedVocalsJob();
    const aliceJob = (JSON.parse(button.value) as { j: string }).j;
    const answer = await nothingStarted(() => press(bob, buttonFor('stembot:split_stems:0', { j: aliceJob, u: bob.id })));
    expect(answer).toContain(`Only <@${alice.id}>, who started this job`);
  });

  it("GIVEN alice's finished job WHEN bob presses a forged \"Deliver again\" naming it THEN he is refused and nothing is posted again", async () => {
    const { card, button } = await finishedVocalsJob();
    const aliceJob = (JSON.parse(button.value) as { j: string }).j;
    const before = stemsIn(card.ts).length;
    const answer = await nothingStarted(() => press(bob, buttonFor('stembot:redeliver:0', { j: aliceJob, u: bob.id })));
    expect(answer).toContain(`Only <@${alice.id}>, who started this job`);
    expect(stemsIn(card.ts)).toHaveLength(before);
  });

  it("GIVEN bob's own add-instrumental result WHEN he presses \"Separate stems\" with alice's Kie track put in the value THEN Kie is not asked to separate her track", async () => {
    // alice's generated track, and bob's own job with a real button
    await stack.send(slashCommand({ command: '/add-instrumental', text: 'https://music.example/alice-vox.mp3 tags:warm title:Private', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const aliceCard = await waitFor('alice card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.text.includes('Private')));
    await waitFor('alice buttons', () => stack.slack.thread(CHANNEL, aliceCard.ts).find((m) => m.blocks?.some((b) => b.type === 'actions')));
    const aliceTask = stack.sim.control.tasks().filter((t) => t.kind === 'add_instrumental').at(-1)!;
    const aliceTrack = (stack.sim.control.task(aliceTask.taskId)!.record.response as { sunoData: { id: string }[] }).sunoData[0]!.id;
    await stack.send(slashCommand({ command: '/add-instrumental', text: 'https://music.example/bob-vox.mp3 tags:cold title:Bobs', channelId: CHANNEL, responseUrl: stack.slack.responseUrl(), user: bob }));
    const bobCard = await waitFor('bob card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.text.includes('Bobs')));
    const bobMsg = await waitFor('bob buttons', () => stack.slack.thread(CHANNEL, bobCard.ts).find((m) => m.blocks?.some((b) => b.type === 'actions')));
    const real = (bobMsg.blocks!.find((b) => b.type === 'actions')!.elements as { action_id: string; value: string }[])[0]!;
    const bobJob = (JSON.parse(real.value) as { j: string }).j;
    const bobTask = (await stack.bot.service.get(bobJob))!.taskId!;

    const answer = await nothingStarted(() => press(bob, buttonFor(real.action_id, { j: bobJob, u: bob.id, t: aliceTask.taskId, a: aliceTrack })));
    expect(answer).toContain('That track is not part of this job');
    expect(stack.sim.control.tasks().filter((t) => t.kind === 'separate_vocal' && t.params.taskId === aliceTask.taskId)).toEqual([]);

    // The same button, unforged, still works for bob, on his own track.
    await stack.send(buttonPress({ channelId: CHANNEL, messageTs: bobMsg.ts, threadTs: bobCard.ts, responseUrl: stack.slack.responseUrl(), actionId: real.action_id, value: real.value, user: bob }));
    const sep = await waitFor('bob separation', () => stack.sim.control.tasks().find((t) => t.kind === 'separate_vocal' && t.params.taskId === bobTask));
    expect(sep.params.taskId).not.toBe(aliceTask.taskId);
  });
});

describe('Slack /jobs and /job', () => {
  it('GIVEN finished jobs WHEN alice runs /jobs THEN she privately sees hers with states and thread links', async () => {
    const responseUrl = stack.slack.responseUrl();
    await stack.send(slashCommand({ command: '/jobs', text: '', channelId: CHANNEL, responseUrl }));
    const answer = await waitFor('list', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
    const text = String(answer.body.text);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(text).toContain('ballad.mp3');
    expect(text).toContain('Lullaby');
    expect(text).toMatch(/<https:\/\/stembot-test\.slack\.com\/archives\/C0MUSIC\/p\d+\|thread>/);
  });

  it('GIVEN a finished job WHEN alice runs /job <id> and presses "Deliver again" THEN the stems are posted in its thread once more', async () => {
    const done = (await stack.bot.service.listForUser('slack', alice.id, 10)).find((j) => j.state === 'complete' && j.kind === 'separate' && j.params.kind === 'separate' && j.params.mode === 'vocals')!;
    const responseUrl = stack.slack.responseUrl();
    await stack.send(slashCommand({ command: '/job', text: done.id, channelId: CHANNEL, responseUrl }));
    const answer = await waitFor('detail', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
    expect(String(answer.body.text)).toContain(`job \`${done.id}\``);
    const blocks = answer.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[];
    const redeliver = blocks.find((b) => b.type === 'actions')!.elements![0]!;
    expect(redeliver.action_id).toBe('stembot:redeliver:0');

    const before = stemsIn(done.threadId!).length;
    const pressUrl = stack.slack.responseUrl();
    await stack.send(buttonPress({ channelId: CHANNEL, messageTs: '1.000001', responseUrl: pressUrl, actionId: redeliver.action_id, value: redeliver.value }));
    await waitFor('delivered again', () => stemsIn(done.threadId!).length === before + 2);
    const ok = await waitFor('confirmation', () => stack.slack.responses.find((r) => pressUrl.endsWith(`/${r.id}`)));
    expect(String(ok.body.text)).toContain('Delivering the files again');
  });

  it('GIVEN a wrong id WHEN /job runs THEN a short private answer, and a missing id gets the usage', async () => {
    const responseUrl = stack.slack.responseUrl();
    await stack.send(slashCommand({ command: '/job', text: 'zzzzzzzzzz', channelId: CHANNEL, responseUrl }));
    const answer = await waitFor('answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
    expect(String(answer.body.text)).toContain('There is no job `zzzzzzzzzz` here');
    const usage = await stack.send(slashCommand({ command: '/job', text: '', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    expect(usage.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Usage: `/job <id>`') });
  });
});
