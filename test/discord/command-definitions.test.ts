// The slash commands of the README's "Commands" and their registration (one bulk overwrite, guild or global), checked by
// the fake Discord against the documented rules (names, descriptions, option order, choices).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBodies } from '../../src/chat/discord/command-definitions.js';
import { registerCommands } from '../../src/chat/discord/register.js';
import { createRest } from '../../src/chat/discord/rest.js';
import { FakeDiscord } from '../fakes/discord-rest.js';

const APP = '1100000000000000001';
let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start({ token: 't', applicationId: APP });
});
afterAll(async () => {
  await fake.close();
});

const byName = () => Object.fromEntries(commandBodies().map((c) => [c.name, c]));
const option = (command: string, name: string) => byName()[command]!.options!.find((o) => o.name === name) as Record<string, any>;

describe('slash commands', () => {
  it('GIVEN the command set THEN it has the eight commands (with /credits, /midi and /wav) and their option names, guild-only', () => {
    const names = (c: string) => (byName()[c]!.options ?? []).map((o) => o.name);
    expect(Object.keys(byName())).toEqual(['separate', 'add-vocals', 'add-instrumental', 'jobs', 'job', 'credits', 'midi', 'wav']);
    expect(names('separate')).toEqual(['audio', 'url', 'task_id', 'audio_id', 'mode', 'stem']);
    expect(names('add-vocals')).toEqual(['prompt', 'style', 'title', 'audio', 'url', 'vocal_gender', 'negative_tags', 'model', 'style_weight', 'weirdness', 'audio_weight']);
    expect(names('add-instrumental')).toEqual(['tags', 'title', 'audio', 'url', 'negative_tags', 'model', 'style_weight', 'weirdness', 'audio_weight']);
    expect(names('job')).toEqual(['id']);
    expect(names('credits')).toEqual([]);
    expect(names('midi')).toEqual(['id', 'stem']);
    expect(names('wav')).toEqual(['id', 'take']);
    for (const c of commandBodies()) expect(c.contexts).toEqual([0]);
  });

  it('GIVEN the options THEN they carry Kie’s choices, ranges and lengths, and autocomplete for stem and id', () => {
    expect(option('separate', 'audio').type).toBe(11);
    expect(option('separate', 'mode').choices.map((c: { value: string }) => c.value)).toEqual(['vocals', 'stems', 'single']);
    expect(option('separate', 'stem')).toMatchObject({ autocomplete: true, max_length: 60 });
    expect(option('job', 'id')).toMatchObject({ autocomplete: true, required: true });
    expect(option('add-vocals', 'model').choices.map((c: { value: string }) => c.value)).toEqual(['V4_5PLUS', 'V5', 'V5_5']);
    expect(option('add-vocals', 'vocal_gender').choices.map((c: { value: string }) => c.value)).toEqual(['m', 'f']);
    expect(option('add-vocals', 'style')).toMatchObject({ required: true, max_length: 1000 });
    expect(option('add-vocals', 'title')).toMatchObject({ required: true, max_length: 80 });
    expect(option('add-vocals', 'negative_tags')).toMatchObject({ max_length: 200 });
    expect(option('add-instrumental', 'tags')).toMatchObject({ required: true, max_length: 1000 });
    for (const w of ['style_weight', 'weirdness', 'audio_weight']) expect(option('add-instrumental', w)).toMatchObject({ type: 10, min_value: 0, max_value: 1 });
  });

  it('GIVEN DISCORD_GUILD_ID WHEN registering twice THEN one bulk overwrite each time, in that guild, accepted by Discord', async () => {
    const rest = createRest({ apiUrl: fake.apiUrl, token: 't' });
    const first = await registerCommands(rest, APP, '1100000000000000002');
    await registerCommands(rest, APP, '1100000000000000002');
    expect(first).toEqual({ scope: 'guild', names: ['separate', 'add-vocals', 'add-instrumental', 'jobs', 'job', 'credits', 'midi', 'wav'] });
    expect(fake.commandPuts.map((p) => p.guildId)).toEqual(['1100000000000000002', '1100000000000000002']);
    expect(fake.commandPuts[0]!.body).toEqual(fake.commandPuts[1]!.body);
    expect(fake.violations).toEqual([]);
  });

  it('GIVEN no guild WHEN registering THEN the overwrite is global', async () => {
    const r = await registerCommands(createRest({ apiUrl: fake.apiUrl, token: 't' }), APP);
    expect(r.scope).toBe('global');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', path: `/api/v10/applications/${APP}/commands`, status: 200 });
  });
});
