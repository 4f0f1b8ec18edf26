// Song → stems → MIDI (with its piano roll) and generated take → WAV, one click each, end to end through
// `POST /discord/interactions` against the Kie simulator; asserted on the bytes that reached the fake Discord.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/types.js';
import { buttonPress, slashCommand, type Person } from '../fakes/discord-interactions.js';
import { sha256 } from '../support/hash.js';
import { expectMidiMatches, pngSize } from '../support/midi-check.js';
import { alice, bob, bytesAt, delivered, startStack, startedJobId, statusMessageOf, wavFile, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

const hour = 60 * 60_000;

async function command(name: string, options: Record<string, any>, who: Person = alice): Promise<string> {
  const i = slashCommand(name, options, who, s.place());
  const sent = await s.send(i);
  expect(sent.status).toBe(200);
  return String((await waitFor('the private answer', () => s.discord.originalEdits.get(i.token)?.[0]))?.content ?? '');
}
async function press(customId: string, who: Person, threadId: string): Promise<string> {
  const i = buttonPress(customId, who, s.place({ channelId: threadId, channelType: 11, parentId: s.channel.id }));
  expect((await s.send(i)).body).toEqual({ type: 5, data: { flags: 64 } });
  return String(await waitFor('the private answer', () => s.discord.privateReply(i.token)?.content));
}
const threadMessages = (jobId: string) => s.discord.messagesIn(statusMessageOf(s, jobId)!.id);
/**
 * What a follow-up posted after its status message. A button pressed in the parent's thread starts the job in
 * that thread (Discord has no thread in a thread), so its status and files sit there, under the parent's stems.
 */
const resultsOf = async (jobId: string) => {
  const job = (await s.bot.store.getJob(jobId))!;
  const where = s.discord.messagesIn(job.threadId || job.channelId);
  return where.slice(where.findIndex((m) => m.id === job.statusMessageId) + 1);
};
const buttonsOf = (m: { components: any[] }) => m.components.flatMap((r: any) => r.components);
/** A follow-up is done when its MIDI (or its notice) or its WAV is recorded as delivered. */
const followUpDone = (jobId: string) =>
  waitFor(`job ${jobId} delivered`, async () => {
    const job = await s.bot.store.getJob(jobId);
    return job && (job.state === 'failed' || (job.state === 'complete' && job.delivered.length > 0)) ? job : undefined;
  });

async function separation(name: string, mode: 'vocals' | 'stems'): Promise<Job> {
  const audio = s.discord.addAttachment(`${name}.wav`, wavFile(4000), 'audio/wav', Date.now() + 24 * hour);
  return delivered(s, startedJobId({ content: await command('separate', { audio, mode }) }));
}

describe('MIDI of a separation', () => {
  let parent: Job;
  let midiJob: Job;
  beforeAll(async () => {
    parent = await separation('River Song', 'vocals');
  });

  it('GIVEN a finished separation THEN its stems carry a MIDI button that only the requester may use', async () => {
    const [m] = threadMessages(parent.id);
    const button = buttonsOf(m!).find((b: any) => b.label === 'MIDI');
    expect(button).toMatchObject({ type: 2, style: 1, custom_id: `sb1:midi:${parent.id}` });
    expect(await press(button.custom_id, bob, m!.channelId)).toBe(`Only <@${alice.id}>, who started this job, or someone with Manage Messages can use this button.`);
    expect((await s.jobs()).filter((j) => j.kind === 'midi')).toEqual([]);
  });

  it('WHEN the requester presses it THEN a MIDI job runs with its own status, and a .mid plus a piano roll arrive in its thread', async () => {
    const [m] = threadMessages(parent.id);
    const answer = await press(`sb1:midi:${parent.id}`, alice, m!.channelId);
    expect(answer).toMatch(/^Started job `[0-9a-z]+` — MIDI \(“River Song”\)/);
    midiJob = await followUpDone(startedJobId({ content: answer }));
    expect(midiJob).toMatchObject({ kind: 'midi', state: 'complete', params: { kind: 'midi', parentJobId: parent.id, title: 'River Song' } });
    const status = statusMessageOf(s, midiJob.id)!;
    expect(status.embeds[0].title).toBe('MIDI · “River Song”');
    expect(status.embeds[0].description).toMatch(/^✅ Queued {2}→ {2}✅ Transcribing {2}→ {2}✅ Complete\nDone — MIDI in the thread\./);

    expect(midiJob.channelId).toBe(s.discord.threadOf(statusMessageOf(s, parent.id)!.id)!.id);
    const posted = await resultsOf(midiJob.id);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.files.map((f) => f.filename)).toEqual(['River Song - MIDI.mid', 'River Song - MIDI piano roll.png']);
    // Kie (the simulator) was asked for the MIDI of the parent's task, and its notes are what the file holds.
    const task = s.sim.control.task(midiJob.taskId!)!;
    expect(task.params).toMatchObject({ taskId: parent.taskId });
    const instruments = (task.record as any).midiData.instruments;
    expect(instruments.map((i: any) => i.name)).toEqual(['Lead 6 (voice)', 'Acoustic Grand Piano']);
    expectMidiMatches(posted[0]!.files[0]!.bytes, instruments);
    expect(pngSize(posted[0]!.files[1]!.bytes)).toEqual({ width: 960, height: 480 });
    expect(posted[0]!.content).toMatch(/^\*\*River Song\*\* — MIDI for alice: 2 instruments, \d+ notes — Lead 6 \(voice\) \(\d+\), Acoustic Grand Piano \(\d+\)$/);
    expect(s.discord.violations).toEqual([]);
  });

  it('GIVEN the stems THEN a menu of them sits under the buttons; choosing Instrumental makes the MIDI of that stem alone', async () => {
    const [m] = threadMessages(parent.id);
    const select = m!.components.flatMap((r: any) => r.components).find((c: any) => c.type === 3);
    expect(select).toMatchObject({ custom_id: `sb1:mids:${parent.id}`, options: [{ label: 'Vocals', value: 'vocal' }, { label: 'Instrumental', value: 'instrumental' }] });
    const choose = (who: Person) => {
      const i = buttonPress(select.custom_id, who, s.place({ channelId: m!.channelId, channelType: 11, parentId: s.channel.id }));
      return { ...i, data: { custom_id: select.custom_id, component_type: 3, values: ['instrumental'] } };
    };
    const refused = choose(bob);
    expect((await s.send(refused)).body).toEqual({ type: 5, data: { flags: 64 } });
    expect(await waitFor('refusal', () => s.discord.privateReply(refused.token)?.content)).toMatch(/^Only <@/);
    const chosen = choose(alice);
    expect((await s.send(chosen)).body).toEqual({ type: 5, data: { flags: 64 } });
    const one = await followUpDone(startedJobId({ content: await waitFor('answer', () => s.discord.privateReply(chosen.token)?.content) }));
    const task = s.sim.control.task(one.taskId!)!;
    expect(task.params).toMatchObject({ taskId: parent.taskId, audioId: `${parent.taskId}-instrumental` });
    const [d] = await resultsOf(one.id);
    expect(d!.files.map((f) => f.filename)).toEqual(['River Song - Instrumental MIDI.mid', 'River Song - Instrumental MIDI piano roll.png']);
    expectMidiMatches(d!.files[0]!.bytes, (task.record as any).midiData.instruments);
    expect(s.discord.violations).toEqual([]);
  });

  it('GIVEN a 12-stem separation THEN drums land on channel 10 with the notes Kie gave, and /midi with a stem makes the MIDI of that stem alone', async () => {
    const stems = await separation('Night Drive', 'stems');
    const answer = await command('midi', { id: stems.id });
    const whole = await followUpDone(startedJobId({ content: answer }));
    const [m] = await resultsOf(whole.id);
    const instruments = (s.sim.control.task(whole.taskId!)!.record as any).midiData.instruments;
    expect(instruments.map((i: any) => i.name)).toContain('Drums');
    expectMidiMatches(m!.files[0]!.bytes, instruments);

    // The stem menu: /midi's `stem` option offers the separated tracks.
    const menu = await s.send(slashCommand('midi', { id: stems.id, stem: 'dru' }, alice, s.place(), 'stem'));
    expect(menu.body).toEqual({ type: 8, data: { choices: [{ name: 'Drums', value: 'drums' }] } });
    // A typed stem the job does not have is refused privately, and what was typed forms no masked link there.
    const refusal = await command('midi', { id: stems.id, stem: '[Free Nitro](https://evil.example/claim)' });
    expect(refusal).toMatch(/^That job has no stem/);
    expect(refusal).not.toMatch(/\]\(https:\/\/evil/);
    const one = await followUpDone(startedJobId({ content: await command('midi', { id: stems.id, stem: 'drums' }) }));
    const task = s.sim.control.task(one.taskId!)!;
    // The separation finished by callback (no track ids), so stembot read Kie's originData id before submitting.
    expect(task.params).toMatchObject({ taskId: stems.taskId, audioId: `${stems.taskId}-drums` });
    const [d] = await resultsOf(one.id);
    expect(d!.files.map((f) => f.filename)).toEqual(['Night Drive - Drums MIDI.mid', 'Night Drive - Drums MIDI piano roll.png']);
    const drums = (task.record as any).midiData.instruments;
    expect(drums.map((i: any) => i.name)).toEqual(['Drums']);
    expectMidiMatches(d!.files[0]!.bytes, drums);
  });
});

