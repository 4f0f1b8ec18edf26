// The HTTP interactions endpoint's guard and the private refusals, end to end with the real stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ping, signBody, slashCommand } from '../fakes/discord-interactions.js';
import { alice, bob, startStack, wavFile, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';
import { request } from 'undici';

const ROLE = '1500000000000000001';
const OTHER_CHANNEL = '1500000000000000002';
let s: Stack;
beforeAll(async () => {
  s = await startStack({ env: { DISCORD_ALLOWED_ROLE_IDS: ROLE }, tuning: { maxActivePerUser: 1 } });
});
afterAll(async () => {
  await s?.close();
});

const musician = { ...alice, roles: [ROLE] };

describe('the interactions endpoint', () => {
  it('GIVEN a PING signed with the app’s key THEN PONG', async () => {
    expect(await s.send(ping('1100000000000000001'))).toEqual({ status: 200, body: { type: 1 } });
  });

  it('GIVEN a request signed by someone else THEN 401 and nothing happens', async () => {
    const before = s.discord.requests.length;
    const r = await s.send(slashCommand('separate', { task_id: 'a', audio_id: 'b' }, musician, s.place()), { forge: true });
    expect(r.status).toBe(401);
    expect((await s.send(ping('1100000000000000001'), { forge: true })).status).toBe(401);
    expect(s.discord.requests.length).toBe(before);
    expect(await s.jobs()).toEqual([]);
  });

  it('GIVEN no signature headers, or a body changed after signing THEN 401', async () => {
    const body = JSON.stringify(ping('1100000000000000001'));
    const bare = await request(s.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(bare.statusCode).toBe(401);
    await bare.body.dump();
    const ts = String(Math.floor(Date.now() / 1000));
    const tampered = await request(s.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-ed25519': signBody(s.keys, ts, body), 'x-signature-timestamp': ts },
      body: body.replace('"type":1', '"type":2'),
    });
    expect(tampered.statusCode).toBe(401);
    await tampered.body.dump();
  });

  it('GIVEN a correctly signed request from ten minutes ago, or the same interaction twice THEN 401 (replays start nothing)', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 600);
    expect((await s.send(slashCommand('jobs', {}, musician, s.place()), { timestamp: old })).status).toBe(401);
    const once = slashCommand('jobs', {}, musician, s.place());
    expect((await s.send(once)).status).toBe(200);
    expect((await s.send(once)).status).toBe(401);
  });
});

