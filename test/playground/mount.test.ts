import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { mountPlayground } from '../../src/chat/playground/mount.js';
import { defaults, loadConfig } from '../../src/config.js';
import { systemClock, type JobsApi } from '../../src/core/ports.js';
import { createLogger } from '../../src/ops/logger.js';
import { jobFrom, tempDir } from './fixtures.js';

const noJobs: JobsApi = {
  submit: async () => ({ ok: false, code: 'USER_CAP', message: 'no' }),
  get: async () => undefined,
  listForUser: async () => [],
  redeliver: async () => ({ ok: false, message: 'no' }),
  cancel: async () => ({ ok: false, message: 'no' }),
  credits: async () => 'no',
  resubmit: async () => ({ ok: false, message: 'no' }),
};

describe('mountPlayground', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  afterEach(() => dir.remove());

  it('GIVEN the configuration WHEN the playground is mounted THEN it serves the page with the configured limits and password', async () => {
    dir = await tempDir();
    const loaded = loadConfig({ DATA_DIR: dir.path, PLAYGROUND_PASSWORD: 'pw' });
    if (!loaded.ok) throw new Error(loaded.message);
    const app = Fastify();
    const { chat } = await mountPlayground({ app, config: loaded.config, service: noJobs, logger: createLogger('silent'), clock: systemClock, env: {} });
    try {
      expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
      const session = await app.inject({ method: 'GET', url: '/playground/api/session' });
      expect(session.json()).toEqual({ authRequired: true, authenticated: false, userName: 'You', maxUploadBytes: defaults.maxInputBytes, demo: true });
      expect(chat.platform).toBe('playground');
      const job = jobFrom({ origin: { platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'u', userName: 'U' }, input: { type: 'url', url: 'https://e.com/a.mp3', name: 'a.mp3' }, params: { kind: 'separate', mode: 'vocals' } }, 'j', 0);
      expect(chat.limits(job)).toEqual({ maxFileBytes: defaults.playgroundMaxFileBytes, maxFilesPerMessage: 10 });
    } finally {
      await app.close();
    }
  });
});