describe('when the callback is lost', () => {
  it('GIVEN MIDI and WAV callbacks that never arrive THEN polling record-info (both WAV spellings) finishes the jobs all the same', async () => {
    const sep = (await s.jobs()).find((j) => j.kind === 'separate' && j.state === 'complete')!;
    s.sim.control.scriptNext('lost-callback');
    const midi = await followUpDone(startedJobId({ content: await command('midi', { id: sep.id }) }));
    expect(midi).toMatchObject({ state: 'complete', lastCallbackAt: null });
    const [m] = await resultsOf(midi.id);
    expectMidiMatches(m!.files[0]!.bytes, (s.sim.control.task(midi.taskId!)!.record as any).midiData.instruments);

    const gen = await delivered(s, startedJobId({ content: await command('add-vocals', { prompt: 'rivers', style: 'Folk', title: 'Lost Song', url: 'https://example.com/beds/lost.mp3' }) }));
    for (const spelling of ['kie', 'sibling'] as const) {
      s.sim.control.scriptNext({ name: `lost-${spelling}`, steps: [{ stage: 'complete', afterMs: 4_000, lost: true }], followUpSpelling: spelling });
      const wav = await followUpDone(startedJobId({ content: await command('wav', { id: gen.id }) }));
      const record = s.sim.control.task(wav.taskId!)!.record as any;
      expect(spelling === 'kie' ? record.response.audioWavUrl : record.response.audio_wav_url).toBe(wav.files[0]!.url);
      expect(wav).toMatchObject({ state: 'complete', lastCallbackAt: null, delivered: [expect.objectContaining({ name: 'Lost Song - Take 1.wav' })] });
    }
  });
});

