// The gateway intake (discord.js structures) and the HTTP intake (Discord's JSON) must give the handler the
// same Intake, hence the same Command. The discord.js side is built the way the gateway builds it: a real
// (unconnected) Client dispatching the raw INTERACTION_CREATE payload through its own InteractionCreate action.
import { Client, GatewayIntentBits, Partials, type BaseInteraction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { attachIntake } from '../../src/chat/discord/gateway.js';
import type { Intake } from '../../src/chat/discord/intake.js';
import { fromApi } from '../../src/chat/discord/intake.js';
import { fromDiscordJs } from '../../src/chat/discord/intake-discordjs.js';
import { createRest } from '../../src/chat/discord/rest.js';
import { toCommand } from '../../src/chat/discord/to-command.js';
import type { FakeAttachment } from '../fakes/discord-rest.js';
import { buttonPress, slashCommand, type Person, type Place } from '../fakes/discord-interactions.js';

const guildId = '1100000000000000002';
const channelId = '1100000000000000010';
const threadId = '1100000000000000011';
const roleId = '1100000000000000020';
const place: Place = { applicationId: '1100000000000000001', guildId, channelId, attachmentSizeLimit: 25 * 1024 * 1024 };
const carol: Person = { id: '1200000000000000003', username: 'carol', nick: 'Carol the Bassist', roles: [roleId], permissions: '8192' };

const now = Date.UTC(2026, 10, 21, 12, 0, 0);
const attachment = (expiresInMs: number, over: Partial<FakeAttachment> = {}): FakeAttachment => {
  const ex = Math.floor((now + expiresInMs) / 1000).toString(16);
  const url = `https://cdn.discordapp.com/attachments/${channelId}/1300000000000000099/song.mp3?ex=${ex}&is=69200000&hm=abc123&`;
  return { id: '1300000000000000099', filename: 'song.mp3', size: 3_000_000, url, proxy_url: url, content_type: 'audio/mpeg', ...over };
};
const convert = { now, maxInputBytes: 20 * 1024 * 1024, cdnMinLifetimeMs: 4 * 60 * 60_000 };

/** A Client as the gateway has it after READY: the guild, its channels and roles cached. */
function readyClient(): Client {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], partials: [Partials.Channel] });
  // GUILD_CREATE's payload, through discord.js's own guild manager.
  (client.guilds as unknown as { _add(data: unknown): unknown })._add({
    id: guildId,
    name: 'Band',
    owner_id: '1',
    roles: [
      { id: guildId, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
      { id: roleId, name: 'musician', permissions: '0', position: 1, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
    ],
    channels: [
      { id: channelId, type: 0, name: 'music', guild_id: guildId, position: 0, permission_overwrites: [] },
    ],
    threads: [{ id: threadId, type: 11, name: 'a thread', guild_id: guildId, parent_id: channelId, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date(now).toISOString(), locked: false } }],
    members: [],
    emojis: [],
    stickers: [],
    features: [],
  });
  return client;
}

/** Dispatch a raw payload as the gateway does, and collect what the intake hands the handler. */
function viaGateway(client: Client, raw: unknown): Intake[] {
  const seen: Intake[] = [];
  attachIntake(client, createRest({ apiUrl: 'http://127.0.0.1:9/api' }), (intake) => seen.push(intake));
  (client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(raw);
  return seen;
}

let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  client = undefined;
});

