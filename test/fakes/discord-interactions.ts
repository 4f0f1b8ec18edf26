// Discord's side of the HTTP interactions endpoint, for tests: an Ed25519 key pair standing in for the
// application's, interaction payloads shaped like Discord's (v10), and a sender that signs them exactly as
// Discord does (`X-Signature-Ed25519` over `X-Signature-Timestamp` + body) and records the answer in the fake
// REST server (the first answer of an HTTP interaction is its HTTP response).
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import type { FakeAttachment, FakeDiscord } from './discord-rest.js';

export interface TestKeys {
  publicKeyHex: string;
  privateKey: KeyObject;
}

export function testKeys(): TestKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { publicKeyHex: der.subarray(der.length - 32).toString('hex'), privateKey };
}

export function signBody(keys: TestKeys, timestamp: string, body: string): string {
  return sign(null, Buffer.from(timestamp + body), keys.privateKey).toString('hex');
}

export interface Person {
  id: string;
  username: string;
  nick?: string;
  roles?: string[];
  /** Permission bitfield as Discord sends it (a decimal string). */
  permissions?: string;
}

export interface Place {
  applicationId: string;
  guildId: string;
  channelId: string;
  /** 0 text, 11 public thread… */
  channelType?: number;
  parentId?: string;
  attachmentSizeLimit?: number;
}

let counter = 0;
const snowflake = () => (1_400_000_000_000_000_000n + BigInt(++counter)).toString();

function base(type: number, who: Person, where: Place) {
  return {
    id: snowflake(),
    application_id: where.applicationId,
    type,
    token: `itoken-${randomBytes(12).toString('hex')}`,
    version: 1,
    guild_id: where.guildId,
    guild: { id: where.guildId, locale: 'en-US', features: [] },
    guild_locale: 'en-US',
    channel: { id: where.channelId, type: where.channelType ?? 0, guild_id: where.guildId, ...(where.parentId ? { parent_id: where.parentId } : {}) },
    channel_id: where.channelId,
    member: {
      user: { id: who.id, username: who.username, global_name: null, discriminator: '0', avatar: null },
      nick: who.nick ?? null,
      roles: who.roles ?? [],
      permissions: who.permissions ?? '2248473465835073',
      joined_at: '2025-01-01T00:00:00.000000+00:00',
      deaf: false,
      mute: false,
      flags: 0,
      avatar: null,
    },
    app_permissions: '2248473465835073',
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': where.guildId },
    context: 0,
    attachment_size_limit: where.attachmentSizeLimit ?? 10 * 1024 * 1024,
  };
}

export type OptionInput = string | number | boolean | FakeAttachment;
const optionType = (v: OptionInput) => (typeof v === 'object' ? 11 : typeof v === 'string' ? 3 : typeof v === 'boolean' ? 5 : 10);

export function slashCommand(name: string, options: Record<string, OptionInput>, who: Person, where: Place, focused?: string) {
  const attachments: Record<string, FakeAttachment> = {};
  const opts = Object.entries(options).map(([n, v]) => {
    if (typeof v === 'object') {
      attachments[v.id] = v;
      return { name: n, type: 11, value: v.id };
    }
    return { name: n, type: optionType(v), value: v, ...(focused === n ? { focused: true } : {}) };
  });
  return {
    ...base(focused ? 4 : 2, who, where),
    data: { id: snowflake(), name, type: 1, ...(opts.length ? { options: opts } : {}), ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}) },
  };
}

export function buttonPress(customId: string, who: Person, where: Place, messageId = snowflake()) {
  return {
    ...base(3, who, where),
    message: { id: messageId, channel_id: where.channelId, content: '', embeds: [], components: [], attachments: [], author: { id: where.applicationId, username: 'stembot', bot: true, discriminator: '0', avatar: null, global_name: null }, type: 0, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], pinned: false, flags: 0 },
    data: { custom_id: customId, component_type: 2 },
  };
}

export function ping(applicationId: string) {
  return { id: snowflake(), application_id: applicationId, type: 1, token: `itoken-${randomBytes(12).toString('hex')}`, version: 1 };
}

export interface Sent {
  status: number;
  body: any;
}

/**
 * POST an interaction to stembot as Discord would. The interaction's token is made known to the fake first
 * (Discord creates it), and the HTTP answer is recorded there as the interaction's first answer.
 */
export async function sendInteraction(
  endpoint: string,
  keys: TestKeys,
  interaction: { token: string },
  o: { fake?: FakeDiscord; forge?: boolean; timestamp?: string } = {},
): Promise<Sent> {
  const body = JSON.stringify(interaction);
  const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
  let signature = signBody(keys, timestamp, body);
  if (o.forge) signature = signBody(testKeys(), timestamp, body);
  o.fake?.expectInteraction(interaction.token);
  const res = await request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    body,
  });
  const text = await res.body.text();
  const parsed = text ? JSON.parse(text) : null;
  if (o.fake && res.statusCode === 200) o.fake.initial.set(interaction.token, parsed);
  return { status: res.statusCode, body: parsed };
}
