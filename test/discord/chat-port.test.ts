// The Discord ChatPort against the fake Discord REST, through discord.js's real REST client: what reached
// "Discord" (messages, files, bytes, threads), and how Discord's answers map to the core's codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordChat } from '../../src/chat/discord/chat-port.js';
import { createRest } from '../../src/chat/discord/rest.js';
import { statusView } from '../../src/core/status-view.js';
import { FakeDiscord, type FakeChannel } from '../fakes/discord-rest.js';
import { jobFor, stemFiles } from './fixtures.js';

const TOKEN = 'bot-token';
let fake: FakeDiscord;
let chat: DiscordChat;
let channel: FakeChannel;

beforeAll(async () => {
  fake = await FakeDiscord.start({ token: TOKEN, applicationId: '1100000000000000001', maxFileBytes: 64 * 1024 });
  chat = new DiscordChat({
    rest: createRest({ apiUrl: fake.apiUrl, token: TOKEN, maxRateLimitWaitMs: 5_000 }),
    files: { apiUrl: fake.apiUrl, token: TOKEN, timeoutMs: 10_000, maxRateLimitWaitMs: 5_000 },
  });
  channel = fake.addChannel({ type: 'text', name: 'music' });
});
afterAll(async () => {
  await fake.close();
});

const posts = (channelId: string) => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/channels/${channelId}/messages`));

describe('status message and thread', () => {
  it('GIVEN a new job WHEN its status is posted and edited THEN one embed shows kind, input, requester, stage row and stage line', async () => {
    const job = jobFor(channel.id, { state: 'queued', taskId: null, finishedAt: null });
    const posted = await chat.postStatus(job, statusView(job, Date.now()));
    expect(posted.ok).toBe(true);
    const id = posted.ok ? posted.value.messageId : '';
    const m = fake.messages.get(id)!;
    expect(m.embeds[0]).toMatchObject({ title: 'Stem separation · vocals + instrumental', fields: [{ name: 'Input', value: 'song.mp3' }, { name: 'Requested by', value: `<@${job.userId}>` }] });
    expect(m.embeds[0].description).toMatch(/^⏳ Queued {2}→ {2}▫️ Separating {2}→ {2}▫️ Done\nQueued — handing it to Kie… \(\d+s\)$/);
    expect(m.allowedMentions).toEqual({ parse: [] });

    const done = { ...job, state: 'complete' as const, files: [{ key: 'vocal', label: 'Vocals', url: 'https://x/v.wav' }, { key: 'instrumental', label: 'Instrumental', url: 'https://x/i.wav' }] };
    expect(await chat.editStatus(done, id, statusView(done, Date.now()))).toEqual({ ok: true, value: undefined });
    expect(fake.messages.get(id)!.embeds[0].description).toMatch(/^✅ Queued {2}→ {2}✅ Separating {2}→ {2}✅ Done\nDone — 2 stems in the thread\./);
    expect(fake.violations).toEqual([]);
  });

  it('GIVEN the status post is retried after a lost answer THEN Discord returns the first message (same nonce)', async () => {
    const job = jobFor(channel.id, { id: 'retrystat1', state: 'queued' });
    fake.fail({ method: 'POST', path: new RegExp(`/channels/${channel.id}/messages$`), status: 500, afterStore: true });
    const a = await chat.postStatus(job, statusView(job, Date.now()));
    const b = await chat.postStatus(job, statusView(job, Date.now()));
    expect(a).toEqual(b);
    expect(fake.messagesIn(channel.id).filter((m) => m.embeds[0]?.footer?.text?.includes('retrystat1'))).toHaveLength(1);
  });

  it('GIVEN a status message WHEN a thread is opened (twice) THEN the thread hangs off the message and the retry finds it', async () => {
    const job = jobFor(channel.id, { id: 'threadjob1' });
    const s = await chat.postStatus(job, statusView(job, Date.now()));
    const messageId = s.ok ? s.value.messageId : '';
    const t1 = await chat.openThread(job, messageId, 'Stem separation: song.mp3');
    expect(t1).toEqual({ ok: true, value: { threadId: messageId } });
    expect(fake.threadOf(messageId)).toMatchObject({ parentId: channel.id, name: 'Stem separation: song.mp3' });
    // Discord answers 160004 the second time; the thread shares the message's id.
    expect(await chat.openThread(job, messageId, 'Stem separation: song.mp3')).toEqual(t1);
  });

  it('GIVEN no Create Public Threads permission, or a voice channel THEN FORBIDDEN / INVALID (the core replies in the channel)', async () => {
    const locked = fake.addChannel({ type: 'text', threadsForbidden: true });
    const voice = fake.addChannel({ type: 'voice' });
    for (const [c, code] of [[locked, 'FORBIDDEN'], [voice, 'INVALID']] as const) {
      const job = jobFor(c.id, { id: `nothread-${code}` });
      const s = await chat.postStatus(job, statusView(job, Date.now()));
      const r = await chat.openThread(job, s.ok ? s.value.messageId : '', 'x');
      expect(r).toMatchObject({ ok: false, code });
    }
  });

  it('GIVEN a command run inside a thread THEN that thread is the conversation (no thread in a thread)', async () => {
    const before = fake.requests.length;
    const job = jobFor('1300000000000009999', { originMeta: { inThread: true } });
    expect(await chat.openThread(job, '1', 'x')).toEqual({ ok: true, value: { threadId: '1300000000000009999' } });
    expect(fake.requests.length).toBe(before);
  });
});

describe('posting stems', () => {
  it('GIVEN three stems WHEN posted THEN one multipart message carries files[0..2] with their exact bytes, a nonce and enforce_nonce', async () => {
    const { files, contents } = await stemFiles(3);
    const job = jobFor(channel.id, { id: 'stemsjob01' });
    const r = await chat.post(job, channel.id, { text: '**song** — 3 stems for alice', files }, 'stemsjob01:r0:a,b,c');
    expect(r.ok).toBe(true);
    const m = fake.messages.get(r.ok ? r.value.messageId : '')!;
    expect(m.content).toBe('**song** — 3 stems for alice');
    expect(m.files.map((f) => f.field)).toEqual(['files[0]', 'files[1]', 'files[2]']);
    expect(m.files.map((f) => f.filename)).toEqual(files.map((f) => f.name));
    expect(m.files.map((f) => f.bytes)).toEqual(contents);
    const req = posts(channel.id).at(-1)!;
    expect(req).toMatchObject({ multipart: true, files: 3, body: { enforce_nonce: true, attachments: [{ id: 0 }, { id: 1 }, { id: 2 }] } });
    expect(String(req.nonce)).toHaveLength(25);
    expect(fake.violations).toEqual([]);
  });

  it('GIVEN a 429 with retry_after WHEN stems are posted THEN discord.js waits it out and the files arrive exactly once', async () => {
    const { files, contents } = await stemFiles(2);
    const job = jobFor(channel.id, { id: 'ratelimit1' });
    fake.fail({ method: 'POST', path: new RegExp(`/channels/${channel.id}/messages$`), status: 429, retryAfterSec: 0.3 });
    const started = Date.now();
    const r = await chat.post(job, channel.id, { text: 'after a 429', files }, 'ratelimit1:r0:x');
    expect(r.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const landed = fake.messagesIn(channel.id).filter((m) => m.content === 'after a 429');
    expect(landed).toHaveLength(1);
    expect(landed[0]!.files.map((f) => f.bytes)).toEqual(contents);
    expect(posts(channel.id).slice(-2).map((p) => p.status)).toEqual([429, 200]);
  });

  it('GIVEN Discord stored the message but the answer was lost (500) THEN the retry returns the first message: it shows once', async () => {
    const { files } = await stemFiles(1);
    const job = jobFor(channel.id, { id: 'lostanswer' });
    fake.fail({ method: 'POST', path: new RegExp(`/channels/${channel.id}/messages$`), status: 500, afterStore: true });
    const r = await chat.post(job, channel.id, { text: 'answer lost once', files }, 'lostanswer:r0:x');
    expect(r.ok).toBe(true);
    expect(fake.messagesIn(channel.id).filter((m) => m.content === 'answer lost once')).toHaveLength(1);
    expect(posts(channel.id).slice(-2).map((p) => p.status)).toEqual([500, 200]);
  });

  it('GIVEN a rate limit longer than the adapter waits THEN RATE_LIMITED with Discord’s delay goes back to the outbox', async () => {
    // Its own channel: discord.js then holds that channel's bucket for the whole minute.
    const busy = fake.addChannel({ type: 'text' });
    const job = jobFor(busy.id);
    fake.fail({ method: 'POST', path: new RegExp(`/channels/${busy.id}/messages$`), status: 429, retryAfterSec: 60 });
    const r = await chat.post(job, busy.id, { text: 'never sent' }, 'long429');
    expect(r).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(!r.ok && r.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    expect(fake.messagesIn(busy.id)).toEqual([]);
  });

  it('GIVEN Discord answers 403, 404, 413 or keeps failing with 500 THEN FORBIDDEN, NOT_FOUND, TOO_LARGE, TRANSIENT', async () => {
    const job = jobFor(channel.id, { originMeta: { attachmentSizeLimit: 1024 * 1024 } });
    fake.fail({ method: 'POST', path: new RegExp(`/channels/${channel.id}/messages$`), status: 403 });
    expect(await chat.post(job, channel.id, { text: 'a' }, 'k403')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await chat.post(job, '1399999999999999999', { text: 'a' }, 'k404')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // The job allows 1 MiB, but this channel takes 64 KiB: Discord answers 413 / 40005.
    const big = await stemFiles(1, 100 * 1024);
    expect(await chat.post(job, channel.id, { text: 'big', files: big.files }, 'k413')).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    fake.fail({ method: 'POST', path: new RegExp(`/channels/${channel.id}/messages$`), status: 500, times: 4 });
    expect(await chat.post(job, channel.id, { text: 'a' }, 'k500')).toMatchObject({ ok: false, code: 'TRANSIENT' });
  });

  it('GIVEN a file over the job’s attachment limit THEN TOO_LARGE without a request', async () => {
    const before = fake.requests.length;
    const { files } = await stemFiles(1, 4096);
    const r = await chat.post(jobFor(channel.id, { originMeta: { attachmentSizeLimit: 1000 } }), channel.id, { text: 'x', files }, 'kbig');
    expect(r).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(fake.requests.length).toBe(before);
  });
});

describe('links, buttons and mentions', () => {
  it('GIVEN links short and long THEN short ones become link buttons and long ones plain text, and the message says why', async () => {
    const long = `https://files.example.com/${'x'.repeat(600)}.wav`;
    const r = await chat.post(jobFor(channel.id), channel.id, { text: 'Too large to attach here (limit 10 MiB):', links: [{ label: 'song - Drums.wav', url: 'https://files.example.com/drums.wav' }, { label: 'song - Bass.wav', url: long }] }, 'links1');
    const m = fake.messages.get(r.ok ? r.value.messageId : '')!;
    expect(m.content).toBe('Too large to attach here (limit 10 MiB):');
    expect(m.components).toEqual([{ type: 1, components: [{ type: 2, style: 5, label: 'song - Drums.wav', url: 'https://files.example.com/drums.wav' }] }]);
    expect(m.embeds).toEqual([{ description: `**song - Bass.wav**: ${long}` }]);
    expect(fake.violations).toEqual([]);
  });

  it('GIVEN follow-up actions THEN they become buttons whose custom_id (≤ 100) names the action, job and track', async () => {
    const job = jobFor(channel.id, { id: 'genjob0001', kind: 'add_vocals', files: [{ key: 'track-1', label: 'River Song', url: 'https://x/1.mp3', audioId: 'a1b2c3d4-0000-4000-8000-123456789abc' }] });
    const r = await chat.post(job, channel.id, { text: 'tracks', actions: [{ id: 'separate_track', label: 'Separate stems', jobId: job.id, taskId: 'task123', audioId: 'a1b2c3d4-0000-4000-8000-123456789abc' }, { id: 'split_stems', label: 'Split into 12 stems', jobId: job.id }] }, 'actions1');
    const m = fake.messages.get(r.ok ? r.value.messageId : '')!;
    expect(m.components[0].components).toEqual([
      { type: 2, style: 1, label: 'Separate stems', custom_id: 'sb1:sep:genjob0001:a1b2c3d4-0000-4000-8000-123456789abc' },
      { type: 2, style: 1, label: 'Split into 12 stems', custom_id: 'sb1:split:genjob0001' },
    ]);
  });

  it('GIVEN a failure notice THEN it mentions the requester and only the requester may be pinged', async () => {
    const job = jobFor(channel.id);
    const r = await chat.post(job, channel.id, { text: '**Stem separation failed** for song.mp3. Kie says the account is out of credits — ask an admin to top up, then try again.', mention: true }, 'fail1');
    const m = fake.messages.get(r.ok ? r.value.messageId : '')!;
    expect(m.content).toBe(`<@${job.userId}> **Stem separation failed** for song.mp3. Kie says the account is out of credits — ask an admin to top up, then try again.`);
    expect(m.allowedMentions).toEqual({ parse: [], users: [job.userId] });
  });

  it('GIVEN a job THEN the limits are its interaction’s attachment_size_limit (10 MiB when absent) and 10 files', () => {
    expect(chat.limits(jobFor(channel.id, { originMeta: { attachmentSizeLimit: 52_428_800 } }))).toEqual({ maxFileBytes: 52_428_800, maxFilesPerMessage: 10 });
    expect(chat.limits(jobFor(channel.id, { originMeta: {} }))).toEqual({ maxFileBytes: 10 * 1024 * 1024, maxFilesPerMessage: 10 });
  });
});
