// Discord's side of "no silent double charge": Kie takes a submission but its answer never reaches stembot. The
// thread says the job may or may not have started, with a red "Submit again" button that only the requester or
// someone with Manage Messages may press; pressing it submits once more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonPress, slashCommand, type Person } from '../fakes/discord-interactions.js';
import { HoldingProxy } from '../e2e/holding-kie.js';
import { alice, bob, delivered, startStack, startedJobId, statusMessageOf, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let s: Stack;
let kie: HoldingProxy;
const MANAGE_MESSAGES = String(1n << 13n);

beforeAll(async () => {
  kie = await new HoldingProxy('').start();
  s = await startStack({ env: { KIE_API_URL: kie.url }, tuning: { kieRequestTimeoutMs: 1_000 } });
  kie.target = s.sim.url;
});
afterAll(async () => {
  await s?.close();
  await kie?.close();
});

async function press(customId: string, who: Person, place = s.place()) {
  const i = buttonPress(customId, who, place);
  await s.send(i);
  return String(await waitFor('the private answer', () => s.discord.privateReply(i.token)?.content));
}

describe('Discord: a submission whose answer was lost', () => {
  it('GIVEN Kie took the job but its answer never came THEN the thread offers "Submit again"; Bob may not press it, a moderator may, and it submits once', async () => {
    s.sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] });
    kie.hold = true;
    const held = kie.nextHeld();
    const before = s.sim.control.stats().accepted;
    const i = slashCommand('separate', { url: 'https://songs.example.com/unsure.mp3' }, alice, s.place());
    await s.send(i);
    const jobId = startedJobId(await waitFor('the private answer', () => s.discord.originalEdits.get(i.token)?.[0]));
    await held;
    const notice = await waitFor('the notice', () => {
      const status = statusMessageOf(s, jobId);
      return status && s.discord.messagesIn(status.id).find((m) => /Not sure Kie got this job/.test(m.content));
    });
    kie.hold = false;
    const button = notice.components.flatMap((r: any) => r.components)[0];
    expect(button).toEqual({ type: 2, style: 4, label: 'Submit again (may charge twice)', custom_id: `sb1:rs:${jobId}` });
    expect(notice.content).toMatch(new RegExp(`^<@${alice.id}> \\*\\*Not sure Kie got this job\\.\\*\\*`));
    expect(notice.content).toMatch(/may be charged twice/);
    await waitFor('the status line', () => /may or may not have started/.test(statusMessageOf(s, jobId)!.embeds[0]?.description ?? ''));
    expect(s.sim.control.stats().accepted).toBe(before + 1);

    const thread = { channelId: statusMessageOf(s, jobId)!.id, channelType: 11, parentId: s.channel.id };
    expect(await press(button.custom_id, bob, s.place(thread))).toBe(`Only <@${alice.id}>, who started this job, or someone with Manage Messages can use this button.`);
    expect(s.sim.control.stats().accepted).toBe(before + 1);
    expect(await press(button.custom_id, { ...bob, permissions: MANAGE_MESSAGES }, s.place(thread))).toBe('Submitting again — the status message will follow it.');
    const job = await delivered(s, jobId);
    expect(job.state).toBe('complete');
    expect(s.sim.control.stats().accepted).toBe(before + 2);
    expect(await press(button.custom_id, alice, s.place(thread))).toBe('Kie has this job already — there is no need to submit it again.');
    expect(s.sim.control.stats().accepted).toBe(before + 2);
  }, 60_000);
});
