// The only place that owns the process: listen, print where to go, and shut down gracefully on
// SIGTERM/SIGINT (finish in-flight steps, or leave them in the outbox for the next start).
import type { Stembot } from '../stembot.js';

export async function runServer(bot: Stembot, graceMs: number): Promise<void> {
  const url = await bot.start();
  const { config } = bot;
  const shown = config.publicUrl ?? url;
  if (config.playgroundEnabled) {
    process.stdout.write(`\n  stembot ${config.demo ? 'demo ' : ''}is running — open ${shown}/ in your browser\n\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    bot.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      bot.app.log.warn('shutdown grace period over; remaining work stays in the outbox');
      process.exit(0);
    }, graceMs);
    timer.unref();
    try {
      await bot.stop();
      process.exit(0);
    } catch (err) {
      bot.app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
