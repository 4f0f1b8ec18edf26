// The bot token goes only to Slack's file origin, and never into the store. An attacker's file object (in a
// signed view_submission or message shortcut) whose url_private names another server must not make stembot send
// `Authorization: Bearer xoxb-…` there; a job stored with such a URL (or an old row still holding `authHeader`)
// must not either. The "evil" server is another 127.0.0.1 port that the address guard lets through (as it would
// a public host), so only the origin rule stands between it and the token.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import type { AudioInput } from '../../src/core/types.js';
import { alice, messageShortcut, slashCommand, team, viewSubmission } from '../fakes/slack-requests.js';
import { BOT_TOKEN, CHANNEL, startStack, wavFile, type Stack } from './harness.js';
import { sha256 } from '../support/hash.js';
import { waitFor } from '../support/wait.js';

/** Records every request's headers and serves a WAV to anyone. */
class EvilServer {
  readonly seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  private server!: Server;
  url = '';
  async start(): Promise<this> {
    const song = wavFile();
    this.server = createServer((req, res) => {
      this.seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(song.length) }).end(song);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }
  get host(): string {
    return new URL(this.url).host;
  }
  /** Did anything that reached this server carry the token, in any header? */
  sawToken(): boolean {
    return this.seen.some((r) => JSON.stringify(r.headers).includes(BOT_TOKEN));
  }
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

let stack: Stack;
let evil: EvilServer;
beforeAll(async () => {
  evil = await new EvilServer().start();
  stack = await startStack({ allowHosts: [evil.host] });
});
afterAll(async () => {
  await stack?.close();
  await evil?.close();
});

const selected = (value: string) => ({ type: 'static_select', selected_option: { value } });

/** A file object as Slack shows it, but served by the evil server. */
function evilFile(name: string) {
  const url = `${evil.url}/files-pri/${team.id}-F0EVIL/download/${name}`;
  return { id: 'F0EVIL', name, title: name, mimetype: 'audio/wav', filetype: 'wav', size: wavFile().length, url_private: url, url_private_download: url };
}

async function openForm(command: string, callbackId: string) {
  const views = stack.slack.views.length;
  await stack.send(slashCommand({ command, text: '', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
  return waitFor('views.open', () => stack.slack.views.slice(views).find((v) => v.view.callback_id === callbackId));
}

/** Runs a legitimate Slack-file job to the end: the outbox is then past anything queued before it. */
async function legitimateJob() {
  const opened = await openForm('/separate', 'stembot_modal:separate');
  const song = wavFile(0.3);
  const file = stack.slack.addPrivateFile({ name: 'Real Take.wav', mimetype: 'audio/wav', bytes: song });
  const before = stack.slack.channelMessages(CHANNEL).length;
  await stack.send(viewSubmission({ view: opened.view, values: { audio: { type: 'file_input', files: [file] }, mode: selected('vocals') } }));
  const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
  await waitFor('2 stems', () => stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files).length === 2);
  await waitFor('card says done', () => card.updates.some((u) => u.text.includes('Done')));
  expect(stack.slack.privateDownloads.filter((d) => d.fileId === file.id)).toEqual([{ fileId: file.id, authorized: true }]);
  expect(stack.sim.control.uploads().at(-1)!.sha256).toBe(sha256(song));
  return card;
}

/** Every byte of the SQLite database and its write-ahead log. */
async function storeBytes(): Promise<string> {
  const parts = await Promise.all(['stembot.db', 'stembot.db-wal', 'stembot.db-shm'].map((f) => join(stack.dataDir, f)).filter(existsSync).map((p) => readFile(p)));
  expect(parts.length).toBeGreaterThanOrEqual(2); // the database and its WAL are there to be read
  return Buffer.concat(parts).toString('latin1');
}

describe('Slack bot token: only for Slack’s file origin', () => {
  it('GIVEN a signed form submission whose file lives on another server THEN the person is told why, nothing is fetched, no credit is spent, and a real Slack file still works', async () => {
    const opened = await openForm('/separate', 'stembot_modal:separate');
    const tasks = stack.sim.control.tasks().length;
    const uploads = stack.sim.control.uploads().length;
    const res = await stack.send(viewSubmission({ view: opened.view, values: { audio: { type: 'file_input', files: [evilFile('free-stems.wav')] }, mode: selected('vocals') } }));

    // THEN the form stays open with a clear, specific answer next to the file field
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ response_action: 'errors', errors: { audio: expect.stringContaining('does not point at Slack’s file server (files.slack.com)') } });

    // AND once a later, legitimate job has gone all the way through, the evil server has still seen nothing
    await legitimateJob();
    expect(evil.seen).toEqual([]);
    expect(evil.sawToken()).toBe(false);
    expect(stack.sim.control.tasks()).toHaveLength(tasks + 1); // the legitimate one only
    expect(stack.sim.control.uploads()).toHaveLength(uploads + 1);
  });

  it('GIVEN a message shortcut on a message whose file lives on another server THEN only the person is told, and no form opens', async () => {
    const views = stack.slack.views.length;
    const tasks = stack.sim.control.tasks().length;
    const responseUrl = stack.slack.responseUrl();
    await stack.send(messageShortcut({ callbackId: 'stembot_separate', channelId: CHANNEL, responseUrl, message: { ts: '1700000000.000900', text: 'stems here', files: [evilFile('take.wav')] } }));
    const answer = await waitFor('private answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(r.id)));
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.body.text)).toContain('does not point at Slack’s file server (files.slack.com)');
    expect(stack.slack.views).toHaveLength(views);
    expect(stack.sim.control.tasks()).toHaveLength(tasks);
    expect(evil.seen).toEqual([]);
  });

  // Before the stored-row cases below, which write an old-style row holding the token on purpose.
  it('GIVEN Slack file jobs that completed and failed THEN the token is nowhere in the SQLite database or its WAL', async () => {
    await legitimateJob();
    // A failing one: Kie cannot fetch the re-hosted copy.
    const opened = await openForm('/separate', 'stembot_modal:separate');
    const file = stack.slack.addPrivateFile({ name: 'will-fail.wav', mimetype: 'audio/wav', bytes: wavFile() });
    stack.sim.control.scriptNext('fail-451');
    const before = stack.slack.channelMessages(CHANNEL).length;
    await stack.send(viewSubmission({ view: opened.view, values: { audio: { type: 'file_input', files: [file] }, mode: selected('vocals') } }));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
    await waitFor('failure notice', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.text.includes('failed')));
    expect(stack.slack.privateDownloads.filter((d) => d.fileId === file.id)).toEqual([{ fileId: file.id, authorized: true }]);

    const bytes = await storeBytes();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes('will-fail.wav')).toBe(true); // the job is in there…
    const at = bytes.indexOf(BOT_TOKEN); // …its credential is not (shown with its surroundings if it is)
    expect(at === -1 ? '' : bytes.slice(Math.max(0, at - 120), at + 40).replace(/[^\x20-\x7e]/g, '.')).toBe('');
  });

  // Defence in depth: whatever a stored job says, the token is added at download time for Slack's origin only.
  const stored: [string, AudioInput][] = [
    ['a stored Slack file job whose URL names another server', { type: 'private_url', url: `${'EVIL'}/files-pri/T-F1/song.wav`, name: 'song.wav', provider: 'slack' }],
    ['an old row that still carries the token as authHeader', { type: 'private_url', url: `${'EVIL'}/old/song.wav`, name: 'old.wav', authHeader: `Bearer ${BOT_TOKEN}` } as AudioInput],
  ];
  for (const [what, template] of stored) {
    it(`GIVEN ${what} THEN the token never leaves for that server`, async () => {
      const input = { ...template, url: template.type === 'private_url' ? template.url.replace('EVIL', evil.url) : '' } as AudioInput;
      const seen = evil.seen.length;
      const before = stack.slack.channelMessages(CHANNEL).length;
      const r = await stack.bot.service.submit({
        origin: { platform: 'slack', workspaceId: team.id, channelId: CHANNEL, userId: alice.id, userName: alice.name },
        input,
        params: { kind: 'separate', mode: 'vocals' },
      });
      expect(r.ok).toBe(true);
      const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[before]);
      await waitFor('card settles', () => card.updates.some((u) => /Done|Failed/.test(u.text)));
      expect(evil.sawToken()).toBe(false);
      for (const req of evil.seen.slice(seen)) expect(req.headers.authorization).toBeUndefined();
      if (template.type === 'private_url' && 'provider' in template) {
        // A Slack file off Slack's origin is not fetched at all, and the person hears it in plain words.
        expect(evil.seen).toHaveLength(seen);
        const notice = await waitFor('failure notice', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.text.includes('failed')));
        expect(notice.text).toContain(describeFailure('INPUT_BLOCKED'));
        expect(notice.text).not.toContain('127.0.0.1');
      }
    });
  }

});
