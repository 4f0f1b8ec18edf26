// The doctor's checks in checklist order. None spends a Kie credit, posts a message or changes an app.
import type { Config } from '../../config.js';
import type { JobStore } from '../../core/ports.js';
import { checkDiscord } from './check-discord.js';
import { checkKie } from './check-kie.js';
import { checkPublicUrlRoutesBack, checkPublicUrlScheme } from './check-public-url.js';
import { checkRedis } from './check-redis.js';
import { checkSlack } from './check-slack.js';
import { checkStore } from './check-store.js';
import { probeKey } from './probe.js';
import { ok, type CheckResult } from './types.js';

export interface DoctorOptions {
  /** Inside the server: its open store (not a second one) and its own probe route (no listening). */
  store?: JobStore;
  /** CLI: listen on HOST:PORT for the PUBLIC_URL probe when nothing runs there. */
  listenIfFree: boolean;
}

export async function runDoctor(config: Config, o: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [ok('configuration', `valid (${config.demo ? 'demo mode' : 'Kie'}${config.discord.token ? ', Discord' : ''}${config.slack.botToken ? ', Slack' : ''})`)];
  results.push(await checkStore(config, o.store));
  results.push(await checkRedis(config));
  results.push(...(await checkKie(config)));
  results.push(checkPublicUrlScheme(config));
  const routed = await checkPublicUrlRoutesBack(config, { key: probeKey(config), listenIfFree: o.listenIfFree });
  if (routed) results.push(routed);
  results.push(...(await checkDiscord(config)));
  results.push(...(await checkSlack(config)));
  return results;
}
