// Slash commands with their options on the line, end to end: signed request → JobService → Kie simulator →
// status card edited through the stages → every stem's bytes in the thread, or a failure notice there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import { alice, slashCommand } from '../fakes/slack-requests.js';
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

/** Every file shared in a thread, by content hash. */
function threadFiles(threadTs: string) {
  return stack.slack.thread(CHANNEL, threadTs).flatMap((m) => m.files.map((f) => ({ ...f, message: m })));
}

describe('Slack slash command with a URL', () => {
  it('GIVEN /separate <url> stems WHEN Kie finishes THEN the status card walks the stages and all 12 stems arrive in its thread', async () => {
    // WHEN alice types the command with a link and the mode word
    const responseUrl = stack.slack.responseUrl();
    const res = await stack.send(slashCommand({ command: '/separate', text: 'https://music.example/river-song.mp3 stems', channelId: CHANNEL, responseUrl }));

    // THEN Slack gets its 200 at once (nothing to show yet), and one status card appears in the channel
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL).at(-1));
    expect(card.text).toContain('Stem separation · up to 12 stems');
    expect(JSON.stringify(card.blocks)).toContain('river-song.mp3');
    expect(JSON.stringify(card.blocks)).toContain(alice.name);

    // THEN the card is edited through the stages until done
    await waitFor('card says done', () => card.updates.some((u) => u.text.includes('Done — 12 stems in the thread')));
    const stages = card.updates.map((u) => u.text);
    expect(stages.some((t) => t.includes('Kie is separating the audio'))).toBe(true);
    expect(stages.at(-1)).toContain('Done — 12 stems');
    expect(JSON.stringify(card.updates.at(-1)!.blocks)).not.toContain(':hourglass_flowing_sand:');

    // THEN every stem Kie made is in the thread, byte for byte, at most 10 per message
    const task = stack.sim.control.tasks().at(-1)!;
    expect(task.kind).toBe('split_stem');
    const expected = await Promise.all(task.files.map(async (f) => sha256(await download(f.url))));
    const files = await waitFor('12 stems in the thread', () => (threadFiles(card.ts).length === 12 ? threadFiles(card.ts) : null));
    expect(files.map((f) => f.sha256).sort()).toEqual(expected.sort());
    const perMessage = stack.slack.thread(CHANNEL, card.ts).filter((m) => m.files.length).map((m) => m.files.length);
    expect(perMessage).toEqual([10, 2]);
    expect(files.map((f) => f.name)).toContain('river-song - Drums.wav');
    // The first batch introduces the stems in Slack's bold, not Markdown's.
    expect(files[0]!.message.text).toMatch(/^\*river-song\* — 12 stems for alice/);
    // Nothing was re-uploaded or posted twice.
    expect(stack.slack.callsTo('files.completeUploadExternal')).toHaveLength(2);
    expect(stack.slack.channelMessages(CHANNEL)).toHaveLength(1);
  });

  it('GIVEN a vocals separation WHEN it finishes THEN the thread offers "Split into 12 stems"', async () => {
    const before = stack.slack.channelMessages(CHANNEL).length;
    await stack.send(slashCommand({ command: '/separate', text: '<https://music.example/hymn.mp3>', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
    const buttons = await waitFor('follow-up button', () => stack.slack.thread(CHANNEL, card.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('Split into 12 stems')));
    expect(JSON.stringify(buttons.blocks)).toContain('stembot:split_stems:0');
    expect(threadFiles(card.ts).map((f) => f.name).sort()).toEqual(['hymn - Instrumental.wav', 'hymn - Vocals.wav']);
  });

  it('GIVEN Kie refuses for lack of credits WHEN the job fails THEN the thread says why, mentioning the requester, in the core’s words', async () => {
    const before = stack.slack.channelMessages(CHANNEL).length;
    await stack.send(slashCommand({ command: '/separate', text: 'https://music.example/broke.mp3?sim=fail-402', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
    const notice = await waitFor('failure notice', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.text.includes('failed')));
    expect(notice.text.startsWith(`<@${alice.id}> *Stem separation failed* for broke.mp3.`)).toBe(true);
    expect(notice.text).toContain(describeFailure('KIE_INSUFFICIENT_CREDITS'));
    await waitFor('card says failed', () => card.updates.some((u) => u.text.includes('Failed — see the thread')));
    expect(JSON.stringify(card.updates.at(-1)!.blocks)).toContain(':x:');
  });

  it('GIVEN a mistake on the line WHEN the command arrives THEN the answer is usage help, privately, and no job starts', async () => {
    const tasks = stack.sim.control.tasks().length;
    const res = await stack.send(slashCommand({ command: '/add-vocals', text: 'https://music.example/b.mp3 prompt:"about rivers', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.response_type).toBe('ephemeral');
    expect(String(body.text)).toContain('A quote is not closed in `prompt`');
    expect(String(body.text)).toContain('*Usage*');

    const missing = (await stack.send(slashCommand({ command: '/add-vocals', text: 'https://music.example/b.mp3 style:Folk', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }))).json();
    expect(String(missing.text)).toContain('`prompt` is required');
    expect(String(missing.text)).toContain('`title` is required');
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
  });

  it('GIVEN an add-vocals line WHEN the tracks are done THEN each take is delivered with a "Separate stems" button', async () => {
    const before = stack.slack.channelMessages(CHANNEL).length;
    const text = 'https://music.example/backing.mp3 prompt:"a folk song about rivers" style:Folk title:"River Song" vocal_gender:f';
    await stack.send(slashCommand({ command: '/add-vocals', text, channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
    expect(card.text).toContain('Add vocals · “River Song”');
    const buttons = await waitFor('separate buttons', () => stack.slack.thread(CHANNEL, card.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('stembot:separate_track')));
    const task = stack.sim.control.tasks().find((t) => t.kind === 'add_vocals')!;
    expect(task.params).toMatchObject({ prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song', vocalGender: 'f' });
    const value = JSON.parse((buttons.blocks!.at(-1)!.elements as { value: string }[])[0]!.value) as Record<string, string>;
    // The job and its track; no requester id (the stored job says who that is).
    expect(value).toEqual({ j: expect.any(String), t: task.taskId, a: expect.any(String) });
    const expected = await Promise.all(task.files.map(async (f) => sha256(await download(f.url))));
    expect(threadFiles(card.ts).map((f) => f.sha256).sort()).toEqual(expected.sort());
  });
});
