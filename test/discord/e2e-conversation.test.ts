// The rest of the conversation end to end: failures in the thread, links for what is too large, rate limits,
// no-thread channels, follow-up buttons (and who may press them), /jobs, /job and "Deliver again".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonPress, slashCommand, type Person } from '../fakes/discord-interactions.js';
import { alice, bob, bytesAt, delivered, stageLines, startStack, startedJobId, statusMessageOf, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';
import { sha256 as sha } from '../support/hash.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

const MANAGE_MESSAGES = String(1n << 13n);

async function separate(who: Person, options: Record<string, any>, place = s.place()) {
  const i = slashCommand('separate', options, who, place);
  await s.send(i);
  return startedJobId(await waitFor('the private answer', () => s.discord.originalEdits.get(i.token)?.[0]));
}
async function press(customId: string, who: Person, place = s.place()) {
  const i = buttonPress(customId, who, place);
  const sent = await s.send(i);
  expect(sent.body).toEqual({ type: 5, data: { flags: 64 } });
  return String(await waitFor('the private answer', () => s.discord.privateReply(i.token)?.content));
}
const threadMessages = (jobId: string) => s.discord.messagesIn(statusMessageOf(s, jobId)!.id);

describe('failures', () => {
  it('GIVEN Kie reports the account out of credits (402) THEN the thread says so, mentioning the requester, and the status shows the failure', async () => {
    s.sim.control.scriptNext('fail-402');
    const jobId = await separate(alice, { task_id: 'f00d', audio_id: 'cafe' });
    const notice = await waitFor('the failure notice', () => statusMessageOf(s, jobId) && threadMessages(jobId).find((m) => /failed/.test(m.content)));
    expect(notice.content).toBe(`<@${alice.id}> **Stem separation failed** for Kie track cafe. Kie says the account is out of credits — ask an admin to top up, then try again. (Kie said: Insufficient Credits - account credit balance insufficient)`);
    expect(notice.allowedMentions).toEqual({ parse: [], users: [alice.id] });
    await waitFor('the failed status', () => /^✅ Queued {2}→ {2}❌ Separating/.test(stageLines(s, jobId).at(-1) ?? ''));
  });
});

describe('delivery', () => {
  it('GIVEN an attachment limit smaller than the stems THEN they arrive as link buttons, and the message says why', async () => {
    const jobId = await separate(alice, { task_id: 'b16', audio_id: 'b17' }, s.place({ attachmentSizeLimit: 100 * 1024 }));
    await delivered(s, jobId);
    const [m, ...rest] = threadMessages(jobId);
    expect(rest).toEqual([]);
    expect(m!.files).toEqual([]);
    expect(m!.content).toBe('Too large to attach here (limit 0.1 MiB) — download them from Kie; links last about 14 days:');
    const job = (await s.bot.store.getJob(jobId))!;
    const buttons = m!.components.flatMap((r: any) => r.components);
    expect(buttons.filter((b: any) => b.style === 5).map((b: any) => b.url).sort()).toEqual(job.files.map((f) => f.url).sort());
    expect(buttons.find((b: any) => b.style !== 5)).toMatchObject({ label: 'Split into 12 stems', custom_id: `sb1:split:${jobId}` });
  });

  it('GIVEN Discord answers 429 to the stems post THEN it is waited out and the files arrive exactly once', async () => {
    s.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 20_000 }] });
    const jobId = await separate(alice, { task_id: 'ra7e', audio_id: 'l1m1' });
    const thread = await waitFor('the thread', () => statusMessageOf(s, jobId) && s.discord.threadOf(statusMessageOf(s, jobId)!.id));
    s.discord.fail({ method: 'POST', path: new RegExp(`/channels/${thread.id}/messages$`), status: 429, retryAfterSec: 0.3 });
    const job = await delivered(s, jobId);
    const posts = s.discord.requests.filter((r) => r.path.endsWith(`/channels/${thread.id}/messages`));
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    const files = threadMessages(jobId).flatMap((m) => m.files);
    expect(files.map((f) => f.sha256).sort()).toEqual((await Promise.all(job.files.map(async (f) => sha(await bytesAt(f.url))))).sort());
  });

  it('GIVEN the bot may not create threads in the channel THEN results come in the channel, after one note saying so', async () => {
    const locked = s.discord.addChannel({ type: 'text', threadsForbidden: true });
    const jobId = await separate(alice, { task_id: 'n0', audio_id: 'th' }, s.place({ channelId: locked.id }));
    await delivered(s, jobId);
    const inChannel = s.discord.messagesIn(locked.id);
    expect(inChannel.map((m) => (m.files.length ? `${m.files.length} files` : m.embeds.length ? 'status' : m.content))).toEqual([
      'status',
      'I could not open a thread here, so results for this job will arrive in this channel.',
      '2 files',
    ]);
    expect(s.discord.threadOf(inChannel[0]!.id)).toBeUndefined();
  });
});

