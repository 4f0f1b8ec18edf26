// The gateway intake (the default when only DISCORD_TOKEN is set: no public URL needed). A discord.js Client
// with the Guilds intent alone (interactions need no privileged intents; Guilds keeps channels and roles
// cached), each interaction converted to the same Intake as the HTTP endpoint and given to the same handler.
// The first answer goes to `POST /interactions/{id}/{token}/callback`.
// https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response
import { Client, Events, GatewayIntentBits, Partials, Routes, type BaseInteraction, type REST } from 'discord.js';
import type { Logger } from '../../ops/logger.js';
import type { InitialResponder, InteractionHandler } from './handler.js';
import type { Intake } from './intake.js';
import { fetchRequest } from './rest.js';
import { fromDiscordJs } from './intake-discordjs.js';

export type IntakeSink = (intake: Intake, initial: InitialResponder) => void;

/** The initial answer on the gateway: the callback route (no bot token: the interaction token authorises it). */
function callbackResponder(rest: REST, interaction: { id: string; token: string }): InitialResponder {
  return async (body) => {
    await rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body, auth: false });
  };
}

/** Wire a Client's interactions into a sink; used by the gateway and by tests with an unconnected Client. */
export function attachIntake(client: Client, rest: REST, sink: IntakeSink, logger?: Logger): void {
  client.on(Events.InteractionCreate, (interaction: BaseInteraction) => {
    const intake = fromDiscordJs(interaction);
    if (!intake) {
      logger?.debug({ type: interaction.type }, 'discord interaction ignored');
      return;
    }
    sink(intake, callbackResponder(rest, interaction));
  });
}

export function createClient(apiUrl: string): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // Partial channels let an interaction from an uncached channel still carry its type and parent.
    partials: [Partials.Channel],
    rest: { api: apiUrl.replace(/\/+$/, ''), makeRequest: fetchRequest },
  });
}

export interface Gateway {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A @discordjs/ws shard, as far as abandon() touches it. */
type InternalShard = { status: number; emit(event: 'closed', payload: { code: number }): unknown; destroy(options?: { code?: number }): Promise<void> };

function internalShards(c: Client): InternalShard[] {
  const ws = (c.ws as unknown as { _ws?: { strategy?: { shards?: Map<number, InternalShard> } } })._ws;
  return [...(ws?.strategy?.shards?.values() ?? [])];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Close a Client whose login never completed, for good. In @discordjs/ws 1.2 a shard waiting for HELLO, an
 * IDENTIFY slot or READY takes destroy() for a timeout and reconnects by itself 500 ms later. So the waits are
 * settled as "closed" first (what the shard does when its socket closes), then the shard is destroyed, and a
 * shard seen connecting again is closed again: a bounded number of rounds.
 */
async function abandon(c: Client): Promise<void> {
  const shards = internalShards(c);
  for (let round = 0; round < 5; round++) {
    for (const s of shards) s.emit('closed', { code: 1000 });
    await Promise.race([round === 0 ? c.destroy() : Promise.all(shards.map((s) => s.destroy({ code: 1000 }))), sleep(5_000)]);
    await sleep(700); // past the shard's 500 ms reconnect delay
    if (shards.every((s) => s.status === 0)) return; // Idle
  }
}

export function createGateway(o: {
  token: string;
  apiUrl: string;
  rest: REST;
  handler: InteractionHandler;
  logger: Logger;
  /** With a leader lock: a login not complete after this long is closed and start() rejects (the lock is given up). */
  loginGiveUpMs?: number;
}): Gateway {
  // A new Client for every start(): a discord.js Client's destroy() works once. Its WebSocketManager stays
  // marked destroyed, so after a second login() a second destroy() returns without closing the connection,
  // and an instance that lost the lead, took it back and lost it again would keep a gateway open beside the
  // new leader's (every interaction answered twice). A reused Client also waits ~5 s to IDENTIFY again.
  let client: Client | undefined;
  // The login under way, if any. destroy() while login() still waits for HELLO or READY never resolves, and
  // the shard reconnects and identifies again by itself (@discordjs/ws 1.2): a gateway nobody can close. So
  // stop() lets a login finish first (the leader lost its lock mid-login), then closes cleanly.
  let loggingIn: Promise<unknown> = Promise.resolve();
  const connect = (): Client => {
    const c = createClient(o.apiUrl);
    attachIntake(c, o.rest, (intake, initial) => o.handler.dispatch(intake, initial), o.logger);
    c.on(Events.Error, (err) => o.logger.error({ err }, 'discord gateway error'));
    c.once(Events.ClientReady, (ready) => o.logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'discord gateway connected'));
    return c;
  };
  const stop = async () => {
    await loggingIn;
    const c = client;
    client = undefined;
    await c?.destroy();
  };
  return {
    async start() {
      await stop();
      const c = (client = connect());
      const login = c.login(o.token); // on failure it destroys its Client itself
      loggingIn = login.catch(() => undefined);
      if (!o.loginGiveUpMs) return void (await login);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), o.loginGiveUpMs)));
      const first = await Promise.race([login.then(() => 'in' as const), late]).finally(() => clearTimeout(timer));
      if (first === 'in') return;
      // Still not logged in: this instance cannot reach the gateway (or is refused at every IDENTIFY).
      if (client === c) client = undefined;
      loggingIn = Promise.resolve();
      await abandon(c);
      throw new Error(`Discord gateway login did not complete within ${o.loginGiveUpMs} ms`);
    },
    stop,
  };
}
