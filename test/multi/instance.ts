// One real stembot process for the two-instance test: `node --import tsx test/multi/instance.ts`.
// The production composition (createStembot + runServer) with two test-only additions: chat goes to the
// shared fake chat server (FAKE_CHAT_URL) through HttpChatPort, and `POST /test/jobs` submits a job the way
// a chat adapter would (JobsApi.submit), since the fake chat has no command intake of its own.
// STEMBOT_TEST_TUNING (JSON) overrides tuning numbers: short leases, a small Kie window.
import { loadConfig, type Tuning } from '../../src/config.js';
import type { SeparationMode } from '../../src/core/types.js';
import { runServer } from '../../src/http/server.js';
import { createStembot } from '../../src/stembot.js';
import { HttpChatPort } from './http-chat-port.js';

const tuning = JSON.parse(process.env.STEMBOT_TEST_TUNING ?? '{}') as Partial<Tuning>;
const loaded = loadConfig(process.env, tuning);
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const instance = process.env.INSTANCE_NAME ?? 'instance';
const chat = new HttpChatPort(process.env.FAKE_CHAT_URL!, instance);
const bot = await createStembot(loaded.config, { chat: { playground: chat }, collectDefaultMetrics: false });

bot.app.post<{ Body: { url: string; mode: SeparationMode; user: string } }>('/test/jobs', async (req, reply) => {
  const { url, mode, user } = req.body;
  const r = await bot.service.submit({
    origin: { platform: 'playground', workspaceId: 'multi', channelId: 'multi', userId: user, userName: user },
    input: { type: 'url', url, name: new URL(url).pathname.split('/').pop()! },
    params: { kind: 'separate', mode },
  });
  return r.ok ? reply.code(202).send({ jobId: r.job.id, instance }) : reply.code(400).send({ code: r.code, message: r.message });
});

await runServer(bot, loaded.config.tuning.shutdownGraceMs);
process.stdout.write(`STEMBOT_READY ${instance} pid=${process.pid}\n`);
