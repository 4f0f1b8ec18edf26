// The stembot process the chaos run kills (and the delivery / submission benchmarks measure): the real
// composition (createStembot: SQLite, callback route, outbox worker, poller, Kie client) with the HTTP
// ChatPort as `discord` and the test-only routes. Configured by the usual environment plus
//   CHAOS_CHAT_URL        the fake chat server's API base
//   CHAOS_MAX_FILE_BYTES  per-file limit of that chat (default 10 MiB, Discord's)
//   STEMBOT_TUNING        JSON overrides of config `defaults` (short retries, leases, polls)
//   CHAOS_CHAT=discordjs  use the production DiscordChat instead, with CHAOS_DISCORD_TOKEN
//   CHAOS_CHAT=slack      use the production SlackChat (wired as mount.ts wires it) against CHAOS_SLACK_API_URL;
//                         jobs are then Slack jobs (CHAOS_PLATFORM=slack)
// Prints `READY <url>` once listening. SIGTERM stops gracefully; SIGKILL is the point.
import { DiscordChat } from '../../src/chat/discord/chat-port.js';
import { SlackChat } from '../../src/chat/slack/chat-port.js';
import { slackDefaults } from '../../src/chat/slack/settings.js';
import { createWebClient } from '../../src/chat/slack/web-client.js';
import { createRest } from '../../src/chat/discord/rest.js';
import { loadConfig, type Tuning } from '../../src/config.js';
import type { ChatPort, JobStore } from '../../src/core/ports.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot } from '../../src/stembot.js';
import { HttpChatPort } from './http-chat-port.js';
import { testRoutes } from './test-routes.js';

const env = process.env;
const tuning = JSON.parse(env.STEMBOT_TUNING ?? '{}') as Partial<Tuning>;
const loaded = loadConfig(env, tuning);
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(2);
}
const config = loaded.config;
const apiUrl = env.CHAOS_CHAT_URL ?? 'http://127.0.0.1:9/api';
const http = new HttpChatPort({ apiUrl, maxFileBytes: Number(env.CHAOS_MAX_FILE_BYTES ?? 10 * 1024 * 1024) });
// As mountDiscord builds it: discord.js REST for JSON, stems streamed from disk over HTTP (file-post.ts).
const token = env.CHAOS_DISCORD_TOKEN ?? '';
const logger = createLogger(config.logLevel);
// The store exists once createStembot has opened it; SlackChat records its uploads there.
let store: JobStore | undefined;
const slackApi = env.CHAOS_SLACK_API_URL ?? 'http://127.0.0.1:9/slack/api/';
const chat: ChatPort =
  env.CHAOS_CHAT === 'discordjs'
    ? new DiscordChat({ rest: createRest({ apiUrl, token }), files: { apiUrl, token, timeoutMs: 120_000, maxRateLimitWaitMs: 30_000 } })
    : env.CHAOS_CHAT === 'slack'
      ? new SlackChat({
          web: createWebClient('xoxb-chaos', slackApi, logger, slackDefaults.apiTimeoutMs),
          shareWeb: createWebClient('xoxb-chaos', slackApi, logger, slackDefaults.apiTimeoutMs, 0),
          uploads: { recordUploads: (...a) => store!.recordUploads(...a), recordedUploads: (k) => store!.recordedUploads(k) },
          settings: slackDefaults,
          log: logger,
        })
      : http;
const bot = await createStembot(config, {
  logger,
  chat: { [chat.platform]: chat },
  collectDefaultMetrics: false,
});
store = bot.store;
await bot.app.register(async (app) => testRoutes(app, bot));
const url = await bot.start(config.port, config.host);
process.stdout.write(`READY ${url}\n`);

process.once('SIGTERM', () => {
  void bot
    .stop()
    .then(() => http.close())
    .then(() => process.exit(0), () => process.exit(1));
});
