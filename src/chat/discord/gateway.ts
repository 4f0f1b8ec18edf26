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

export function createGateway(o: { token: string; apiUrl: string; rest: REST; handler: InteractionHandler; logger: Logger }): Gateway {
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
      await login;
    },
    stop,
  };
}
