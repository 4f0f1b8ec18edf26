// The two ways to hand stembot a file uploaded to Slack: the modal behind a bare command (file_input), and the
// message shortcut on a message that carries audio (modal prefilled). Slack files are private: stembot must
// fetch them with the bot token and re-host them through Kie's File Upload API before Kie sees them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import type { AudioInput } from '../../src/core/types.js';
import { alice, buttonPress, messageShortcut, slashCommand, viewSubmission } from '../fakes/slack-requests.js';
import { BOT_TOKEN, CHANNEL, download, startStack, wavFile, type Stack } from './harness.js';
import { sha256 } from '../support/hash.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const selected = (value: string) => ({ type: 'static_select', selected_option: { value } });
const typed = (value: string) => ({ type: 'plain_text_input', value });

/** Waits for the job's card, its stems, and checks they are Kie's bytes. */
async function expectStemsDelivered(cardIndex: number, stems: number) {
  const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[cardIndex]);
  const files = await waitFor(`${stems} stems`, () => {
    const all = stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files);
    return all.length === stems ? all : null;
  });
  const task = stack.sim.control.tasks().at(-1)!;
  const expected = await Promise.all(task.files.map(async (f) => sha256(await download(f.url))));
  expect(files.map((f) => f.sha256).sort()).toEqual(expected.sort());
  await waitFor('card says done', () => card.updates.some((u) => u.text.includes('Done')));
  return { card, task };
}