describe('buttons', () => {
  let jobId: string;
  beforeAll(async () => {
    jobId = await separate(alice, { task_id: 'ab12', audio_id: 'cd34' });
    await delivered(s, jobId);
  });

  it('GIVEN Alice’s vocals result WHEN Bob presses "Split into 12 stems" THEN he is told only Alice (or Manage Messages) may, and nothing starts', async () => {
    const [m] = threadMessages(jobId);
    const button = m!.components[0].components.find((b: any) => b.label === 'Split into 12 stems');
    expect(button.custom_id).toBe(`sb1:split:${jobId}`);
    const jobsBefore = (await s.jobs()).length;
    const answer = await press(button.custom_id, bob, s.place({ channelId: m!.channelId, channelType: 11, parentId: s.channel.id }));
    expect(answer).toBe(`Only <@${alice.id}>, who started this job, or someone with Manage Messages can use this button.`);
    expect((await s.jobs()).length).toBe(jobsBefore);
  });

  it('WHEN Alice presses it THEN a 12-stem job on the same track runs in the same thread', async () => {
    const thread = statusMessageOf(s, jobId)!.id;
    const answer = await press(`sb1:split:${jobId}`, alice, s.place({ channelId: thread, channelType: 11, parentId: s.channel.id }));
    const next = startedJobId({ content: answer });
    const job = await delivered(s, next);
    expect(job).toMatchObject({ params: { kind: 'separate', mode: 'stems' }, input: { type: 'kie_track', taskId: 'ab12', audioId: 'cd34' }, channelId: thread });
    // Its status message and its 12 stems are in the thread it was asked from.
    expect(statusMessageOf(s, next)!.channelId).toBe(thread);
    expect(s.discord.messagesIn(thread).filter((m) => m.files.length > 0).map((m) => m.files.length)).toEqual([2, 10, 2]);
  });

  it('GIVEN /jobs THEN Alice privately sees her jobs with their state and links', async () => {
    const i = slashCommand('jobs', {}, alice, s.place());
    expect((await s.send(i)).body).toEqual({ type: 5, data: { flags: 64 } });
    const reply = await waitFor('the list', () => s.discord.privateReply(i.token)?.embeds?.[0]);
    expect(reply.title).toBe('Your recent jobs');
    expect(reply.description).toContain(`\`${jobId}\` · Stem separation · **Kie track cd34** · ✅ complete · <t:`);
    expect(reply.description).toContain(`[thread](https://discord.com/channels/${s.place().guildId}/${statusMessageOf(s, jobId)!.id})`);
  });

  it('GIVEN /job with autocomplete THEN Alice’s jobs are offered, and the job view carries "Deliver again"', async () => {
    const auto = slashCommand('job', { id: jobId.slice(0, 4) }, alice, s.place(), 'id');
    const choices = (await s.send(auto)).body;
    expect(choices.type).toBe(8);
    expect(choices.data.choices).toContainEqual({ name: expect.stringContaining(`${jobId} · Stem separation · Kie track cd34 · complete`), value: jobId });
    const i = slashCommand('job', { id: jobId }, alice, s.place());
    await s.send(i);
    const view = await waitFor('the job view', () => s.discord.privateReply(i.token)?.embeds && s.discord.privateReply(i.token));
    expect(view.embeds[0].description).toMatch(/^Done — 2 stems in the thread\./);
    expect(view.components).toEqual([{ type: 1, components: [{ type: 2, style: 2, label: 'Deliver again', custom_id: `sb1:rd:${jobId}` }] }]);
  });

  it('WHEN a moderator (Manage Messages) presses "Deliver again" THEN the stems are posted once more, once', async () => {
    const thread = statusMessageOf(s, jobId)!.id;
    const before = s.discord.messagesIn(thread).filter((m) => m.files.length > 0).length;
    const mod = { ...bob, permissions: MANAGE_MESSAGES };
    expect(await press(`sb1:rd:${jobId}`, mod)).toBe('Delivering again — the files will arrive in the job’s thread.');
    await delivered(s, jobId, 1);
    const again = s.discord.messagesIn(thread).filter((m) => m.files.length > 0).slice(before);
    expect(again.map((m) => m.files.map((f) => f.filename).sort())).toEqual([threadMessages(jobId)[0]!.files.map((f) => f.filename).sort()]);
  });

  it('GIVEN stem autocomplete THEN Kie’s instrument names matching what was typed', async () => {
    const r = await s.send(slashCommand('separate', { mode: 'single', stem: 'pia' }, alice, s.place(), 'stem'));
    expect(r.body).toEqual({ type: 8, data: { choices: ['Piano', 'Electric Piano', 'Digital Piano'].map((n) => ({ name: n, value: n })) } });
  });
});

