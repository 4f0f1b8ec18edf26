// One playground on a temp dir: the real chat port and routes in a Fastify app, the fake core behind them.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { PlaygroundChat } from '../../src/chat/playground/chat-port.js';
import { playgroundPlugin, type PlaygroundPluginOptions } from '../../src/chat/playground/routes.js';
import { FakeJobs } from './fake-jobs.js';
import { tempDir, wav } from './fixtures.js';

export interface Playground {
  app: FastifyInstance;
  chat: PlaygroundChat;
  jobs: FakeJobs;
  dataDir: string;
  stem: Buffer;
  /** Files left in `<dataDir>/uploads`. */
  uploads(): Promise<string[]>;
  close(): Promise<void>;
}

/** `dataDir` reuses another playground's data dir (a restart); it is then left for that one to remove. */
export async function startPlayground(extra: Partial<PlaygroundPluginOptions> = {}, dataDir?: string): Promise<Playground> {
  const dir = dataDir ? { path: dataDir, remove: async () => {} } : await tempDir();
  const scratch = join(dir.path, 'outbox-tmp');
  await mkdir(scratch, { recursive: true });
  const stem = wav();
  const chat = new PlaygroundChat({ dataDir: dir.path, maxFileBytes: 10 * 1024 * 1024 });
  const jobs = new FakeJobs(chat, stem, scratch);
  const app = Fastify();
  await app.register(playgroundPlugin, { chat, jobs, dataDir: dir.path, maxUploadBytes: 64 * 1024, ...extra });
  await app.ready();
  return {
    app,
    chat,
    jobs,
    dataDir: dir.path,
    stem,
    uploads: () => readdir(join(dir.path, 'uploads')),
    async close() {
      await jobs.settled();
      await app.close();
      await dir.remove();
    },
  };
}
