// SlackChat against the fake Slack Web API: what each ChatPort call puts in Slack, and how Slack's refusals
// come back to the core as codes (RATE_LIMITED with Retry-After, FORBIDDEN, TRANSIENT…).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChat } from '../../src/chat/slack/chat-port.js';
import { slackDefaults, type SlackSettings } from '../../src/chat/slack/settings.js';
import { createWebClient, type SlackFailure } from '../../src/chat/slack/web-client.js';
import type { LocalFile } from '../../src/core/ports.js';
import { statusView } from '../../src/core/status-view.js';
import type { Job } from '../../src/core/types.js';
import { createLogger } from '../../src/ops/logger.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { BOT_TOKEN } from './harness.js';
import { sha256 } from '../support/hash.js';
import { slackJob } from './jobs.js';

let slack: FakeSlack;
let dir: string;
const log = createLogger('silent');
const forbidden: { job: string; error?: string }[] = [];

function chat(over: Partial<SlackSettings> = {}) {
  return new SlackChat({
    web: createWebClient(BOT_TOKEN, slack.apiUrl, log, 5_000),
    settings: { ...slackDefaults, ...over },
    log,
    onForbidden: async (job, f: SlackFailure) => {
      forbidden.push({ job: job.id, ...(f.slackError ? { error: f.slackError } : {}) });
    },
  });
}

async function localFile(name: string, bytes: Buffer): Promise<LocalFile> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, name, bytes: bytes.length, mimeType: 'audio/wav' };
}

