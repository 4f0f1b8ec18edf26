// What a musician reads in the channel (issue 15, items 6, 7 and 9): failure words that fit the job, the
// failed step marked where it failed, stage names without jargon, empty stems named, the song's title kept
// through follow-up buttons, and logs where jobs are not drowned by request lines.
import { Writable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/types.js';
import type { PlaygroundMessage } from '../../src/chat/playground/message.js';
import { startStack, type Stack } from './harness.js';

const logLines: { level: number; msg: string; jobId?: string }[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as never);
    done();
  },
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logSink: sink, logLevel: 'info' });
});
afterAll(async () => stack?.close());

async function settled(jobId: string): Promise<Job> {
  return stack.waitFor(async () => {
    const job = await stack.bot.store.getJob(jobId);
    if (!job || (job.state !== 'complete' && job.state !== 'failed')) return undefined;
    return (await stack.bot.store.outboxDepth()) === 0 ? job : undefined;
  }, `job ${jobId} to settle`);
}

const marks = (m: PlaygroundMessage | undefined) => m?.status?.steps.map((s) => `${s.label} ${s.state}`);

async function press(action: PlaygroundMessage['actions'][number]): Promise<string> {
  const r = await request(`${stack.base}/playground/api/actions`, {
    method: 'POST',
    headers: { cookie: stack.cookie, origin: stack.base, 'content-type': 'application/json' },
    body: JSON.stringify({ action }),
  });
  const body = (await r.body.json()) as { jobId?: string; message?: string };
  expect(r.statusCode, body.message).toBe(202);
  return body.jobId!;
}

describe('failure words fit the job', () => {
  it('GIVEN a separation WHEN Kie fails it with 400 THEN the notice speaks of the audio, not of wording', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/Blue%20Hour.mp3#sim=fail-400', mode: 'vocals' });
    const job = await settled(r.body.jobId!);
    expect(job.failure?.code).toBe('KIE_CONTENT_VIOLATION');
    const [notice] = await stack.thread(job.id);
    expect(notice!.text).toMatch(/^\*\*Stem separation failed\*\* for Blue Hour\.mp3\. Kie refused this audio under its content policy\. Try a different song\./);
    expect(notice!.text).not.toMatch(/wording|prompt, style or tags/i);
  });

  it('GIVEN a separation WHEN Kie fails it with 413 THEN the notice does not speak of prompt, style or tags', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/long.mp3#sim=fail-413', mode: 'stems' });
    const job = await settled(r.body.jobId!);
    expect(job.failure?.code).toBe('KIE_TOO_LONG');
    const [notice] = await stack.thread(job.id);
    expect(notice!.text).toContain('Kie refused this separation as too long. Use a shorter song');
    expect(notice!.text).not.toContain('The prompt, style or tags are longer than Kie allows');
  });

  it('GIVEN add-vocals WHEN Kie fails it with 413 THEN the notice still names the prompt, style or tags', async () => {
    const r = await stack.submit({ command: 'add-vocals', url: 'https://music.example.com/a.mp3', prompt: 'p', style: 'Folk', title: '[sim:fail-413] Long One' });
    const job = await settled(r.body.jobId!);
    const [notice] = await stack.thread(job.id);
    expect(notice!.text).toContain('The prompt, style or tags are longer than Kie allows.');
  });
});