describe('add-vocals', () => {
  it('GIVEN /add-vocals THEN the status walks text → first → complete, the takes arrive, and "Separate stems" separates a take', async () => {
    s.sim.control.scriptNext({ steps: [{ stage: 'text', afterMs: 10_000 }, { stage: 'first', afterMs: 25_000 }, { stage: 'complete', afterMs: 40_000 }] });
    const i = slashCommand('add-vocals', { prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song', url: 'https://example.com/beds/river.mp3' }, alice, s.place());
    await s.send(i);
    const jobId = startedJobId(await waitFor('the answer', () => s.discord.originalEdits.get(i.token)?.[0]));
    const job = await delivered(s, jobId);
    const lines = stageLines(s, jobId).map((l) => l.split('\n')[1]!.replace(/ \(\d+s\)$/, ''));
    expect(lines).toEqual(expect.arrayContaining(['Queued — handing it to Kie…', 'Lyrics and arrangement ready — generating audio…', 'First take ready — finishing the rest…', `Done — ${job.files.length} tracks in the thread.`]));
    const [m] = threadMessages(jobId);
    expect(m!.files.map((f) => f.filename)).toEqual(job.files.map((_, n) => expect.stringMatching(new RegExp(`^River Song - Take ${n + 1}\\.(wav|mp3)$`))));
    const sep = m!.components.flatMap((r: any) => r.components).filter((b: any) => b.label.startsWith('Separate stems'));
    expect(sep).toHaveLength(job.files.length);
    const answer = await press(sep[0].custom_id, alice, s.place({ channelId: m!.channelId, channelType: 11, parentId: s.channel.id }));
    const next = await s.bot.store.getJob(startedJobId({ content: answer }));
    expect(next).toMatchObject({ params: { kind: 'separate', mode: 'vocals' }, input: { type: 'kie_track', taskId: job.taskId, audioId: job.files[0]!.audioId } });
    // The stems keep the song's title (not "Track a492d76b").
    const done = await delivered(s, next!.id);
    const posts = new Set(done.delivered.map((d) => d.messageId));
    const stems = s.discord.messagesIn(done.threadId || done.channelId).filter((t) => posts.has(t.id)).flatMap((t) => t.files.map((f) => f.filename));
    expect(stems).toEqual([expect.stringMatching(/^River Song \(take 1\) - Vocals\.(wav|mp3)$/), expect.stringMatching(/^River Song \(take 1\) - Instrumental\.(wav|mp3)$/)]);
  });
});