describe('Slack modal with a file', () => {
  it('GIVEN /separate with no text WHEN the form is submitted with an attached song THEN Kie gets a re-hosted copy and the stems arrive', async () => {
    // WHEN alice runs the bare command
    const responseUrl = stack.slack.responseUrl();
    const res = await stack.send(slashCommand({ command: '/separate', text: '', channelId: CHANNEL, responseUrl }));
    expect(res.status).toBe(200);

    // THEN a form opens with the same options as Discord's, including a file input
    const opened = await waitFor('views.open', () => stack.slack.views.at(-1));
    const blocks = opened.view.blocks as { block_id?: string; element?: { type: string } }[];
    expect(blocks.find((b) => b.block_id === 'audio')?.element?.type).toBe('file_input');
    // Slack caps a file_input at 10 MB (docs/kie-answers.md): the hint says so, not Kie's 20 MB.
    expect((blocks.find((b) => b.block_id === 'audio') as { hint?: { text?: string } } | undefined)?.hint?.text).toMatch(/^MP3, WAV, FLAC, OGG or M4A, up to 10 MB \(Slack’s limit for this field\)/);
    expect(blocks.map((b) => b.block_id).filter(Boolean)).toEqual(['audio', 'url', 'task_id', 'audio_id', 'mode', 'stem']);

    // WHEN she attaches a WAV (Slack keeps it private) and submits
    const song = wavFile();
    const file = stack.slack.addPrivateFile({ name: 'Demo Take.wav', mimetype: 'audio/wav', bytes: song });
    const before = stack.slack.channelMessages(CHANNEL).length;
    const submitted = await stack.send(viewSubmission({ view: opened.view, values: { audio: { type: 'file_input', files: [file] }, mode: selected('vocals') } }));
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe(''); // the modal closes

    // THEN stembot fetched the file with the bot token and Kie got exactly those bytes under a unique name
    const { card, task } = await expectStemsDelivered(before, 2);
    expect(stack.slack.privateDownloads).toEqual([{ fileId: file.id, authorized: true }]);
    const upload = stack.sim.control.uploads().at(-1)!;
    expect(upload.sha256).toBe(sha256(song));
    expect(upload.fileName).not.toBe('Demo Take.wav');
    expect(task.params.audioUrl).toBe(upload.downloadUrl);
    expect(JSON.stringify(task.params)).not.toContain(BOT_TOKEN);
    expect(card.text).toContain('Stem separation');
    expect(JSON.stringify(card.blocks)).toContain('Demo Take.wav');
  });

  it('GIVEN an add-instrumental form with a file WHEN Kie cannot download the source THEN the thread says so, mentioning the requester', async () => {
    await stack.send(slashCommand({ command: '/add-instrumental', text: '', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const opened = await waitFor('views.open', () => stack.slack.views.find((v) => v.view.callback_id === 'stembot_modal:add_instrumental'));
    const file = stack.slack.addPrivateFile({ name: 'vocals-only.wav', mimetype: 'audio/wav', bytes: wavFile() });
    stack.sim.control.scriptNext('fail-451');
    const before = stack.slack.channelMessages(CHANNEL).length;
    await stack.send(viewSubmission({ view: opened.view, values: { audio: { type: 'file_input', files: [file] }, tags: typed('warm, acoustic'), title: typed('Harbour') } }));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
    const notice = await waitFor('failure notice', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.text.includes('failed')));
    expect(notice.text).toContain(`<@${alice.id}> *Add instrumental failed* for vocals-only.wav.`);
    expect(notice.text).toContain(describeFailure('KIE_SOURCE_DOWNLOAD_FAILED'));
    await waitFor('card says failed', () => card.updates.some((u) => u.text.includes('Failed')));
    expect(stack.sim.control.uploads().at(-1)!.sha256).toBe(sha256(stack.slack.fileBytesOfPrivate(file.id)!));
  });

  it('GIVEN the add-vocals form WHEN required fields are missing THEN Slack shows the mistakes next to the fields and no job starts', async () => {
    await stack.send(slashCommand({ command: '/add-vocals', text: '', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const opened = await waitFor('views.open', () => stack.slack.views.find((v) => v.view.callback_id === 'stembot_modal:add_vocals'));
    const tasks = stack.sim.control.tasks().length;
    const res = await stack.send(viewSubmission({ view: opened.view, values: { url: typed('https://music.example/backing.mp3'), style: typed('Folk'), style_weight: { type: 'number_input', value: '1.5' } } }));
    expect(res.json()).toEqual({
      response_action: 'errors',
      errors: { prompt: '`prompt` is required', title: '`title` is required', style_weight: '`style_weight` must be a number from 0 to 1' },
    });
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
  });
});

describe('Slack message shortcut', () => {
  it('GIVEN a message carrying an audio file WHEN "Separate stems" is used on it THEN the form opens prefilled and submitting it separates that file', async () => {
    const song = wavFile(0.5);
    const file = stack.slack.addPrivateFile({ name: 'band-rehearsal.wav', mimetype: 'audio/wav', bytes: song });
    const message = { ts: '1700000000.000100', user: 'U0CAROL', text: 'rehearsal take', files: [file] };

    // WHEN alice picks the shortcut on that message
    const res = await stack.send(messageShortcut({ callbackId: 'stembot_separate', channelId: CHANNEL, responseUrl: stack.slack.responseUrl(), message }));
    expect(res.status).toBe(200);

    // THEN the form opens with the message's file already chosen
    const opened = await waitFor('prefilled form', () => stack.slack.views.find((v) => JSON.stringify(v.view).includes('band-rehearsal.wav')));
    expect(opened.view.callback_id).toBe('stembot_modal:separate');
    expect(JSON.stringify(opened.view.blocks)).toContain('Using *band-rehearsal.wav* from the message');

    // WHEN she submits it as it is, asking for 12 stems
    const before = stack.slack.channelMessages(CHANNEL).length;
    await stack.send(viewSubmission({ view: opened.view, values: { mode: selected('stems') } }));

    // THEN that file was fetched with the token, re-hosted, and all 12 stems arrive
    const { task } = await expectStemsDelivered(before, 12);
    expect(task.kind).toBe('split_stem');
    expect(stack.slack.privateDownloads.at(-1)).toEqual({ fileId: file.id, authorized: true });
    expect(stack.sim.control.uploads().at(-1)!.sha256).toBe(sha256(song));
  });

  it('GIVEN "Add vocals" on a message with audio WHEN Kie fails mid-way THEN the card shows the stage reached and the thread explains', async () => {
    const file = stack.slack.addPrivateFile({ name: 'backing.mp3', mimetype: 'audio/mpeg', bytes: Buffer.concat([Buffer.from('ID3'), wavFile()]) });
    await stack.send(messageShortcut({ callbackId: 'stembot_add_vocals', channelId: CHANNEL, responseUrl: stack.slack.responseUrl(), message: { ts: '1700000000.000150', text: 'backing', files: [file] } }));
    const opened = await waitFor('prefilled form', () => stack.slack.views.find((v) => v.view.callback_id === 'stembot_modal:add_vocals' && JSON.stringify(v.view).includes('backing.mp3')));
    stack.sim.control.scriptNext('fail-500');
    const before = stack.slack.channelMessages(CHANNEL).length;
    await stack.send(viewSubmission({ view: opened.view, values: { prompt: typed('a song about the sea'), style: typed('Shanty'), title: typed('Salt') } }));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
    const notice = await waitFor('failure notice', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.text.includes('failed')));
    expect(notice.text).toContain(`<@${alice.id}> *Add vocals failed* for backing.mp3.`);
    expect(notice.text).toContain(describeFailure('KIE_SERVER_ERROR'));
    await waitFor('card says failed', () => card.updates.some((u) => u.text.includes('Failed')));
    const stages = card.updates.map((u) => u.text);
    expect(stages.some((t) => t.includes('Lyrics and arrangement ready'))).toBe(true);
    expect(stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files)).toHaveLength(0);
  });

  it('GIVEN a message with no audio WHEN a shortcut is used on it THEN only the user is told, and no form opens', async () => {
    const views = stack.slack.views.length;
    const responseUrl = stack.slack.responseUrl();
    await stack.send(messageShortcut({ callbackId: 'stembot_add_vocals', channelId: CHANNEL, responseUrl, message: { ts: '1700000000.000200', text: 'just words' } }));
    const answer = await waitFor('private answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(r.id)));
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.body.text)).toContain('no audio file or link');
    expect(stack.slack.views).toHaveLength(views);
  });

  it('GIVEN a message with a link WHEN "Add instrumental" is used THEN the form opens with the link filled in', async () => {
    const views = stack.slack.views.length;
    await stack.send(
      messageShortcut({ callbackId: 'stembot_add_instrumental', channelId: CHANNEL, responseUrl: stack.slack.responseUrl(), message: { ts: '1700000000.000300', text: 'vocals: <https://music.example/a.mp3?x=1&amp;y=2|a.mp3>' }, user: alice }),
    );
    const opened = await waitFor('form', () => stack.slack.views.slice(views).find((v) => v.view.callback_id === 'stembot_modal:add_instrumental'));
    const url = (opened.view.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find((b) => b.block_id === 'url');
    expect(url?.element?.initial_value).toBe('https://music.example/a.mp3?x=1&y=2');
  });
});

// Last: it reads the newest job and messages, after the tests above made theirs.
describe('Slack follow-up on an expired Kie copy', () => {
  it('GIVEN a file separated more than 3 days ago WHEN "Split into 12 stems" is pressed THEN the Slack file is fetched again with the bot token and hosted anew (Kie deleted its copy)', async () => {
    const responseUrl = stack.slack.responseUrl();
    const views = stack.slack.views.length;
    await stack.send(slashCommand({ command: '/separate', text: '', channelId: CHANNEL, responseUrl }));
    const opened = await waitFor('views.open', () => stack.slack.views.length > views && stack.slack.views.at(-1));
    const song = wavFile();
    const file = stack.slack.addPrivateFile({ name: 'Old Session.wav', mimetype: 'audio/wav', bytes: song });
    const before = stack.slack.channelMessages(CHANNEL).length;
    await stack.send(viewSubmission({ view: opened.view, values: { audio: { type: 'file_input', files: [file] }, mode: selected('vocals') } }));
    const { card } = await expectStemsDelivered(before, 2);
    const [job] = await stack.bot.store.listJobsByUser('slack', alice.id, 1);
    const input = job!.input as Extract<AudioInput, { type: 'url' }>;
    expect(input).toMatchObject({ type: 'url', hostedAt: expect.any(Number), original: { type: 'private_url' } });
    expect(JSON.stringify(input)).not.toContain(BOT_TOKEN);
    // Four days later, as far as the recorded copy is concerned.
    await stack.bot.store.updateJob(job!.id, { input: { ...input, hostedAt: Date.now() - 4 * 24 * 60 * 60_000 } }, Date.now());

    const withButton = await waitFor('button message', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.blocks?.some((b) => b.type === 'actions')));
    const button = (withButton.blocks!.find((b) => b.type === 'actions')!.elements as { action_id: string; value: string }[])[0]!;
    const uploads = stack.sim.control.uploads().length;
    const downloads = stack.slack.privateDownloads.length;
    await stack.send(buttonPress({ channelId: CHANNEL, messageTs: withButton.ts, threadTs: card.ts, responseUrl: stack.slack.responseUrl(), actionId: button.action_id, value: button.value }));
    const next = await waitFor('second card', () => stack.slack.channelMessages(CHANNEL).find((m) => m.ts > card.ts && m.text.includes('up to 12 stems')));
    await waitFor('12 stems', () => stack.slack.thread(CHANNEL, next.ts).flatMap((m) => m.files).length === 12);
    expect(stack.slack.privateDownloads.slice(downloads)).toEqual([{ fileId: file.id, authorized: true }]);
    expect(stack.sim.control.uploads()).toHaveLength(uploads + 1);
    expect(stack.sim.control.uploads().at(-1)!.sha256).toBe(sha256(song));
    expect(stack.sim.control.tasks().at(-1)!.params.audioUrl).toBe(stack.sim.control.uploads().at(-1)!.downloadUrl);
  });
});