describe('empty MIDI', () => {
  it('GIVEN Kie finds no notes THEN the thread says so plainly and no file is sent', async () => {
    const parent = await separation('Quiet Song', 'vocals');
    s.sim.control.scriptNext('empty-midi');
    const midi = await followUpDone(startedJobId({ content: await command('midi', { id: parent.id }) }));
    const posted = await resultsOf(midi.id);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.files).toEqual([]);
    expect(posted[0]!.content).toMatch(/found no notes in it — nothing to put in a MIDI file/);
  });
});

describe('WAV of a generated take', () => {
  it('GIVEN /add-vocals finished THEN each take has a WAV button; pressing take 1 delivers "River Song - Take 1.wav" exactly once, byte for byte', async () => {
    const gen = await delivered(s, startedJobId({ content: await command('add-vocals', { prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song', url: 'https://example.com/beds/river.mp3' }) }));
    const [m] = threadMessages(gen.id);
    const wavButtons = buttonsOf(m!).filter((b: any) => /^WAV/.test(b.label));
    expect(wavButtons.map((b: any) => [b.label, b.custom_id])).toEqual([
      ['WAV (take 1)', `sb1:wav:${gen.id}:1`],
      ['WAV (take 2)', `sb1:wav:${gen.id}:2`],
    ]);
    const answer = await press(wavButtons[0].custom_id, alice, m!.channelId);
    const wav = await followUpDone(startedJobId({ content: answer }));
    expect(wav).toMatchObject({ kind: 'wav', state: 'complete', params: { kind: 'wav', parentJobId: gen.id, take: 1 } });
    const task = s.sim.control.task(wav.taskId!)!;
    expect(task.params).toMatchObject({ taskId: gen.taskId, audioId: gen.files[0]!.audioId });
    const expected = sha256(await bytesAt(task.files[0]!.url));
    const everywhere = [...s.discord.messages.values()].flatMap((msg) => msg.files).filter((f) => f.sha256 === expected);
    expect(everywhere.map((f) => f.filename)).toEqual(['River Song - Take 1.wav']);
    expect((await resultsOf(wav.id))[0]!.content).toBe('**River Song** — 1 WAV file for alice');
  });

  it('GIVEN a WAV larger than the server lets a bot attach THEN it arrives as a link, with the reason', async () => {
    const gen = (await s.jobs()).find((j) => j.kind === 'add_vocals')!;
    s.sim.control.scriptNext('big-stems'); // a 30 MiB WAV: WAV is 5–10× an MP3
    const wav = await followUpDone(startedJobId({ content: await command('wav', { id: gen.id }) }));
    expect(wav.delivered).toEqual([expect.objectContaining({ key: 'wav', name: 'River Song - Take 1.wav', as: 'link' })]);
    const [m] = await resultsOf(wav.id);
    expect(m!.files).toEqual([]);
    expect(m!.content).toMatch(/^Too large to attach here \(limit \d+(\.\d+)? MiB\) — download it from Kie; links last about 14 days:/);
    expect(buttonsOf(m!)).toEqual([expect.objectContaining({ style: 5, label: 'River Song - Take 1.wav', url: s.sim.control.task(wav.taskId!)!.files[0]!.url })]);
  });

  it('GIVEN /wav with a take that does not exist THEN a private refusal and no job', async () => {
    const gen = (await s.jobs()).find((j) => j.kind === 'add_vocals')!;
    const before = (await s.jobs()).length;
    expect(await command('wav', { id: gen.id, take: 5 })).toBe('That job has no take 5; it has 2.');
    expect((await s.jobs()).length).toBe(before);
  });

  it('GIVEN the Kie callback in the sibling spelling (audio_wav_url) THEN the WAV arrives all the same', async () => {
    const gen = (await s.jobs()).find((j) => j.kind === 'add_vocals')!;
    s.sim.control.scriptNext('sibling-callbacks');
    const wav = await followUpDone(startedJobId({ content: await command('wav', { id: gen.id, take: 2 }) }));
    const callbacks = s.sim.control.callbacks().filter((c) => c.taskId === wav.taskId);
    expect(callbacks.map((c) => Object.keys(c.body.data))).toEqual([['audio_wav_url', 'task_id']]);
    expect((await resultsOf(wav.id))[0]!.files.map((f) => f.filename)).toEqual(['River Song - Take 2.wav']);
  });
});
