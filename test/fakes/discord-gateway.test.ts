// The fake gateway itself, against a real discord.js Client: the parts the leader suite does not reach
// (a refused token, RESUME after a drop with the missed events replayed, INVALID_SESSION for a dead session).
import { Events, type Client } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/chat/discord/gateway.js';
import { FakeGateway } from './discord-gateway.js';
import { slashCommand } from './discord-interactions.js';
import { FakeDiscord } from './discord-rest.js';

const APP_ID = '1100000000000000001';
const place = { applicationId: APP_ID, guildId: '1100000000000000002', channelId: '1100000000000000003' };
const alice = { id: '1200000000000000001', username: 'alice' };

async function until<T>(what: string, check: () => T | undefined | false, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let rest: FakeDiscord;
let gateway: FakeGateway;
const clients: Client[] = [];
beforeAll(async () => {
  // The REST accepts `unknown-to-gateway` so that login reaches the gateway with it.
  rest = await FakeDiscord.start({ token: 'good-token', otherTokens: ['unknown-to-gateway'], applicationId: APP_ID });
  gateway = await FakeGateway.start({ tokens: ['good-token'], applicationId: APP_ID, heartbeatIntervalMs: 200 });
  rest.gatewayUrl = gateway.url;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
});
afterAll(async () => {
  await gateway.close();
  await rest.close();
});

/** A Client, counting what it saw. Tests wait for its own events, not the fake's: destroying a Client that has
 *  not yet processed READY never resolves (see src/chat/discord/gateway.ts), and would hang afterEach. */
function client() {
  const c = createClient(rest.apiUrl);
  clients.push(c);
  const seen = { ready: 0, resumed: 0, interactions: [] as string[] };
  c.on(Events.ShardReady, () => void (seen.ready += 1));
  c.on(Events.ShardResume, () => void (seen.resumed += 1));
  c.on(Events.InteractionCreate, (i) => void seen.interactions.push(i.id));
  return { c, seen };
}

describe('fake Discord gateway', () => {
  it('GIVEN a token the gateway does not know WHEN a client logs in THEN it is closed with 4004 and login fails', async () => {
    await expect(client().c.login('unknown-to-gateway')).rejects.toThrow();
    expect(gateway.identifies.at(-1)).toMatchObject({ token: 'unknown-to-gateway', refused: 4004 });
    expect(gateway.openSessions()).toEqual([]);
  });

  it('GIVEN a connected client WHEN the gateway drops it with a resumable code THEN it RESUMEs the session and gets what it missed', async () => {
    const { c, seen } = client();
    await c.login('good-token');
    const [session] = gateway.openSessions();
    const identifies = gateway.identifies.length;
    gateway.drop(session!.sessionId);
    await until('the drop', () => gateway.openSessions().length === 0);
    const missed = slashCommand('jobs', {}, alice, place);
    expect(gateway.dispatchInteraction(missed)).toEqual([]); // nobody connected: kept for the RESUME
    await until('the resume', () => seen.resumed === 1);
    expect(session!.resumes).toBe(1);
    await until('the missed interaction', () => seen.interactions.includes(missed.id));
    const live = slashCommand('jobs', {}, alice, place);
    expect(gateway.dispatchInteraction(live)).toEqual([session]);
    await until('the live interaction', () => seen.interactions.includes(live.id));
    expect(gateway.identifies.length).toBe(identifies);
    expect(gateway.violations).toEqual([]);
  });

  it('GIVEN a session the gateway ended WHEN the client tries to RESUME THEN INVALID_SESSION makes it IDENTIFY anew', { timeout: 20_000 }, async () => {
    const { c, seen } = client();
    await c.login('good-token');
    const [old] = gateway.openSessions();
    const identifies = gateway.identifies.length;
    gateway.drop(old!.sessionId, { resumable: false });
    // discord.js spaces one Client's IDENTIFYs 5–6.5 s apart.
    await until('the client ready again', () => seen.ready === 2, 10_000);
    const fresh = await until('a new session', () => gateway.openSessions().find((x) => x.sessionId !== old!.sessionId));
    expect(old!.resumes).toBe(0);
    expect(gateway.identifies.slice(identifies).map((x) => x.sessionId)).toEqual([fresh.sessionId]);
    expect(gateway.violations).toEqual([]);
  });
});