describe('private refusals', () => {
  it('GIVEN a member without the allowed role THEN a private refusal names the role, and no job exists', async () => {
    const r = await s.send(slashCommand('separate', { task_id: 'a', audio_id: 'b' }, bob, s.place()));
    expect(r.body).toEqual({ type: 4, data: { content: `Starting stembot jobs needs one of these roles: <@&${ROLE}>. Ask a server admin.`, flags: 64, allowed_mentions: { parse: [] } } });
    expect(await s.jobs()).toEqual([]);
  });

  it('GIVEN an image instead of audio THEN the core’s sentence, privately, at once', async () => {
    const png = s.discord.addAttachment('cover.png', Buffer.from('\x89PNG....'), 'image/png', Date.now() + 86_400_000);
    const r = await s.send(slashCommand('separate', { audio: png }, musician, s.place()));
    expect(r.body).toMatchObject({ type: 4, data: { content: 'That file does not look like audio. Attach an MP3, WAV, FLAC, OGG or M4A file.', flags: 64 } });
  });

  it('GIVEN a file larger than Kie takes (20 MB) THEN the core refuses it privately, before any download', async () => {
    const i = slashCommand('separate', { audio: { ...s.discord.addAttachment('long.wav', wavFile(100), 'audio/wav', Date.now() + 3_600_000), size: 25 * 1024 * 1024 } }, musician, s.place());
    const r = await s.send(i);
    expect(r.body).toEqual({ type: 5, data: { flags: 64 } });
    const reply = await waitFor('the refusal', () => s.discord.privateReply(i.token)?.content);
    expect(reply).toBe('That file is larger than Kie accepts (20 MB). Trim or compress it and try again.');
    expect(s.discord.attachmentGets).toEqual([]);
  });

  it('GIVEN /add-vocals without a prompt (a hand-made request) THEN the refusal says what is missing', async () => {
    const r = await s.send(slashCommand('add-vocals', { style: 'Folk', title: 'River', url: 'https://example.com/a.mp3' }, musician, s.place()));
    expect(r.body.data).toMatchObject({ content: '/add-vocals needs `prompt`.', flags: 64 });
  });

  it('GIVEN /job with an id that is not a job here THEN it says so privately', async () => {
    const i = slashCommand('job', { id: 'nope' }, musician, s.place());
    await s.send(i);
    expect(await waitFor('the answer', () => s.discord.privateReply(i.token)?.content)).toBe('There is no job `nope` here. `/jobs` lists yours.');
  });

  it('GIVEN a task_id without audio_id, or two songs THEN what to fix', async () => {
    expect((await s.send(slashCommand('separate', { task_id: 'abc' }, musician, s.place()))).body.data.content).toBe('`task_id` and `audio_id` go together: give both to separate a Kie track.');
    expect((await s.send(slashCommand('separate', { task_id: 'abc', audio_id: 'd', url: 'https://example.com/a.mp3' }, musician, s.place()))).body.data.content).toMatch(/^Give only one song/);
  });

  it('GIVEN a job already running and a cap of one per person THEN the second is refused privately and posts nothing', async () => {
    s.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 200_000 }] });
    const first = slashCommand('separate', { task_id: 'a1', audio_id: 'b1' }, musician, s.place());
    await s.send(first);
    await waitFor('the first job', () => /Started job/.test(s.discord.privateReply(first.token)?.content ?? ''));
    // Wait until Kie has it, so its state cannot change between the refusal and the check below.
    await waitFor('the first job at Kie', async () => (await s.jobs())[0]?.taskId);
    const second = slashCommand('separate', { task_id: 'a2', audio_id: 'b2' }, musician, s.place());
    await s.send(second);
    const reply = await waitFor('the refusal', () => s.discord.privateReply(second.token)?.content);
    const [running] = await s.jobs();
    // The refusal names the running job (id, what, state) and points to /jobs.
    expect(reply).toBe(
      [
        'You already have as many jobs running as allowed. Wait for one to finish, then try again.',
        'Your running jobs:',
        `• \`${running!.id}\` — Stem separation (vocals + instrumental) of Kie track b1 — working at Kie`,
        'See them with `/jobs`, or one with `/job <id>`.',
      ].join('\n'),
    );
    expect((await s.jobs()).map((j) => j.input)).toEqual([{ type: 'kie_track', taskId: 'a1', audioId: 'b1', name: 'Kie track b1' }]);
  });

  it('GIVEN a channel that is not allowed THEN a private refusal points to the allowed ones', async () => {
    const s2 = await startStack({ env: { DISCORD_ALLOWED_CHANNEL_IDS: OTHER_CHANNEL } });
    try {
      const r = await s2.send(slashCommand('separate', { task_id: 'a', audio_id: 'b' }, alice, s2.place()));
      expect(r.body.data.content).toBe(`stembot is not enabled in this channel. Use it in <#${OTHER_CHANNEL}>.`);
      // A thread under an allowed channel counts as that channel.
      const i = slashCommand('separate', { task_id: 'a', audio_id: 'b' }, alice, s2.place({ channelId: '1500000000000000003', channelType: 11, parentId: OTHER_CHANNEL }));
      expect((await s2.send(i)).body).toEqual({ type: 5, data: { flags: 64 } });
      expect(await waitFor('the answer', () => s2.discord.privateReply(i.token)?.content)).toMatch(/^Started job/);
    } finally {
      await s2.close();
    }
  });
});