beforeAll(async () => {
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  slack.addChannel('C0MUSIC');
  slack.addChannel('C0OUT', { isMember: false });
  dir = await mkdtemp(join(tmpdir(), 'stembot-slack-chat-'));
});
afterAll(async () => {
  await slack?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A job whose status card exists (posted through the port itself). */
async function withCard(port: SlackChat, over: Partial<Job> = {}): Promise<Job> {
  const job = slackJob({ id: `job${Math.random().toString(36).slice(2, 9)}`, ...over });
  const posted = await port.postStatus(job, statusView(job, Date.now()));
  if (!posted.ok) throw new Error(posted.code);
  const thread = await port.openThread(job, posted.value.messageId, 'x');
  return { ...job, statusMessageId: posted.value.messageId, threadId: thread.ok ? thread.value.threadId : null };
}

describe('SlackChat', () => {
  it('GIVEN a job WHEN its status is posted and edited THEN one Block Kit card changes in place, and the thread is that card', async () => {
    const port = chat();
    const job = await withCard(port);
    expect(job.threadId).toBe(job.statusMessageId);
    const card = slack.message('C0MUSIC', job.statusMessageId!)!;
    expect(card.blocks?.map((b) => b.type)).toEqual(['header', 'section', 'context', 'section', 'context']);
    const done = { ...job, state: 'complete' as const, files: [{ key: 'vocal', label: 'Vocals', url: 'https://k/v.wav' }], finishedAt: Date.now() };
    expect(await port.editStatus(done, job.statusMessageId!, statusView(done, Date.now()))).toEqual({ ok: true, value: undefined });
    expect(card.updates.at(-1)!.text).toContain('Done — 1 stem in the thread.');
    // A retried `open` in the same process does not post a second card.
    const again = await port.postStatus(job, statusView(job, Date.now()));
    expect(again).toEqual({ ok: true, value: { messageId: job.statusMessageId } });
    expect(slack.channelMessages('C0MUSIC').filter((m) => m.ts === job.statusMessageId)).toHaveLength(1);
  });

  it('GIVEN Markdown text, links and a mention WHEN posted THEN Slack gets mrkdwn: *bold*, <url|label>, <@user>, escaped names', async () => {
    const port = chat();
    const job = await withCard(port);
    const r = await port.post(job, job.threadId, { text: '**Rock & <Roll>** failed', mention: true, links: [{ label: 'Drums.wav', url: 'https://k.example/d.wav?a=1&b=2' }] }, 'k-text');
    expect(r.ok).toBe(true);
    const m = slack.thread('C0MUSIC', job.threadId!).at(-1)!;
    expect(m.text).toBe('<@U0ALICE> *Rock &amp; &lt;Roll&gt;* failed\n• <https://k.example/d.wav?a=1&amp;b=2|Drums.wav>');
  });

  it('GIVEN stems and follow-up buttons WHEN posted THEN the files are shared in the thread in one message and the buttons follow', async () => {
    const port = chat();
    const job = await withCard(port);
    const a = await localFile('a.wav', Buffer.from('RIFF-aaaa'));
    const b = await localFile('b.wav', Buffer.from('RIFF-bbbbbb'));
    const r = await port.post(job, job.threadId, { text: '**Song** — 2 stems for alice', files: [a, b], actions: [{ id: 'split_stems', label: 'Split into 12 stems', jobId: job.id }] }, 'k-files');
    expect(r.ok).toBe(true);
    const thread = slack.thread('C0MUSIC', job.threadId!);
    const shared = thread.find((m) => m.files.length)!;
    expect(shared.text).toBe('*Song* — 2 stems for alice');
    expect(shared.files.map((f) => [f.name, f.sha256])).toEqual([['a.wav', sha256(Buffer.from('RIFF-aaaa'))], ['b.wav', sha256(Buffer.from('RIFF-bbbbbb'))]]);
    const buttons = thread.find((m) => m.blocks?.some((x) => x.type === 'actions'))!;
    const el = (buttons.blocks!.at(-1)!.elements as { action_id: string; value: string }[])[0]!;
    expect(el.action_id).toBe('stembot:split_stems:0');
    // The value names the job only: who may press is read from the stored job, not from the value.
    expect(JSON.parse(el.value)).toEqual({ j: job.id });
    // The same idempotency key again: remembered, nothing new in Slack.
    const count = slack.messages.length;
    expect(await port.post(job, job.threadId, { text: 'x', files: [a, b] }, 'k-files')).toEqual(r);
    expect(slack.messages.length).toBe(count);
  });

  it('GIVEN more files than a message takes, or one over the cap THEN INVALID / TOO_LARGE come back before anything is uploaded', async () => {
    const port = chat({ maxFilesPerMessage: 1, maxFileBytes: 5 });
    const job = await withCard(port);
    const small = await localFile('s.wav', Buffer.from('1234'));
    const big = await localFile('b.wav', Buffer.from('123456'));
    const uploads = slack.callsTo('files.getUploadURLExternal').length;
    expect(await port.post(job, job.threadId, { text: 't', files: [small, small] }, 'k-many')).toMatchObject({ ok: false, code: 'INVALID' });
    expect(await port.post(job, job.threadId, { text: 't', files: [big] }, 'k-big')).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(uploads);
    expect(port.limits(job)).toEqual({ maxFileBytes: 5, maxFilesPerMessage: 1 });
    expect(chat().limits(job)).toEqual({ maxFileBytes: 100 * 1024 * 1024, maxFilesPerMessage: 10 });
  });

  it('GIVEN Slack answers 429 with Retry-After: 7 THEN the post is RATE_LIMITED with retryAfterMs 7000 (the outbox waits, not the client)', async () => {
    const port = chat();
    const job = await withCard(port);
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 7 });
    const started = Date.now();
    expect(await port.post(job, job.threadId, { text: 'hello' }, 'k-429')).toMatchObject({ ok: false, code: 'RATE_LIMITED', retryAfterMs: 7000 });
    expect(Date.now() - started).toBeLessThan(2000);
    slack.failNext('chat.update', { error: 'ratelimited' });
    expect(await port.editStatus(job, job.statusMessageId!, statusView(job, Date.now()))).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    // The retry goes through and shows once.
    expect((await port.post(job, job.threadId, { text: 'hello' }, 'k-429')).ok).toBe(true);
    expect(slack.thread('C0MUSIC', job.threadId!).filter((m) => m.text === 'hello')).toHaveLength(1);
  });

  it('GIVEN Slack is down (5xx twice) or the network fails THEN TRANSIENT', async () => {
    const port = chat();
    const job = await withCard(port);
    slack.failNext('chat.postMessage', { status: 503 }, 2);
    expect(await port.post(job, job.threadId, { text: 'x' }, 'k-503')).toMatchObject({ ok: false, code: 'TRANSIENT' });
    const offline = new SlackChat({ web: createWebClient(BOT_TOKEN, 'http://127.0.0.1:9/api/', log, 2_000), settings: slackDefaults, log });
    expect(await offline.post(job, job.threadId, { text: 'x' }, 'k-net')).toMatchObject({ ok: false, code: 'TRANSIENT' });
  });

  it('GIVEN a channel stembot is not in WHEN it posts THEN FORBIDDEN, the requester is told once, and stems are not uploaded there', async () => {
    const port = chat();
    const job = slackJob({ id: 'jobout0001', channelId: 'C0OUT' });
    expect(await port.postStatus(job, statusView(job, Date.now()))).toMatchObject({ ok: false, code: 'FORBIDDEN', detail: 'not_in_channel' });
    slack.failNext('chat.postMessage', { error: 'missing_scope', needed: 'chat:write' });
    expect(await port.post(slackJob({ id: 'jobscope01' }), null, { text: 'x' }, 'k-scope')).toMatchObject({ ok: false, code: 'FORBIDDEN', detail: 'missing_scope' });
    const uploads = slack.callsTo('files.getUploadURLExternal').length;
    const f = await localFile('c.wav', Buffer.from('RIFF-c'));
    expect(await port.post(job, null, { text: 'stems', files: [f] }, 'k-out')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(uploads);
    expect(forbidden).toEqual([
      { job: 'jobout0001', error: 'not_in_channel' },
      { job: 'jobscope01', error: 'missing_scope' },
    ]);
  });

  it('GIVEN a status message that was deleted WHEN it is edited THEN NOT_FOUND', async () => {
    const port = chat();
    const job = slackJob();
    expect(await port.editStatus(job, '1.000001', statusView(job, Date.now()))).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
