// A signed interaction sent twice (an attacker replaying a captured request inside its ±300 s window, or a
// proxy resending it) starts one job: the second copy is refused by the shared replay cache
// (src/chat/replay-cache.ts), which Slack's receiver uses too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand } from '../fakes/discord-interactions.js';
import { alice, startStack, startedJobId, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

describe('GIVEN a signed /separate interaction that stembot accepted', () => {
  it('WHEN the very same signed request is sent again THEN it is refused with 401 "replayed" and only one job exists', async () => {
    const interaction = slashCommand('separate', { mode: 'vocals', task_id: 'a7c0ffee00000000000000000000beef', audio_id: 'e1e2e3e4-0000-4000-8000-000000000001' }, alice, s.place());
    const first = await s.send(interaction);
    expect(first.status).toBe(200);
    const reply = await waitFor('the private answer', () => s.discord.originalEdits.get(interaction.token)?.[0]);
    const jobId = startedJobId(reply);

    const again = await s.send(interaction);
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ error: 'replayed' });
    expect((await s.jobs()).map((j) => j.id)).toEqual([jobId]);
  });
});
