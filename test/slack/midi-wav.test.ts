// MIDI of a separation and WAV of a generated take from Slack's result buttons, end to end against the
// simulator; asserted on the files that reached the fake Slack (read back with a different MIDI parser).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alice, bob, buttonPress, interactive, slashCommand, team } from '../fakes/slack-requests.js';
import { expectMidiMatches, pngSize } from '../support/midi-check.js';
import { CHANNEL, download, startStack, type Stack } from './harness.js';
import { sha256 } from '../support/hash.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

type Button = { action_id: string; value: string; text: { text: string } };
const buttonsOf = (m: { blocks?: Record<string, unknown>[] }) => (m.blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Button[]);
const filesUnder = (ts: string) => stack.slack.thread(CHANNEL, ts).flatMap((m) => m.files);

async function finished(command: string, text: string, cardText: string) {
  await stack.send(slashCommand({ command, text, channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
  const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.text.includes(cardText) || JSON.stringify(m.blocks ?? []).includes(cardText)));
  const withButtons = await waitFor('result buttons', () => stack.slack.thread(CHANNEL, card.ts).find((m) => buttonsOf(m).length > 0));
  return { card, withButtons };
}
async function press(at: { card: { ts: string }; withButtons: { ts: string } }, button: Button, user = alice) {
  const responseUrl = stack.slack.responseUrl();
  await stack.send(buttonPress({ channelId: CHANNEL, messageTs: at.withButtons.ts, threadTs: at.card.ts, responseUrl, actionId: button.action_id, value: button.value, ...(user === alice ? {} : { user }) }));
  return String((await waitFor('private answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)))).body.text);
}

describe('Slack: song → stems → MIDI', () => {
  it('GIVEN a finished separation THEN "MIDI" is on its stems; only the requester may press it, and it delivers a .mid and its piano roll', async () => {
    const at = await finished('/separate', 'https://music.example/River%20Song.mp3', 'vocals + instrumental');
    const midiButton = buttonsOf(at.withButtons).find((b) => b.text.text === 'MIDI')!;
    expect(midiButton.action_id).toMatch(/^stembot:midi:\d+$/);
    const tasks = stack.sim.control.tasks().length;
    expect(await press(at, midiButton, bob)).toContain(`Only <@${alice.id}>, who started this job`);
    expect(stack.sim.control.tasks()).toHaveLength(tasks);

    expect(await press(at, midiButton)).toMatch(/^Started job `[0-9a-z]+` — MIDI of “River Song”/);
    const card = await waitFor('MIDI card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.text.includes('MIDI ·')));
    const files = await waitFor('.mid and .png', () => (filesUnder(card.ts).length === 2 ? filesUnder(card.ts) : undefined));
    expect(files.map((f) => f.name)).toEqual(['River Song - MIDI.mid', 'River Song - MIDI piano roll.png']);
    const task = stack.sim.control.tasks().find((t) => t.kind === 'midi')!;
    expectMidiMatches(files[0]!.bytes!, (task.record as any).midiData.instruments);
    expect(pngSize(files[1]!.bytes!)).toEqual({ width: 960, height: 480 });
  });
});

describe('Slack: generated take → WAV', () => {
  it('GIVEN a finished add-instrumental THEN each take has "WAV"; pressing take 1 delivers "Lullaby - Take 1.wav" exactly once, byte for byte', async () => {
    const at = await finished('/add-instrumental', 'https://music.example/vox.mp3 tags:"warm acoustic" title:Lullaby', 'Lullaby');
    const wavButtons = buttonsOf(at.withButtons).filter((b) => b.text.text.startsWith('WAV'));
    expect(wavButtons.map((b) => b.text.text)).toEqual(['WAV (take 1)', 'WAV (take 2)']);
    expect(await press(at, wavButtons[0]!)).toMatch(/^Started job `[0-9a-z]+` — WAV of “Lullaby \(take 1\)”/);
    const card = await waitFor('WAV card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.text.includes('WAV ·')));
    const [file] = await waitFor('the WAV', () => (filesUnder(card.ts).length > 0 ? filesUnder(card.ts) : undefined));
    expect(file!.name).toBe('Lullaby - Take 1.wav');
    const task = stack.sim.control.tasks().find((t) => t.kind === 'wav')!;
    const expected = sha256(await download(task.files[0]!.url));
    const everywhere = [...stack.slack.channelMessages(CHANNEL).flatMap((m) => [m, ...stack.slack.thread(CHANNEL, m.ts)])].flatMap((m) => m.files).filter((f) => f.sha256 === expected);
    expect(new Set(everywhere.map((f) => f.id)).size).toBe(1);
  });
});

describe('Slack /midi and /wav', () => {
  it('GIVEN a finished separation WHEN /midi <id> Vocals THEN the MIDI of that stem alone arrives; a bad line gets the usage', async () => {
    const sep = (await stack.bot.service.listForUser('slack', alice.id, 20)).find((j) => j.kind === 'separate' && j.state === 'complete')!;
    const usage = await stack.send(slashCommand({ command: '/midi', text: 'not an id!', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    expect(usage.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^\*Usage\*: `\/midi <job id>`/) });
    const responseUrl = stack.slack.responseUrl();
    await stack.send(slashCommand({ command: '/midi', text: `${sep.id} Vocals`, channelId: CHANNEL, responseUrl }));
    const answer = String((await waitFor('private answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)))).body.text);
    const jobId = /Started job `([0-9a-z]+)`/.exec(answer)![1]!;
    const job = await waitFor('delivered', async () => {
      const j = await stack.bot.store.getJob(jobId);
      return j && j.delivered.length > 0 ? j : undefined;
    });
    const task = stack.sim.control.task(job.taskId!)!;
    expect((task.record as any).midiData.instruments.map((i: any) => i.name)).toEqual(['Lead 6 (voice)']);
    const files = await waitFor('files', () => (filesUnder(job.statusMessageId!).length === 2 ? filesUnder(job.statusMessageId!) : undefined));
    expect(files[0]!.name).toBe('River Song - Vocals MIDI.mid');
    expectMidiMatches(files[0]!.bytes!, (task.record as any).midiData.instruments);
  });

  it('GIVEN /wav <id> 3 on a job with two takes THEN a private refusal and no Kie task', async () => {
    const gen = (await stack.bot.service.listForUser('slack', alice.id, 20)).find((j) => j.kind === 'add_instrumental')!;
    const tasks = stack.sim.control.tasks().length;
    const responseUrl = stack.slack.responseUrl();
    await stack.send(slashCommand({ command: '/wav', text: `${gen.id} 3`, channelId: CHANNEL, responseUrl }));
    const answer = await waitFor('private answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
    expect(answer.body.text).toBe('That job has no take 3; it has 2.');
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
  });
});

describe('Slack: the stem menu', () => {
  it('GIVEN a finished separation THEN a menu of its stems sits beside "MIDI"; choosing Instrumental makes the MIDI of that stem', async () => {
    const at = await finished('/separate', 'https://music.example/Menu%20Song.mp3', 'Menu Song.mp3');
    const actions = (at.withButtons.blocks ?? []).find((b) => b.type === 'actions')!.elements as Record<string, any>[];
    const menu = actions.find((e) => e.type === 'static_select')!;
    expect(menu.options.map((o: any) => o.text.text)).toEqual(['Vocals', 'Instrumental']);
    const choose = (user: { id: string; name: string }, responseUrl: string) =>
      stack.send(
        interactive({
          type: 'block_actions',
          team,
          user: { id: user.id, username: user.name, name: user.name, team_id: team.id },
          api_app_id: 'A0STEMBOT',
          token: 'legacy-verification-token',
          trigger_id: `${Date.now()}.${user.id}`,
          container: { type: 'message', message_ts: at.withButtons.ts, channel_id: CHANNEL, is_ephemeral: false, thread_ts: at.card.ts },
          channel: { id: CHANNEL, name: 'music' },
          response_url: responseUrl,
          actions: [{ type: 'static_select', action_id: menu.action_id, block_id: 'b', selected_option: menu.options[1], action_ts: `${Date.now() / 1000}` }],
        }),
      );
    const refused = stack.slack.responseUrl();
    await choose(bob, refused);
    expect(String((await waitFor('refusal', () => stack.slack.responses.find((r) => refused.endsWith(`/${r.id}`)))).body.text)).toContain('Only the person who started this job can ask for its MIDI or WAV.');
    const responseUrl = stack.slack.responseUrl();
    await choose(alice, responseUrl);
    const answer = String((await waitFor('answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)))).body.text);
    const jobId = /Started job `([0-9a-z]+)`/.exec(answer)![1]!;
    const job = await waitFor('delivered', async () => {
      const j = await stack.bot.store.getJob(jobId);
      return j && j.delivered.length > 0 ? j : undefined;
    });
    const task = stack.sim.control.task(job.taskId!)!;
    expect((task.record as any).midiData.instruments.map((i: any) => i.name)).toEqual(['Acoustic Grand Piano']);
    const files = await waitFor('files', () => (filesUnder(job.statusMessageId!).length === 2 ? filesUnder(job.statusMessageId!) : undefined));
    expect(files[0]!.name).toBe('Menu Song - Instrumental MIDI.mid');
  });
});
