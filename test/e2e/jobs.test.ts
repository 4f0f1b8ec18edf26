// End to end: a person runs commands in the playground, the simulator plays Kie, and we read what arrived
// in the channel — status message, thread, every stem's exact bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/types.js';
import { bytesOf, startStack, type Stack } from './harness.js';
import { sha256 as sha } from '../support/hash.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

async function finished(jobId: string): Promise<Job> {
  return stack.waitFor(async () => {
    const job = await stack.bot.store.getJob(jobId);
    if (!job || (job.state !== 'complete' && job.state !== 'failed')) return undefined;
    const depth = await stack.bot.store.outboxDepth();
    return depth === 0 ? job : undefined;
  }, `job ${jobId} to finish and its outbox to drain`);
}

/** Every delivered file's bytes equal what Kie (the simulator) serves for that stem. */
async function expectExactStems(job: Job) {
  const thread = await stack.thread(job.id);
  const delivered = thread.flatMap((m) => m.files);
  expect(delivered).toHaveLength(job.files.length);
  for (const file of job.files) {
    const label = file.key.startsWith('track-') ? `Take ${file.key.slice(6)}` : file.label;
    const got = delivered.find((d) => d.name.endsWith(` - ${label}.wav`));
    expect(got, `a delivered file for ${label}`).toBeDefined();
    if (!got) continue;
    expect(sha(await stack.fileBytes(got.url)), `bytes of ${got.name}`).toBe(sha(await bytesOf(file.url)));
  }
  return { thread, delivered };
}

