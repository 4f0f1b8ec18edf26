// mountDiscord: its configuration checks, which intake it mounts, and registration at start.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDiscord } from '../../src/chat/discord/mount.js';
import { loadConfig } from '../../src/config.js';
import { systemClock, type JobsApi } from '../../src/core/ports.js';
import { createLogger } from '../../src/ops/logger.js';
import { FakeDiscord } from '../fakes/discord-rest.js';
import { testKeys } from '../fakes/discord-interactions.js';

const APP = '1100000000000000001';
let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start({ token: 'tok', applicationId: APP });
});
afterAll(async () => {
  await fake.close();
});

// The core is not reached by these checks; an object that fails loudly if it were.
const unused = new Proxy({}, { get: () => { throw new Error('not expected in this test'); } });

async function mount(env: Record<string, string>) {
  const loaded = loadConfig({ DISCORD_API_URL: fake.apiUrl, ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  const app = Fastify();
  const adapter = await mountDiscord({ app, config: loaded.config, service: unused as JobsApi, logger: createLogger('silent'), clock: systemClock, env });
  await app.ready();
  return { app, adapter };
}

describe('mountDiscord', () => {
  it('GIVEN DISCORD_PUBLIC_KEY without DISCORD_TOKEN THEN start-up stops with one line naming the variable', async () => {
    await expect(mount({ DISCORD_PUBLIC_KEY: testKeys().publicKeyHex })).rejects.toThrow(/^Invalid configuration: DISCORD_TOKEN is required/);
  });

  it('GIVEN a malformed allow-list THEN start-up stops naming it', async () => {
    await expect(mount({ DISCORD_TOKEN: 'tok', DISCORD_APPLICATION_ID: APP, DISCORD_ALLOWED_ROLE_IDS: '123, admins' })).rejects.toThrow(
      'Invalid configuration: DISCORD_ALLOWED_ROLE_IDS must be a comma list of Discord ids (digits)',
    );
  });

  it('GIVEN DISCORD_PUBLIC_KEY THEN POST /discord/interactions exists, and start() registers the commands in DISCORD_GUILD_ID', async () => {
    const { app, adapter } = await mount({ DISCORD_TOKEN: 'tok', DISCORD_APPLICATION_ID: APP, DISCORD_PUBLIC_KEY: testKeys().publicKeyHex, DISCORD_GUILD_ID: '1100000000000000002' });
    const r = await app.inject({ method: 'POST', url: '/discord/interactions', payload: { type: 1 } });
    expect(r.statusCode).toBe(401); // unsigned
    await adapter.start?.();
    expect(fake.commandPuts.at(-1)).toMatchObject({ guildId: '1100000000000000002' });
    expect(adapter.chat.platform).toBe('discord');
    await adapter.stop?.();
    await app.close();
  });

  it('GIVEN only DISCORD_TOKEN THEN no HTTP route is mounted (the gateway is used, connected at start)', async () => {
    const { app, adapter } = await mount({ DISCORD_TOKEN: 'tok', DISCORD_APPLICATION_ID: APP });
    expect((await app.inject({ method: 'POST', url: '/discord/interactions', payload: {} })).statusCode).toBe(404);
    await adapter.stop?.();
    await app.close();
  });
});
