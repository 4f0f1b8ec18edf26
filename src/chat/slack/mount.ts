// The Slack adapter: Bolt routes slash commands, message shortcuts, modal submissions and buttons into the
// core's Command; SlackChat is the core's ChatPort. Requests arrive over HTTP at `POST /slack/events` on the
// shared Fastify app, or over Socket Mode when SLACK_APP_TOKEN is set. Web API calls go to SLACK_API_URL.
import { App } from '@slack/bolt';
import type { MountAdapter } from '../adapter.js';
import { registerActions } from './actions.js';
import { SlackChat } from './chat-port.js';
import { registerCommands } from './command-handlers.js';
import { ResponseUrls, type SlackDeps } from './deps.js';
import { slackFilesOrigin } from './files.js';
import { slackLogger } from './log.js';
import { registerModals } from './modals.js';
import { FastifyReceiver, slackEventsRoute } from './receiver.js';
import { postToResponseUrl } from './reply.js';
import { ReplayCache } from '../replay-cache.js';
import { parseSlackSettings } from './settings.js';
import { adminCheck, parseAdminIds } from './admins.js';
import { registerShortcuts } from './shortcuts.js';
import { SocketReceiver } from './socket-receiver.js';
import { createWebClient, explainForbidden } from './web-client.js';

export const mountSlack: MountAdapter = async (ctx) => {
  const { botToken, signingSecret, appToken, apiUrl } = ctx.config.slack;
  if (!botToken) throw new Error('Invalid configuration: SLACK_BOT_TOKEN is required for the Slack adapter');
  if (!appToken && !signingSecret) throw new Error('Invalid configuration: SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required with SLACK_BOT_TOKEN');
  const parsed = parseSlackSettings(ctx.env);
  if (!parsed.ok) throw new Error(parsed.message);
  const settings = parsed.settings;
  const log = ctx.logger.child({ platform: 'slack' });
  const web = createWebClient(botToken, apiUrl, log, settings.apiTimeoutMs);
  const responseUrls = new ResponseUrls(ctx.clock);
  // Slack's file host, plus SLACK_API_URL's origin (which gets the token on every Web API call anyway; in tests
  // it is the fake Slack that serves the files). Compared as origins: other services share 127.0.0.1 in tests.
  const fileOrigins = [...new Set([slackFilesOrigin, new URL(apiUrl).origin])];
  ctx.credentials?.register('slack', { origins: fileOrigins, headers: () => ({ authorization: `Bearer ${botToken}` }) });
  const adminIds = parseAdminIds(ctx.env.SLACK_ADMIN_USER_IDS);
  if (!adminIds.ok) throw new Error(adminIds.message);
  const adminChannelId = ctx.env.SLACK_ADMIN_CHANNEL_ID?.trim() || undefined;
  if (adminChannelId && !/^[CGD][A-Z0-9]{2,}$/.test(adminChannelId)) throw new Error('Invalid configuration: SLACK_ADMIN_CHANNEL_ID must be a Slack channel id (C…)');
  const deps: SlackDeps = { service: ctx.service, web, log, clock: ctx.clock, botToken, fileOrigins, settings, responseUrls, isAdmin: adminCheck(web, adminIds.ids, log) };

  const chat = new SlackChat({
    web,
    settings,
    ...(adminChannelId ? { adminChannelId } : {}),
    log,
    shareWeb: createWebClient(botToken, apiUrl, log, settings.apiTimeoutMs, 0),
    ...(ctx.uploads ? { uploads: ctx.uploads } : {}),
    clock: ctx.clock,
    // The intake checks membership before a job exists; this covers what it could not see (no read scope,
    // the bot removed meanwhile): the requester hears why, privately, while the command's response_url lives.
    onForbidden: async (job, failure) => {
      const url = responseUrls.forJob(job);
      const text = `Job \`${job.id}\`: ${explainForbidden(failure)}`;
      if (url) await postToResponseUrl(url, { response_type: 'ephemeral', replace_original: false, text });
    },
  });

  const replay = new ReplayCache(settings.replayWindowMs);
  const receiver = appToken
    ? new SocketReceiver({ appToken, apiUrl, log, clock: ctx.clock, replay })
    : new FastifyReceiver();
  // `authorize` instead of `token`: Bolt then makes no auth.test call of its own at construction; stembot's
  // listeners use their own WebClient. No Events API subscriptions, so ignoreSelf has nothing to filter.
  const bolt = new App({
    receiver,
    authorize: async () => ({ botToken }),
    ignoreSelf: false,
    convoStore: false,
    logger: slackLogger(log, 'bolt'),
    clientOptions: { slackApiUrl: web.slackApiUrl },
  });
  bolt.error(async (err) => log.error({ err }, 'slack listener failed'));
  registerCommands(bolt, deps);
  registerModals(bolt, deps);
  registerShortcuts(bolt, deps);
  registerActions(bolt, deps);

  if (receiver instanceof FastifyReceiver) {
    await ctx.app.register(
      slackEventsRoute({
        receiver,
        signingSecret: signingSecret!,
        clock: ctx.clock,
        toleranceSec: settings.signatureToleranceSec,
        ackTimeoutMs: settings.ackTimeoutMs,
        replay,
      }),
    );
  }

  return {
    chat,
    async start() {
      try {
        const me = await web.auth.test();
        log.info({ team: me.team, bot: me.user, mode: appToken ? 'socket' : 'http' }, 'slack connected');
      } catch (err) {
        // Not fatal: a Slack outage at start must not stop Discord or the callbacks; posts will retry.
        log.error({ err }, 'slack auth.test failed: check SLACK_BOT_TOKEN');
      }
      if (receiver instanceof SocketReceiver) {
        // Wait a little for the socket (so a test or a health check sees it up), never block start-up on it:
        // SocketModeClient keeps reconnecting on its own.
        const connecting = receiver.start().then(
          () => log.info('slack socket mode connected'),
          (err: unknown) => log.error({ err }, 'slack socket mode could not connect: check SLACK_APP_TOKEN'),
        );
        await Promise.race([connecting, new Promise((r) => setTimeout(r, settings.socketConnectWaitMs).unref())]);
      }
    },
    async stop() {
      if (receiver instanceof SocketReceiver) await receiver.stop().catch(() => undefined);
    },
  };
};