describe('jobs end to end through the playground', () => {
  it('GIVEN a song URL WHEN /separate (vocals) runs THEN the status reaches complete and both stems arrive byte for byte', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/River%20Song.mp3', mode: 'vocals' });
    expect(r.status).toBe(202);
    const job = await finished(r.body.jobId!);
    expect(job.state).toBe('complete');
    expect(job.files.map((f) => f.label)).toEqual(['Vocals', 'Instrumental']);
    const { thread, delivered } = await expectExactStems(job);
    expect(delivered.map((f) => f.name)).toEqual(['River Song - Vocals.wav', 'River Song - Instrumental.wav']);
    // The result offers the next step: all 12 stems of the same song.
    expect(thread.at(-1)!.actions.map((a) => a.label)).toEqual(['Split into 12 stems', 'MIDI']);
    const status = await stack.status(job.id);
    expect(status?.status?.state).toBe('complete');
    expect(status?.status?.stageLine).toMatch(/^Done — 2 stems in the thread\./);
    expect(status?.thread?.name).toBe('Stem separation: River Song.mp3');
    expect(stack.statusStates.get(job.id)).toEqual(['queued', 'submitted', 'complete']);
  });

  it('GIVEN split_stem WHEN 12 stems come back THEN they arrive in two messages (10 + 2), every byte exact', async () => {
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/band.mp3', mode: 'stems' });
    const job = await finished(r.body.jobId!);
    expect(job.files).toHaveLength(12);
    const { thread } = await expectExactStems(job);
    expect(thread.map((m) => m.files.length)).toEqual([10, 2]);
    // The playground's user goes by "You": the line says no name rather than "for You".
    expect(thread[0]!.text).toContain('— 12 stems (part 1 of 2)');
    expect(thread[0]!.text).not.toContain('for You');
  });

  it('GIVEN add-vocals WHEN Kie reports text, first, complete THEN the status shows each stage and both tracks arrive', async () => {
    const r = await stack.submit({ command: 'add-vocals', url: 'https://music.example.com/backing.mp3', prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song' });
    expect(r.status).toBe(202);
    const job = await finished(r.body.jobId!);
    expect(stack.statusStates.get(job.id)).toEqual(['queued', 'submitted', 'text', 'first', 'complete']);
    const { thread, delivered } = await expectExactStems(job);
    expect(delivered.map((f) => f.name)).toEqual(['River Song - Take 1.wav', 'River Song - Take 2.wav']);
    // Each generated track can be separated with one click: the button carries its task and audio ids.
    const actions = thread.at(-1)!.actions;
    expect(actions.map((a) => [a.id, a.taskId, a.audioId])).toEqual([
      ...job.files.map((f) => ['separate_track', job.taskId, f.audioId]),
      // and each take as WAV (docs/kie-midi-wav.md)
      ...job.files.map((f) => ['wav', undefined, f.audioId]),
    ]);
  });

  it('GIVEN duplicated and out-of-order callbacks WHEN they arrive THEN every stage is delivered once', async () => {
    stack.sim.control.scriptNext('duplicate');
    const a = await stack.submit({ command: 'add-instrumental', url: 'https://music.example.com/a.mp3', tags: 'lofi, piano', title: 'Dup' });
    const jobA = await finished(a.body.jobId!);
    stack.sim.control.scriptNext('out-of-order');
    const b = await stack.submit({ command: 'add-instrumental', url: 'https://music.example.com/b.mp3', tags: 'lofi', title: 'Late' });
    const jobB = await finished(b.body.jobId!);
    await stack.sim.control.settled();
    for (const [job, title] of [[jobA, 'Dup'], [jobB, 'Late']] as const) {
      const thread = await stack.thread(job.id);
      expect(thread.flatMap((m) => m.files.map((f) => f.name))).toEqual([`${title} - Take 1.wav`, `${title} - Take 2.wav`]);
      expect(thread).toHaveLength(1);
    }
    // Out of order: complete came first, so the late `first` and `text` changed nothing.
    expect(stack.statusStates.get(jobB.id)).toEqual(['queued', 'submitted', 'complete']);
    const sent = stack.sim.control.callbacks().filter((c) => c.taskId === jobA.taskId && c.status === 200);
    expect(sent.length).toBeGreaterThanOrEqual(7); // text×2, first×2, complete×3 all answered 200
  });

  it('GIVEN an over-limit stem WHEN delivered THEN it arrives as a link with the reason, the others as files', async () => {
    stack.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 50 }], stemBytes: 30 * 1024 * 1024 });
    const r = await stack.submit({ command: 'separate', url: 'https://music.example.com/huge.mp3', mode: 'vocals' });
    const job = await finished(r.body.jobId!);
    const thread = await stack.thread(job.id);
    expect(thread.flatMap((m) => m.files)).toEqual([]);
    const linkMsg = thread.find((m) => m.links.length > 0)!;
    expect(linkMsg.text).toMatch(/Too large to attach here \(limit 25 MiB\)/);
    expect(linkMsg.links).toEqual(job.files.map((f) => ({ label: `huge - ${f.label}.wav`, url: f.url })));
  });

  it('GIVEN an uploaded file WHEN separated THEN stembot re-hosts it through Kie’s upload API and delivers the stems', async () => {
    const { wavBytesFor } = await import('../../src/sim/index.js');
    const song = wavBytesFor({ seed: 7, freqHz: 330, bytes: 40_000 });
    const form = new FormData();
    form.set('command', 'separate');
    form.set('mode', 'vocals');
    form.set('audio', new Blob([song], { type: 'audio/wav' }), 'My Demo.wav');
    const res = await fetch(`${stack.base}/playground/api/commands`, { method: 'POST', headers: { cookie: stack.cookie, origin: stack.base }, body: form });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    const job = await finished(jobId);
    // A unique name (Kie overwrites same names), the same bytes.
    const upload = stack.sim.control.uploads().find((u) => /^[0-9a-f]{16}-My_Demo\.wav$/.test(u.fileName));
    expect(upload?.sha256).toBe(sha(song));
    expect((await stack.thread(job.id)).flatMap((m) => m.files.map((f) => f.name))).toEqual(['My Demo - Vocals.wav', 'My Demo - Instrumental.wav']);
  });

  it('GIVEN a bad command WHEN submitted THEN it is refused with a sentence and no job exists', async () => {
    const before = (await stack.messages()).length;
    const r = await stack.submit({ command: 'add-vocals', url: 'https://music.example.com/x.mp3', style: 'Folk', title: 'T' });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/prompt/);
    const img = await stack.submit({ command: 'separate', url: 'https://music.example.com/cover.png' });
    expect(img.status).toBe(400);
    expect(img.body.message).toBe('That file does not look like audio. Attach an MP3, WAV, FLAC, OGG or M4A file.');
    expect((await stack.messages()).length).toBe(before);
  });
});
