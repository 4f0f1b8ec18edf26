// Mass mentions and spoofed links from user or Kie text: a title `<!channel> <@U999> hi`, a file named
// `<!everyone> …`, a stem name `<https://evil.example|click>`, a user named `<!here>`, Kie's error message
// carrying `<!channel>` — run as real jobs through the real adapter, and every call stembot made to the fake
// Slack Web API (messages, edits, file uploads and shares, private answers) is searched for a live control
// sequence. Slack reads `<!…>`, `<@…>` and `<url|label>` anywhere in text or a text object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand, viewSubmission } from '../fakes/slack-requests.js';
import { CHANNEL, startStack, wavFile, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const mallory = { id: 'U0MALLORY', name: '<!here>' };
// What the Slack client sends for text a person typed: `&`, `<`, `>` arrive escaped and stembot decodes them.
const typedBySlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const live = ['<!channel>', '<!everyone>', '<!here>', '<@U999>', '<https://evil.example'];

/** Every string stembot sent to Slack: Web API call arguments and response_url bodies. */
function everythingSent(): string {
  return JSON.stringify({ calls: stack.slack.calls.map((c) => c.args), responses: stack.slack.responses.map((r) => r.body), ephemerals: stack.slack.ephemerals });
}

describe('Slack: user and Kie text cannot mention or spoof links', () => {
  it('GIVEN a title, prompt, style, stem name, file name, user name and a Kie error carrying mentions and links WHEN the jobs run THEN nothing reaches Slack unescaped', async () => {
    const before = stack.slack.channelMessages(CHANNEL).length;
    // 1. add-vocals with a hostile title, prompt and style, by a user whose name is a mention; it completes.
    const title = '<!channel> <@U999> hi';
    await stack.send(
      slashCommand({
        command: '/add-vocals',
        text: typedBySlack(`https://music.example/backing.mp3 prompt:"<!everyone> sing" style:"<https://evil.example|click>" title:"${title}"`),
        channelId: CHANNEL,
        responseUrl: stack.slack.responseUrl(),
        user: mallory,
      }),
    );
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
    await waitFor('two takes delivered', () => stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files).length === 2);

    // 2. one instrument, whose name (the stem label Kie returns) is a link, from a file whose name mentions everyone.
    const opened = (await stack.send(slashCommand({ command: '/separate', text: '', channelId: CHANNEL, responseUrl: stack.slack.responseUrl(), user: mallory })), await waitFor('form', () => stack.slack.views.at(-1)));
    const file = stack.slack.addPrivateFile({ name: '<!everyone> [Free Nitro @everyone](https://evil.example/claim).wav', mimetype: 'audio/wav', bytes: wavFile() });
    await stack.send(
      viewSubmission({
        view: opened.view,
        values: { audio: { type: 'file_input', files: [file] }, mode: { type: 'static_select', selected_option: { value: 'single' } }, stem: { type: 'static_select', selected_option: { value: '<https://evil.example|click>' } } },
        user: mallory,
      }),
    );
    const card2 = await waitFor('second status card', () => stack.slack.channelMessages(CHANNEL)[before + 1]);
    await waitFor('the stem delivered', () => stack.slack.thread(CHANNEL, card2.ts).flatMap((m) => m.files).length === 1);

    // 3. Kie fails the job with a message that mentions the channel and carries a link.
    stack.sim.control.scriptNext({ steps: [{ stage: 'failed', afterMs: 100, code: 451, msg: 'Download failed <!channel> <https://evil.example|click> <@U999>' }] });
    await stack.send(slashCommand({ command: '/add-instrumental', text: 'https://music.example/vox.mp3 tags:warm title:Harbour', channelId: CHANNEL, responseUrl: stack.slack.responseUrl(), user: mallory }));
    const card3 = await waitFor('third status card', () => stack.slack.channelMessages(CHANNEL)[before + 2]);
    const notice = await waitFor('failure notice', () => stack.slack.thread(CHANNEL, card3.ts).find((m) => m.text.includes('failed')));

    // 4. follow-ups by command: WAV of the hostile-titled take (its answer names the song), and MIDI of a stem
    //    the job does not have (the core's refusal lists the job's stem labels: here a link).
    const gen = (await stack.bot.service.listForUser('slack', mallory.id, 10)).find((j) => j.kind === 'add_vocals')!;
    const wavUrl = stack.slack.responseUrl();
    await stack.send(slashCommand({ command: '/wav', text: gen.id, channelId: CHANNEL, responseUrl: wavUrl, user: mallory }));
    const wavAnswer = String((await waitFor('/wav answer', () => stack.slack.responses.find((r) => wavUrl.endsWith(`/${r.id}`)))).body.text);
    expect(wavAnswer).toContain('Started job');
    expect(wavAnswer).toContain('&lt;!channel&gt; &lt;@U999&gt; hi');
    const sep = (await stack.bot.service.listForUser('slack', mallory.id, 10)).find((j) => j.kind === 'separate')!;
    const midiUrl = stack.slack.responseUrl();
    await stack.send(slashCommand({ command: '/midi', text: `${sep.id} Kazoo`, channelId: CHANNEL, responseUrl: midiUrl, user: mallory }));
    const midiAnswer = String((await waitFor('/midi answer', () => stack.slack.responses.find((r) => midiUrl.endsWith(`/${r.id}`)))).body.text);
    expect(midiAnswer).toContain('no stem “Kazoo”');
    expect(midiAnswer).toContain('&lt;https://evil.example|click&gt;');

    // The hostile text did reach the jobs (so the test is not vacuous) …
    const jobs = await stack.bot.service.listForUser('slack', mallory.id, 10);
    expect(jobs.map((j) => j.params.kind === 'separate' ? j.params.stem : j.params.title)).toEqual(expect.arrayContaining([title, '<https://evil.example|click>']));
    expect(jobs.some((j) => j.failure?.detail?.includes('<!channel>'))).toBe(true);
    // … and shows in Slack as text: escaped in the notification text, the card and the notice.
    expect(card.text).toContain('&lt;!channel&gt; &lt;@U999&gt; hi');
    expect(notice.text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt;');

    // THEN no call to Slack carried a live mention or link from that text.
    const sent = everythingSent();
    for (const s of live) expect(sent).not.toContain(s);
    // The requester's own mention in the notice is stembot's, and the only one.
    expect(notice.text.match(/<@[^>]*>/g)).toEqual([`<@${mallory.id}>`]);
    // File names carry no link syntax either.
    const names = stack.slack.callsTo('files.getUploadURLExternal').map((c) => String(c.args.filename));
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const n of names) expect(n).not.toMatch(/[[\]<>@]/);
  });
});
