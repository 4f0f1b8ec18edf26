// Mass mentions and spoofed links from user or Kie text: an attachment named
// `[Free Nitro @everyone](https://evil.example/claim).mp3`, a title and a stem name that are masked links, a
// prompt pinging a role, a nickname with `@everyone`, Kie's error message with all of these — run as real
// jobs through `POST /discord/interactions`, and everything stembot sent to the fake Discord (messages, edits,
// embeds, buttons, thread names, attachment names, private answers) is searched for a live mention or a
// masked link, and every message's `allowed_mentions` is checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand, type Person } from '../fakes/discord-interactions.js';
import { delivered, startStack, startedJobId, statusMessageOf, wavFile, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

const mallory: Person = { id: '1200000000000000666', username: 'mallory', nick: '@everyone [Free Nitro](https://evil.example/claim)' };
const evilName = '[Free Nitro @everyone](https://evil.example/claim).mp3';
const evilLink = '[Free Nitro @everyone](https://evil.example/claim)';

/** `[label](https://evil…)` that Discord would render: the `]` not escaped, the scheme's `:` escaped or not. */
const maskedEvilLink = /(?<!\\)\]\(\s*<?https?\\?:\/\/evil/;
const bareMassMention = /@(everyone|here)/;

async function run(command: string, options: Record<string, any>): Promise<string> {
  const interaction = slashCommand(command, options, mallory, s.place());
  await s.send(interaction);
  return startedJobId(await waitFor('the private answer', () => s.discord.originalEdits.get(interaction.token)?.[0]));
}

async function privately(command: string, options: Record<string, any>): Promise<any> {
  const interaction = slashCommand(command, options, mallory, s.place());
  await s.send(interaction);
  return waitFor(`/${command} answer`, () => s.discord.originalEdits.get(interaction.token)?.[0]);
}

describe('Discord: user and Kie text cannot mention or spoof links', () => {
  it('GIVEN a file name, title, prompt, stem name, nickname and Kie error carrying @everyone, role mentions and masked links WHEN the jobs run THEN nothing renders as a mention or a link, and only the requester may be pinged', async () => {
    const attachment = () => s.discord.addAttachment(evilName, wavFile(4000), 'audio/wav', Date.now() + 24 * 3600_000);
    // 1. add-vocals: hostile title, prompt and style, from a hostile file; it completes and delivers two takes.
    const vocals = await run('add-vocals', { audio: attachment(), prompt: '<@&1300000000000000001> @here sing', style: '[x](https://evil.example)', title: `@everyone ${evilLink}` });
    await delivered(s, vocals);
    // 2. one instrument whose name (Kie's stem label) is a masked link.
    const single = await run('separate', { audio: attachment(), mode: 'single', stem: evilLink });
    await delivered(s, single);
    // 3. Kie fails a job with a message carrying all of it.
    s.sim.control.scriptNext({ steps: [{ stage: 'failed', afterMs: 100, code: 451, msg: `Download failed @everyone ${evilLink} <@&1300000000000000001> <@1200000000000000001>` }] });
    const failing = await run('separate', { audio: attachment() });
    const failed = await waitFor('failure notice', async () => {
      const job = await s.bot.store.getJob(failing);
      return job?.threadId ? s.discord.messagesIn(job.threadId).find((m) => m.content.includes('failed')) : undefined;
    });
    // 4. the private lists show the same names.
    const list = await privately('jobs', {});
    const detail = await privately('job', { id: single });

    // The hostile text did reach the jobs, so the checks below are not vacuous …
    const jobs = await s.bot.store.listJobsByUser('discord', mallory.id, 10);
    expect(jobs.map((j) => j.inputName)).toContain(evilName);
    expect(jobs.find((j) => j.id === single)!.files[0]!.label).toBe(evilLink);
    expect(jobs.find((j) => j.id === failing)!.failure?.detail).toContain(evilLink);
    // … and shows as text: the status embed's title carries the escaped title.
    expect(statusMessageOf(s, vocals)!.embeds[0].title).toBe('Add vocals · “@\u200beveryone \\[Free Nitro @\u200beveryone\\](https\\://evil.example/claim)”');
    expect(failed.content).toContain('\\[Free Nitro @\u200beveryone\\](https\\://evil.example/claim)');

    // THEN nothing stembot sent renders as a mass mention or a masked link to evil.example.
    const bodies = [
      ...s.discord.requests.map((r) => r.body),
      ...[...s.discord.initial.values()],
      ...[...s.discord.originalEdits.values()].flat(),
      list,
      detail,
    ].filter(Boolean);
    const names = [...s.discord.channels.values()].map((c) => c.name ?? '');
    const files = [...s.discord.messages.values()].flatMap((m) => m.files.map((f) => f.filename));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const strings = collectStrings(bodies).concat(names, files);
    for (const str of strings) {
      expect(str).not.toMatch(maskedEvilLink);
      expect(str).not.toMatch(bareMassMention);
      expect(str).not.toMatch(/(?<!\\)<@&/);
      for (const m of str.matchAll(/(?<!\\)<@!?(\d+)>/g)) expect(m[1]).toBe(mallory.id);
    }
    for (const f of files) expect(f).not.toMatch(/[[\]@<>]/);

    // THEN every message stembot posted or edited allows no mention but the requester's.
    const messageRequests = s.discord.requests.filter((r) => r.body && /\/(messages(\/\d+)?|@original)$/.test(r.path) && (r.method === 'POST' || r.method === 'PATCH'));
    expect(messageRequests.length).toBeGreaterThan(5);
    for (const r of messageRequests) {
      expect(r.body.allowed_mentions, `${r.method} ${r.path}`).toBeDefined();
      expect(r.body.allowed_mentions.parse).toEqual([]);
      for (const u of r.body.allowed_mentions.users ?? []) expect(u).toBe(mallory.id);
      expect(r.body.allowed_mentions.roles ?? []).toEqual([]);
    }
  });
});

function collectStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collectStrings(x, out);
  return out;
}
