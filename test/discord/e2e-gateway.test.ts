// The gateway intake end to end: a discord.js Client (not connected: the payload is dispatched through its own
// InteractionCreate action, as the gateway does) wired by `attachIntake` into the same handler, answering on
// Discord's callback route, with the real stack behind it.
import { Client, GatewayIntentBits, Partials } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachIntake } from '../../src/chat/discord/gateway.js';
import { InteractionHandler } from '../../src/chat/discord/handler.js';
import { createRest } from '../../src/chat/discord/rest.js';
import { systemClock } from '../../src/core/ports.js';
import { createLogger } from '../../src/ops/logger.js';
import { slashCommand } from '../fakes/discord-interactions.js';
import { TOKEN, alice, delivered, startStack, startedJobId, statusMessageOf, wavFile, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let s: Stack;
let client: Client;
beforeAll(async () => {
  s = await startStack();
  const rest = createRest({ apiUrl: s.discord.apiUrl, token: TOKEN });
  const handler = new InteractionHandler({
    rest,
    service: s.bot.service,
    clock: systemClock,
    logger: createLogger('silent'),
    rules: { allowedRoleIds: [], allowedChannelIds: [] },
    maxInputBytes: 20 * 1024 * 1024,
    cdnMinLifetimeMs: 4 * 60 * 60_000,
  });
  client = new Client({ intents: [GatewayIntentBits.Guilds], partials: [Partials.Channel] });
  attachIntake(client, rest, (intake, initial) => handler.dispatch(intake, initial));
});
afterAll(async () => {
  await client?.destroy();
  await s?.close();
});

const dispatch = (raw: unknown) => (client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(raw);

describe('gateway intake', () => {
  it('GIVEN /separate with an attachment over the gateway THEN the defer goes to the callback route and the stems reach the thread', async () => {
    const audio = s.discord.addAttachment('demo.wav', wavFile(2000), 'audio/wav', Date.now() + 30 * 60_000);
    const i = slashCommand('separate', { audio }, alice, s.place());
    s.discord.expectInteraction(i.token);
    dispatch(i);
    const initial = await waitFor('the callback', () => s.discord.initial.get(i.token));
    expect(initial).toEqual({ type: 5, data: { flags: 64 } });
    expect(s.discord.requests.find((r) => r.path === `/api/v10/interactions/${i.id}/${i.token}/callback`)).toMatchObject({ status: 204 });
    const jobId = startedJobId(await waitFor('the answer', () => s.discord.privateReply(i.token)?.content && s.discord.privateReply(i.token)));
    const job = await delivered(s, jobId);
    expect(job.input.type).toBe('url'); // re-hosted: the 30-minute CDN URL would not outlive the job
    expect(s.discord.messagesIn(statusMessageOf(s, jobId)!.id).flatMap((m) => m.files)).toHaveLength(2);
  });

  it('GIVEN a refusal over the gateway THEN it is the callback’s private message', async () => {
    const i = slashCommand('separate', {}, alice, s.place());
    s.discord.expectInteraction(i.token);
    dispatch(i);
    const initial = await waitFor('the callback', () => s.discord.initial.get(i.token));
    expect(initial).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringMatching(/^Which song\?/) } });
  });
});
