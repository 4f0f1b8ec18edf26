// The playground's entry point, a MountAdapter like Discord's and Slack's (../adapter.ts): one channel, one
// plugin, the limits from config. Answers the ChatPort so the outbox worker can deliver to it.
import type { ChatAdapter, MountAdapter } from '../adapter.js';
import { PlaygroundChat } from './chat-port.js';
import { playgroundPlugin } from './routes.js';

export const mountPlayground: MountAdapter = async (ctx): Promise<ChatAdapter> => {
  const { config, app } = ctx;
  const chat = new PlaygroundChat({
    dataDir: config.dataDir,
    maxFileBytes: config.tuning.playgroundMaxFileBytes,
    clock: ctx.clock,
  });
  await app.register(playgroundPlugin, {
    chat,
    jobs: ctx.service,
    dataDir: config.dataDir,
    // Kie takes at most this much; a larger upload could never become a job.
    maxUploadBytes: config.tuning.maxInputBytes,
    demo: config.demo,
    ...(config.playgroundPassword ? { password: config.playgroundPassword } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    clock: ctx.clock,
  });
  ctx.logger.info({ passwordProtected: Boolean(config.playgroundPassword), demo: config.demo }, 'playground served at /');
  return { chat };
};
