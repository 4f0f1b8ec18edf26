// Slack files are shared exactly once, even when Slack applied files.completeUploadExternal but its answer was
// lost and stembot restarted before retrying: the file ids are recorded in the store before the share, and a
// retry asks files.info whether the share happened (docs/slack-uploads.md). Real SlackChat, real SQLite store,
// the fake Slack Web API cutting the connection after applying the call.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChat } from '../../src/chat/slack/chat-port.js';
import { slackDefaults } from '../../src/chat/slack/settings.js';
import { createWebClient } from '../../src/chat/slack/web-client.js';
import type { LocalFile } from '../../src/core/ports.js';
import { statusView } from '../../src/core/status-view.js';
import type { Job } from '../../src/core/types.js';
import { createLogger } from '../../src/ops/logger.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { BOT_TOKEN } from './harness.js';
import { slackJob } from './jobs.js';

let slack: FakeSlack;
let dir: string;
let store: SqliteJobStore;
const log = createLogger('silent');

/** One stembot process's SlackChat, wired as mount.ts wires it (share client without retries, the store). */
function processChat(): SlackChat {
  return new SlackChat({
    web: createWebClient(BOT_TOKEN, slack.apiUrl, log, 5_000),
    shareWeb: createWebClient(BOT_TOKEN, slack.apiUrl, log, 5_000, 0),
    uploads: store,
    settings: slackDefaults,
    log,
  });
}

async function localFile(name: string, text: string): Promise<LocalFile> {
  const path = join(dir, name);
  await writeFile(path, Buffer.from(text));
  return { path, name, bytes: Buffer.byteLength(text), mimeType: 'audio/wav' };
}

async function withCard(port: SlackChat, channelId = 'C0MUSIC'): Promise<Job> {
  const job = slackJob({ id: `job${Math.random().toString(36).slice(2, 9)}`, channelId });
  const posted = await port.postStatus(job, statusView(job, Date.now()));
  if (!posted.ok) throw new Error(posted.code);
  return { ...job, statusMessageId: posted.value.messageId, threadId: posted.value.messageId };
}

const filesIn = (job: Job) => slack.thread(job.channelId, job.threadId!).flatMap((m) => m.files.map((f) => f.name));

beforeAll(async () => {
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  slack.addChannel('C0MUSIC');
  slack.addChannel('G0PRIVATE', { isPrivate: true });
  dir = await mkdtemp(join(tmpdir(), 'stembot-slack-once-'));
  store = new SqliteJobStore(join(dir, 'stembot.db'));
  await store.migrate();
});
afterAll(async () => {
  await store?.close();
  await slack?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Slack files exactly once', () => {
  it('GIVEN Slack shared the stems but the answer was lost and stembot restarted WHEN the post is retried THEN the stems appear once', async () => {
    const first = processChat();
    const job = await withCard(first);
    const files = [await localFile('vocals.wav', 'RIFF-vocals'), await localFile('drums.wav', 'RIFF-drums')];
    slack.dropAnswerNext('files.completeUploadExternal');
    const lost = await first.post(job, job.threadId, { text: 'Song — 2 stems', files }, `${job.id}:d0:b0`);
    expect(lost).toMatchObject({ ok: false, code: 'TRANSIENT' });
    expect(filesIn(job)).toEqual(['vocals.wav', 'drums.wav']);

    // A new process (nothing in memory) retries the same outbox step.
    const completes = slack.callsTo('files.completeUploadExternal').length;
    const uploads = slack.callsTo('files.getUploadURLExternal').length;
    const retried = await processChat().post(job, job.threadId, { text: 'Song — 2 stems', files }, `${job.id}:d0:b0`);
    expect(retried.ok).toBe(true);
    expect(filesIn(job)).toEqual(['vocals.wav', 'drums.wav']);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(completes);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(uploads);
    expect(slack.callsTo('files.info').at(-1)?.args).toMatchObject({ file: expect.stringMatching(/^F0UP/) });
  });

  it('GIVEN the share failed before Slack applied it WHEN a restarted stembot retries THEN the recorded files are shared once, not uploaded again', async () => {
    const job = await withCard(processChat(), 'G0PRIVATE');
    const files = [await localFile('bass.wav', 'RIFF-bass')];
    slack.failNext('files.completeUploadExternal', { status: 500 });
    expect(await processChat().post(job, job.threadId, { text: 'Bass', files }, `${job.id}:d0:b0`)).toMatchObject({ ok: false, code: 'TRANSIENT' });
    expect(filesIn(job)).toEqual([]);
    const uploads = slack.callsTo('files.getUploadURLExternal').length;
    expect((await processChat().post(job, job.threadId, { text: 'Bass', files }, `${job.id}:d0:b0`)).ok).toBe(true);
    expect(filesIn(job)).toEqual(['bass.wav']);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(uploads);
    // A third try (say the outbox lost the success to a crash) finds the share in the private channel and stops.
    expect((await processChat().post(job, job.threadId, { text: 'Bass', files }, `${job.id}:d0:b0`)).ok).toBe(true);
    expect(filesIn(job)).toEqual(['bass.wav']);
  });

  it('GIVEN files shared in another thread of the channel WHEN a post for this thread is retried THEN only a share in this thread counts', async () => {
    const port = processChat();
    const job = await withCard(port);
    const other = await withCard(port);
    const files = [await localFile('piano.wav', 'RIFF-piano')];
    expect((await port.post(other, other.threadId, { text: 'Piano', files }, `${other.id}:d0:b0`)).ok).toBe(true);
    const [recorded] = (await store.recordedUploads(`${other.id}:d0:b0`))!;
    // The same file ids recorded under this job's key (as if its upload had been that one) are not "shared here".
    await store.recordUploads(`${job.id}:d0:b0`, job.id, [recorded!], Date.now());
    const r = await processChat().post(job, job.threadId, { text: 'Piano', files }, `${job.id}:d0:b0`);
    expect(r.ok).toBe(true);
    expect(filesIn(job)).toEqual(['piano.wav']);
  });

  it('GIVEN files.info cannot be read (rate limited) WHEN a share is retried THEN nothing is shared blindly: RATE_LIMITED, and the next try shares once', async () => {
    const job = await withCard(processChat());
    const files = [await localFile('other.wav', 'RIFF-other')];
    slack.dropAnswerNext('files.completeUploadExternal');
    expect((await processChat().post(job, job.threadId, { text: 'Other', files }, `${job.id}:d0:b0`)).ok).toBe(false);
    slack.failNext('files.info', { status: 429, retryAfterSec: 1 });
    expect(await processChat().post(job, job.threadId, { text: 'Other', files }, `${job.id}:d0:b0`)).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect((await processChat().post(job, job.threadId, { text: 'Other', files }, `${job.id}:d0:b0`)).ok).toBe(true);
    expect(filesIn(job)).toEqual(['other.wav']);
  });
});
