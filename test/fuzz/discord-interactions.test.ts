// Fuzzed intake at POST /discord/interactions (HTTP interactions, Ed25519-signed) on a real app and store,
// the Discord adapter mounted by createStembot and talking to the fake Discord REST API: forged or junk
// requests are refused with 401 and change nothing; signed ones — Discord's own payload shapes, mutated —
// never get a 5xx, and when refused they change nothing either.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonPress, ping, signBody, slashCommand, testKeys, type Place } from '../fakes/discord-interactions.js';
import { FakeDiscord } from '../fakes/discord-rest.js';
import { contentType, garbage, junkBody, mutated } from './arbitraries.js';
import { quiet, startIntake, type Intake } from './harness.js';

const TOKEN = 'fuzz-bot-token';
const APP_ID = '1100000000000000001';
const GUILD_ID = '1100000000000000002';
const keys = testKeys();
const alice = { id: '1200000000000000001', username: 'alice' };

let discord: FakeDiscord;
let intake: Intake;
let place: Place;
beforeAll(async () => {
  discord = await FakeDiscord.start({ token: TOKEN, applicationId: APP_ID });
  place = { applicationId: APP_ID, guildId: GUILD_ID, channelId: discord.addChannel({ type: 'text', name: 'music' }).id };
  const env = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: discord.apiUrl };
  intake = await startIntake(env, { shedEventLoopDelayMs: 0 });
});
afterAll(async () => {
  await intake?.close();
  await discord?.close();
});

/** Discord's payloads for what stembot handles: commands, autocomplete, a button, a ping. */
const seeds = () => [
  slashCommand('separate', { url: 'https://audio.example/song.mp3' }, alice, place),
  slashCommand('separate', { url: 'https://audio.example/song.mp3', mode: 'single', stem: 'Pi' }, alice, place, 'stem'),
  slashCommand('add-vocals', { url: 'https://audio.example/song.mp3', prompt: 'a folk song', style: 'Folk', title: 'River' }, alice, place),
  slashCommand('add-instrumental', { url: 'https://audio.example/song.mp3', tags: 'folk', title: 'River' }, alice, place),
  slashCommand('jobs', {}, alice, place),
  slashCommand('job', { id: 'abcdefghjk' }, alice, place),
  buttonPress('redeliver:abcdefghjk', alice, place),
  ping(APP_ID),
];
const body = () => fc.oneof({ weight: 3, arbitrary: mutated(seeds()).map((b) => JSON.stringify(b)) }, { weight: 1, arbitrary: junkBody });
const now = () => String(Math.floor(Date.now() / 1000));

describe('fuzzed Discord interactions endpoint', () => {
  it('GIVEN requests without a valid Ed25519 signature WHEN posted THEN a 4xx (401 once the body is read) and the store is unchanged', async () => {
    const statuses = new Set<number>();
    const forged = fc.record({
      body: body(),
      contentType,
      how: fc.constantFrom('missing', 'garbled', 'other-body', 'stale', 'hex-noise'),
      noise: garbage,
      hex: fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b).toString('hex')),
    });
    await fc.assert(
      fc.asyncProperty(forged, async (r) => {
        const ts = r.how === 'stale' ? String(Math.floor(Date.now() / 1000) - 3_600) : now();
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (r.how === 'garbled') Object.assign(headers, { 'x-signature-ed25519': r.noise, 'x-signature-timestamp': r.noise });
        if (r.how === 'other-body') Object.assign(headers, { 'x-signature-ed25519': signBody(keys, ts, `${r.body} `), 'x-signature-timestamp': ts });
        if (r.how === 'stale') Object.assign(headers, { 'x-signature-ed25519': signBody(keys, ts, r.body), 'x-signature-timestamp': ts });
        if (r.how === 'hex-noise') Object.assign(headers, { 'x-signature-ed25519': r.hex, 'x-signature-timestamp': ts });
        const before = intake.snapshot();
        const res = await intake.bot.app.inject({ method: 'POST', url: '/discord/interactions', payload: r.body, headers });
        statuses.add(res.statusCode);
        // A body Fastify cannot even take in (no Content-Type at all) is refused before the signature check.
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(intake.snapshot()).toBe(before);
      }),
      { numRuns: 300 },
    );
    expect(statuses.has(401)).toBe(true);
  });

  it('GIVEN correctly signed but arbitrary or mutated interactions WHEN posted THEN never a 5xx, and a refusal changes nothing', async () => {
    const statuses = new Set<number>();
    let accepted = true;
    await fc.assert(
      fc.asyncProperty(body(), contentType, async (payload, type) => {
        // Only an accepted request can leave work running after its answer.
        const before = accepted ? await quiet(intake) : intake.snapshot();
        const ts = now();
        const res = await intake.bot.app.inject({
          method: 'POST',
          url: '/discord/interactions',
          payload,
          headers: { 'content-type': type, 'x-signature-ed25519': signBody(keys, ts, payload), 'x-signature-timestamp': ts },
        });
        statuses.add(res.statusCode);
        accepted = res.statusCode < 300;
        expect(res.statusCode).toBeLessThan(500);
        if (!accepted) expect(intake.snapshot()).toBe(before);
      }),
      { numRuns: 200, examples: [['null', 'application/json'], ['[]', 'application/json'], ['{"type":1}', 'application/json'], ['{"type":2}', 'application/json']] },
    );
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400]));
    expect((await intake.bot.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 90_000);
});
