// `npm run doctor` / `docker run … stembot doctor` (both `node dist/main.js doctor`): the checklist for this
// environment (the same variables and `.env` as the server), exit 1 when any check fails. Safe next to a running server (see
// check-public-url.ts) and spends no Kie credit.
import { parseDiscordEnv } from '../../chat/discord/settings.js';
import { parseSlackSettings } from '../../chat/slack/settings.js';
import { loadConfig } from '../../config.js';
import { checklistLines, hasFailure, summaryLine } from './print.js';
import { runDoctor } from './run.js';

export async function doctorCli(env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const loaded = loadConfig(env);
  const adapterProblem = [parseSlackSettings(env), parseDiscordEnv(env)].find((r) => !r.ok);
  if (!loaded.ok || adapterProblem) {
    const message = !loaded.ok ? loaded.message : (adapterProblem as { message: string }).message;
    out(`✘ configuration — ${message.replace(/^Invalid configuration: /, '')}`);
    out('doctor: 0 ok, 0 warnings, 1 failed (configuration)');
    return 1;
  }
  const results = await runDoctor(loaded.config, { listenIfFree: true });
  for (const line of checklistLines(results)) out(line);
  out(summaryLine(results));
  return hasFailure(results) ? 1 : 0;
}
