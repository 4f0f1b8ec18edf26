// End to end through `POST /discord/interactions`: signed interactions in, the real stembot (JobService,
// SQLite, outbox, downloader, Kie client) against the Kie simulator, and what reached the fake Discord out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand } from '../fakes/discord-interactions.js';
import { alice, bytesAt, delivered, stageLines, startStack, startedJobId, statusMessageOf, wavFile, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';
import { sha256 as sha } from '../support/hash.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

const hour = 60 * 60_000;
// Long enough (at 50× speed: 400 ms) for the "Separating" edit to show before "Done".
const slowComplete = { steps: [{ stage: 'complete' as const, afterMs: 20_000 }] };

type Input = 'attachment (CDN URL outlives the job)' | 'attachment (CDN URL expires soon: re-hosted)' | 'task_id + audio_id';

async function run(input: Input, mode: 'vocals' | 'stems') {
  const song = wavFile(6000);
  const options: Record<string, any> = { mode };
  if (input === 'task_id + audio_id') Object.assign(options, { task_id: 'a7c0ffee00000000000000000000beef', audio_id: 'e1e2e3e4-0000-4000-8000-000000000001' });
  else options.audio = s.discord.addAttachment('River Song.wav', song, 'audio/wav', Date.now() + (input.includes('outlives') ? 24 * hour : 1 * hour));
  s.sim.control.scriptNext(slowComplete);
  const interaction = slashCommand('separate', options, alice, s.place());
  const sent = await s.send(interaction);
  const reply = await waitFor('the private answer', () => s.discord.originalEdits.get(interaction.token)?.[0]);
  return { sent, reply, song, options, jobId: startedJobId(reply) };
}

describe.each([
  ['attachment (CDN URL outlives the job)', 'vocals', 2],
  ['attachment (CDN URL expires soon: re-hosted)', 'stems', 12],
  ['task_id + audio_id', 'vocals', 2],
  ['task_id + audio_id', 'stems', 12],
] as const)('/separate with %s, mode %s', (input, mode, stems) => {
  let r: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    r = await run(input, mode);
    await delivered(s, r.jobId);
  });

  it('THEN Discord got a private defer at once and then the private "Started job" answer', () => {
    expect(r.sent).toEqual({ status: 200, body: { type: 5, data: { flags: 64 } } });
    expect(r.reply.content).toMatch(new RegExp(`^Started job \`${r.jobId}\` — Stem separation`));
  });

  it('THEN one status message in the channel was edited through the stages, with elapsed time', () => {
    const status = statusMessageOf(s, r.jobId)!;
    expect(status.channelId).toBe(s.channel.id);
    expect(status.embeds[0].fields).toEqual([
      { name: 'Input', value: input === 'task_id + audio_id' ? 'Kie track e1e2e3e4-0000-4000-8000-000000000001' : 'River Song.wav', inline: true },
      { name: 'Requested by', value: `<@${alice.id}>`, inline: true },
    ]);
    const lines = stageLines(s, r.jobId);
    expect(lines[0]).toMatch(/^⏳ Queued .*\nQueued — handing it to Kie… \(\d+s\)$/);
    expect(lines).toContainEqual(expect.stringMatching(/^✅ Queued {2}→ {2}⏳ Separating {2}→ {2}▫️ Done\nKie is separating the audio… \(\d+s\)$/));
    expect(lines.at(-1)).toMatch(new RegExp(`^✅ Queued {2}→ {2}✅ Separating {2}→ {2}✅ Done\\nDone — ${stems} stems in the thread\\. \\(\\d+s\\)$`));
  });

  it(`THEN a thread was opened from it and all ${stems} stems arrived there, byte for byte, at most 10 per message`, async () => {
    const status = statusMessageOf(s, r.jobId)!;
    const thread = s.discord.threadOf(status.id)!;
    expect(thread).toMatchObject({ parentId: s.channel.id, name: expect.stringMatching(/^Stem separation: /) });
    const posted = s.discord.messagesIn(thread.id);
    expect(posted.map((m) => m.files.length)).toEqual(stems === 12 ? [10, 2] : [2]);
    if (stems === 12) expect(posted.map((m) => m.content)).toEqual([expect.stringMatching(/— 12 stems for alice \(part 1 of 2\)$/), expect.stringMatching(/— part 2 of 2$/)]);
    const job = (await s.bot.store.getJob(r.jobId))!;
    const task = s.sim.control.task(job.taskId!)!;
    const sent = posted.flatMap((m) => m.files);
    const expected = await Promise.all(task.files.map(async (f) => sha(await bytesAt(f.url))));
    expect(sent.map((f) => f.sha256).sort()).toEqual(expected.sort());
    expect(s.discord.violations).toEqual([]);
  });

  it('THEN Kie was given what outlives the job', async () => {
    const job = (await s.bot.store.getJob(r.jobId))!;
    const params = s.sim.control.task(job.taskId!)!.params;
    expect(params.type).toBe(mode === 'vocals' ? 'separate_vocal' : 'split_stem');
    if (input === 'task_id + audio_id') {
      expect(params).toMatchObject({ taskId: r.options.task_id, audioId: r.options.audio_id });
    } else if (input.includes('outlives')) {
      expect(params.audioUrl).toBe(r.options.audio.url);
    } else {
      // Re-hosted: fetched from the CDN without any credential, then streamed to Kie's File Upload API.
      const upload = s.sim.control.uploads().find((u) => u.downloadUrl === params.audioUrl)!;
      expect(upload).toMatchObject({ method: 'stream', bytes: r.song.length, sha256: sha(r.song) });
      const gets = s.discord.attachmentGets.filter((g) => r.options.audio.url.includes(g.path));
      expect(gets).toHaveLength(1);
      expect(gets[0]!.authorization ?? '').toBe('');
    }
  });
});
