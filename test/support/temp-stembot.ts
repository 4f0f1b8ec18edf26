// A whole stembot (createStembot, no outbox worker, silent, no default metrics) on a throw-away SQLite file in
// its own temp dir: for tests that attack the real app through inject or a real port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Tuning } from '../../src/config.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot, type Stembot } from '../../src/stembot.js';

export interface TempStembot {
  bot: Stembot;
  /** Stops the bot and removes its directory. */
  dispose(): Promise<void>;
}

/** `env` is added to the SQLite/DATA_DIR/silent defaults; the event-loop-delay shedder is off unless `tuning` says otherwise. */
export async function tempStembot(prefix: string, env: Record<string, string> = {}, tuning: Partial<Tuning> = { shedEventLoopDelayMs: 0 }): Promise<TempStembot> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dispose = async (bot?: Stembot) => {
    await bot?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const loaded = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, DATA_DIR: dir, LOG_LEVEL: 'silent', ...env }, tuning);
  if (!loaded.ok) {
    await dispose();
    throw new Error(loaded.message);
  }
  const bot = await createStembot(loaded.config, { logger: createLogger('silent'), collectDefaultMetrics: false, worker: false });
  return { bot, dispose: () => dispose(bot) };
}
