// The doctor at start: in the background once the server listens, one summary line in the log (the
// details as fields). It never stops stembot: a warning or a failure is for the operator to read.
import type { Stembot } from '../../stembot.js';
import { hasFailure, summaryLine } from './print.js';
import { runDoctor } from './run.js';

export function startDoctorInBackground(bot: Pick<Stembot, 'config' | 'store' | 'app'>): Promise<void> {
  return runDoctor(bot.config, { store: bot.store, listenIfFree: false }).then(
    (results) => {
      const checks = results.filter((r) => r.status !== 'skip').map((r) => ({ name: r.name, status: r.status, detail: r.detail }));
      const level = hasFailure(results) ? 'warn' : 'info';
      bot.app.log[level]({ checks }, `${summaryLine(results)} — run \`npm run doctor\` for the checklist`);
    },
    (err: unknown) => bot.app.log.warn({ err }, 'doctor: the start-up checks could not run'),
  );
}
