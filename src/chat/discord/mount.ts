// The Discord adapter's entry point: parse its own variables, build the REST client, the ChatPort and the
// one interaction handler, mount the HTTP intake when DISCORD_PUBLIC_KEY is set (otherwise connect the
// gateway at start), and register the slash commands at start with one bulk overwrite.
import type { ChatAdapter, Leader, MountAdapter } from '../adapter.js';
import { DiscordChat } from './chat-port.js';
import { discordDefaults, parseDiscordEnv } from './settings.js';
import { createGateway, type Gateway } from './gateway.js';
import { InteractionHandler } from './handler.js';
import { interactionsRoute } from './interactions-http.js';
import { registerCommands } from './register.js';
import { createRest } from './rest.js';

export const mountDiscord: MountAdapter = async (ctx): Promise<ChatAdapter> => {
  const { token, applicationId, publicKey, guildId, apiUrl } = ctx.config.discord;
  const env = parseDiscordEnv(ctx.env);
  if (!env.ok) throw new Error(env.message);
  // Status messages, threads and stems are posted with the bot token, whichever way interactions arrive.
  if (!token) throw new Error('Invalid configuration: DISCORD_TOKEN is required for Discord (stembot posts status and stems as the bot)');
  if (!applicationId) throw new Error('Invalid configuration: DISCORD_APPLICATION_ID is required with DISCORD_TOKEN');

  const rest = createRest({ apiUrl, token });
  const adminChannelId = ctx.env.DISCORD_ADMIN_CHANNEL_ID?.trim() || undefined;
  if (adminChannelId && !/^\d{15,25}$/.test(adminChannelId)) throw new Error('Invalid configuration: DISCORD_ADMIN_CHANNEL_ID must be a Discord channel id (digits)');
  const chat = new DiscordChat({
    rest,
    ...(adminChannelId ? { adminChannelId } : {}),
    files: { apiUrl, token, timeoutMs: discordDefaults.restTimeoutMs, maxRateLimitWaitMs: discordDefaults.restMaxRateLimitWaitMs },
  });
  const handler = new InteractionHandler({
    rest,
    service: ctx.service,
    clock: ctx.clock,
    logger: ctx.logger,
    rules: env.env,
    maxInputBytes: ctx.config.tuning.maxInputBytes,
    cdnMinLifetimeMs: ctx.config.tuning.pollMaxAgeMs + discordDefaults.cdnUrlSafetyMarginMs,
  });

  let gateway: Gateway | undefined;
  // Several instances: only the holder of the lock the composition root hands over connects the gateway (two
  // gateways would answer every command twice); another takes over when the holder's session ends.
  let leader: Leader | undefined;
  if (publicKey) {
    await ctx.app.register(interactionsRoute, { publicKey, handler, clock: ctx.clock });
  } else {
    leader = ctx.leaderLock?.(`stembot:discord-gateway:${applicationId}`);
    // Led: a login that cannot complete gives the lock up for another instance to try. Alone: keep trying.
    gateway = createGateway({ token, apiUrl, rest, handler, logger: ctx.logger, ...(leader ? { loginGiveUpMs: ctx.config.tuning.gatewayLoginGiveUpMs } : {}) });
  }
  ctx.logger.info(
    { intake: publicKey ? 'http' : 'gateway', commands: guildId ? 'guild' : 'global', allowedRoles: env.env.allowedRoleIds.length, allowedChannels: env.env.allowedChannelIds.length },
    'discord adapter mounted',
  );

  return {
    chat,
    async start() {
      try {
        const r = await registerCommands(rest, applicationId, guildId);
        ctx.logger.info({ scope: r.scope, commands: r.names }, 'discord commands registered');
      } catch (err) {
        // Commands registered earlier keep working; a bad token will show again in the first post.
        ctx.logger.error({ err }, 'discord command registration failed (run `npm run discord:register` to retry)');
      }
      if (leader && gateway) {
        const g = gateway;
        leader.start(
          async () => {
            ctx.logger.info('this instance leads: connecting the Discord gateway');
            await g.start();
          },
          async () => {
            ctx.logger.warn('this instance no longer leads: disconnecting the Discord gateway');
            await g.stop();
          },
        );
      } else {
        await gateway?.start();
      }
    },
    async stop() {
      if (leader) await leader.stop();
      else await gateway?.stop();
      await handler.drain();
    },
  };
};