describe('gateway intake', () => {
  it('GIVEN /separate with an attachment WHEN it arrives through discord.js THEN the Command equals the HTTP intake’s', () => {
    const raw = slashCommand('separate', { audio: attachment(24 * 60 * 60_000), mode: 'stems' }, carol, place);
    client = readyClient();
    const [gateway] = viaGateway(client, raw);
    const http = fromApi(raw);

    expect(gateway).toEqual(http);
    expect(gateway).toMatchObject({ kind: 'command', command: 'separate', user: { id: carol.id, name: 'Carol the Bassist' }, roles: [roleId], permissions: 8192n, attachmentSizeLimit: 25 * 1024 * 1024 });
    const fromGateway = toCommand(gateway as Extract<Intake, { kind: 'command' }>, convert);
    expect(fromGateway).toEqual(toCommand(http as Extract<Intake, { kind: 'command' }>, convert));
    expect(fromGateway).toEqual({
      ok: true,
      command: {
        origin: { platform: 'discord', workspaceId: guildId, channelId, userId: carol.id, userName: 'Carol the Bassist', meta: { attachmentSizeLimit: 25 * 1024 * 1024, inputExpiresAt: expect.any(Number) } },
        // A day of validity outlives the job: Kie gets the CDN URL itself.
        input: { type: 'url', url: attachment(24 * 60 * 60_000).url, name: 'song.mp3' },
        params: { kind: 'separate', mode: 'stems' },
      },
    });
  });

  it('GIVEN /add-vocals with every option, asked inside a thread WHEN it arrives through discord.js THEN the Command equals the HTTP intake’s', () => {
    const raw = slashCommand(
      'add-vocals',
      { prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song', url: 'https://example.com/beds/river.mp3', vocal_gender: 'f', model: 'V5', style_weight: 0.5, weirdness: 0.25, audio_weight: 0.75, negative_tags: 'metal' },
      carol,
      { ...place, channelId: threadId, channelType: 11, parentId: channelId },
    );
    client = readyClient();
    const [gateway] = viaGateway(client, raw);
    const http = fromApi(raw);
    expect(gateway).toEqual(http);
    const cmd = toCommand(gateway as Extract<Intake, { kind: 'command' }>, convert);
    expect(cmd).toEqual(toCommand(http as Extract<Intake, { kind: 'command' }>, convert));
    expect(cmd).toMatchObject({
      ok: true,
      command: {
        origin: { channelId: threadId, meta: { inThread: true } },
        input: { type: 'url', url: 'https://example.com/beds/river.mp3', name: 'river.mp3' },
        params: { kind: 'add_vocals', prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song', vocalGender: 'f', model: 'V5', styleWeight: 0.5, weirdness: 0.25, audioWeight: 0.75, negativeTags: 'metal' },
      },
    });
  });

  it('GIVEN a button press and an autocomplete WHEN they arrive through discord.js THEN the intakes equal the HTTP ones', () => {
    client = readyClient();
    const press = buttonPress('sb1:rd:abcdefghjk', carol, place);
    expect(viaGateway(client, press)).toEqual([fromApi(press)]);
    client.removeAllListeners();
    const typing = slashCommand('separate', { mode: 'single', stem: 'pia' }, carol, place, 'stem');
    const [auto] = viaGateway(client, typing);
    expect(auto).toEqual(fromApi(typing));
    expect(auto).toMatchObject({ kind: 'autocomplete', command: 'separate', focused: { name: 'stem', value: 'pia' } });
  });

  it('GIVEN a /jobs interaction discord.js builds WHEN a /jobs command is converted THEN it carries no options', () => {
    client = readyClient();
    let got: BaseInteraction | undefined;
    client.on('interactionCreate', (i) => (got = i));
    (client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(slashCommand('jobs', {}, carol, place));
    expect(got?.isChatInputCommand()).toBe(true);
    expect(fromDiscordJs(got!)).toMatchObject({ kind: 'command', command: 'jobs', options: {}, attachments: {} });
  });
});

describe('attachment → what Kie is given', () => {
  const intake = (a: FakeAttachment) => fromApi(slashCommand('separate', { audio: a }, carol, place)) as Extract<Intake, { kind: 'command' }>;

  it('GIVEN a CDN URL that expires within the job’s lifetime THEN the core re-hosts it (private_url with its size)', () => {
    const a = attachment(60 * 60_000);
    expect(toCommand(intake(a), convert)).toMatchObject({ ok: true, command: { input: { type: 'private_url', url: a.url, name: 'song.mp3', bytes: 3_000_000 } } });
  });

  it('GIVEN an attachment over Kie’s 20 MB THEN it goes as private_url with its size, which the core refuses', () => {
    const a = attachment(24 * 60 * 60_000, { size: 21 * 1024 * 1024 });
    expect(toCommand(intake(a), convert)).toMatchObject({ ok: true, command: { input: { type: 'private_url', bytes: 21 * 1024 * 1024 } } });
  });

  it('GIVEN a picture THEN it is refused with the core’s sentence for "not audio"', () => {
    const a = attachment(24 * 60 * 60_000, { filename: 'cover.png', content_type: 'image/png' });
    expect(toCommand(intake(a), convert)).toEqual({ ok: false, message: 'That file does not look like audio. Attach an MP3, WAV, FLAC, OGG or M4A file.' });
  });

  it('GIVEN two songs at once, or none, or a lone task_id THEN the refusal says what to fix', () => {
    const both = fromApi(slashCommand('separate', { audio: attachment(1e9), url: 'https://example.com/a.mp3' }, carol, place)) as Extract<Intake, { kind: 'command' }>;
    expect(toCommand(both, convert)).toEqual({ ok: false, message: 'Give only one song: `audio`, `url`, or `task_id` + `audio_id`, not several at once.' });
    const none = fromApi(slashCommand('separate', {}, carol, place)) as Extract<Intake, { kind: 'command' }>;
    expect(toCommand(none, convert)).toMatchObject({ ok: false, message: expect.stringMatching(/^Which song\?/) });
    const half = fromApi(slashCommand('separate', { task_id: 'abc' }, carol, place)) as Extract<Intake, { kind: 'command' }>;
    expect(toCommand(half, convert)).toEqual({ ok: false, message: '`task_id` and `audio_id` go together: give both to separate a Kie track.' });
    const single = fromApi(slashCommand('separate', { task_id: 'a', audio_id: 'b', mode: 'single' }, carol, place)) as Extract<Intake, { kind: 'command' }>;
    expect(toCommand(single, convert)).toMatchObject({ ok: false, message: expect.stringContaining('needs `stem`') });
  });
});