describe('the status marks the step that failed, in words a musician uses', () => {
  it('GIVEN add-vocals WHEN Kie fails after the lyrics stage THEN that stage is marked failed, not an earlier one', async () => {
    const r = await stack.submit({ command: 'add-vocals', url: 'https://music.example.com/a.mp3', prompt: 'p', style: 'Folk', title: '[sim:fail-500] Midway' });
    const job = await settled(r.body.jobId!);
    expect(stack.statusStates.get(job.id)).toEqual(['queued', 'submitted', 'text', 'failed']);
    const status = await stack.status(job.id);
    expect(marks(status)).toEqual(['Queued done', 'Sent to Kie done', 'Lyrics & arrangement failed', 'First take todo', 'Done todo']);
    // The simulator's tag is an instruction, not part of the title.
    expect(status!.status!.title).toBe('Add vocals · “Midway”');
  });

  it('GIVEN a separation WHEN Kie fails it after accepting it THEN "Separating" is marked failed', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/x.mp3#sim=fail-451', mode: 'vocals' });
    const job = await settled(r.body.jobId!);
    expect(marks(await stack.status(job.id))).toEqual(['Queued done', 'Separating failed', 'Done todo']);
  });

  it('GIVEN Kie refuses the submission itself THEN the hand-over to Kie is marked failed, not "Queued"', async () => {
    stack.sim.control.setCredits(0);
    const r = await stack.submit({ command: 'add-instrumental', url: 'https://music.example.com/x.mp3', tags: 'lofi', title: 'Broke' });
    const job = await settled(r.body.jobId!);
    stack.sim.control.setCredits(10_000);
    expect(job.taskId).toBeNull();
    expect(marks(await stack.status(job.id))).toEqual(['Queued done', 'Sent to Kie failed', 'Lyrics & arrangement todo', 'First take todo', 'Done todo']);
  });
});

describe('stems and names', () => {
  it('GIVEN a split where Kie returns some stems empty THEN the delivery says which parts are not in the song, and not "for You"', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/Sparse.mp3#sim=empty-stems', mode: 'stems' });
    const job = await settled(r.body.jobId!);
    expect(job.files).toHaveLength(8);
    const [first] = await stack.thread(job.id);
    expect(first!.text).toBe('**Sparse** — 8 stems\nNo Vocals, Backing Vocals, Brass or Woodwinds in this song.');
  });

  it('GIVEN a complete split THEN nothing is said missing', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/Full.mp3', mode: 'vocals' });
    const job = await settled(r.body.jobId!);
    const [first] = await stack.thread(job.id);
    expect(first!.text).toBe('**Full** — 2 stems');
  });

  it('GIVEN a generated song WHEN "Separate stems" and then "Split into 12 stems" are pressed THEN every file keeps the song’s title', async () => {
    const r = await stack.submit({ command: 'add-instrumental', url: 'https://music.example.com/bed.mp3', tags: 'lofi', title: '[sim:happy] Night Drive' });
    const gen = await settled(r.body.jobId!);
    const genThread = await stack.thread(gen.id);
    expect(genThread.flatMap((m) => m.files.map((f) => f.name))).toEqual(['Night Drive - Take 1.wav', 'Night Drive - Take 2.wav']);
    const sep = genThread.at(-1)!.actions.find((a) => a.id === 'separate_track' && a.audioId === gen.files[1]!.audioId)!;
    const sepJob = await settled(await press(sep));
    const sepThread = await stack.thread(sepJob.id);
    expect(sepThread.flatMap((m) => m.files.map((f) => f.name))).toEqual(['Night Drive (take 2) - Vocals.wav', 'Night Drive (take 2) - Instrumental.wav']);
    expect((await stack.status(sepJob.id))!.thread!.name).toBe('Stem separation: Night Drive (take 2)');

    const split = sepThread.at(-1)!.actions.find((a) => a.id === 'split_stems')!;
    const splitJob = await settled(await press(split));
    const names = (await stack.thread(splitJob.id)).flatMap((m) => m.files.map((f) => f.name));
    expect(names).toHaveLength(12);
    for (const name of names) expect(name).toMatch(/^Night Drive \(take 2\) - [A-Za-z ]+\.wav$/);
    for (const text of (await stack.messages()).flatMap((m) => [m.text, m.thread?.name ?? '', ...m.files.map((f) => f.name)])) expect(text).not.toContain('[sim:');
  });
});

describe('logs', () => {
  it('GIVEN a busy page (messages, files, commands) THEN info lines are about jobs, not requests', async () => {
    const before = logLines.length;
    for (let i = 0; i < 20; i++) await stack.messages();
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/Logged.mp3', mode: 'vocals' });
    const job = await settled(r.body.jobId!);
    const lines = logLines.slice(before);
    expect(lines.filter((l) => /request/i.test(l.msg))).toEqual([]);
    expect(lines.filter((l) => l.jobId === job.id).map((l) => l.msg)).toEqual(expect.arrayContaining(['job accepted', 'job moved']));
  });
});
