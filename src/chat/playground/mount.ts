// How the composition root (src/stembot.ts) puts the playground on the app: one channel, one plugin, the
// limits from config. Answers the ChatPort so the outbox worker can deliver to it.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Clock, JobsApi } from '../../core/ports.js';
import { PlaygroundChat } from './chat-port.js';
import { playgroundPlugin } from './routes.js';

export interface MountPlaygroundOptions {
  config: Pick<Config, 'dataDir' | 'demo' | 'playgroundPassword' | 'tuning'> & Partial<Pick<Config, 'publicUrl'>>;
  /** The core (JobService) as adapters see it. */
  service: JobsApi;
  logger?: { info(obj: object, msg: string): void };
  clock?: Clock;
}

export async function mountPlayground(app: FastifyInstance, opts: MountPlaygroundOptions): Promise<PlaygroundChat> {
  const { config } = opts;
  const chat = new PlaygroundChat({
    dataDir: config.dataDir,
    maxFileBytes: config.tuning.playgroundMaxFileBytes,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  await app.register(playgroundPlugin, {
    chat,
    jobs: opts.service,
    dataDir: config.dataDir,
    // Kie takes at most this much; a larger upload could never become a job.
    maxUploadBytes: config.tuning.maxInputBytes,
    demo: config.demo,
    ...(config.playgroundPassword ? { password: config.playgroundPassword } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  opts.logger?.info({ passwordProtected: Boolean(config.playgroundPassword), demo: config.demo }, 'playground served at /');
  return chat;
}
