// Demo mode: the simulator mounted on stembot's own Fastify server under `/kie-sim`. Registered before
// listen (Fastify needs its routes up front); told its address after listen through `attach`, because
// only then is the port known. Control routes stay off: the demo server may face the network.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { createSimulatorControl, type SimulatorControl } from './control.js';
import type { SimulatorOptions } from './options.js';
import { simulatorPlugin } from './plugin.js';
import { AllowList, checkUrlSyntax } from '../delivery/address-guard.js';

const SIM_PREFIX = '/kie-sim';

export interface MountedSimulator {
  control: SimulatorControl;
  prefix: string;
  /** Sets the simulator's public base from the server's base URL; answers the Kie API (and upload) URL. */
  attach(baseUrl: string): string;
  close(): Promise<void>;
}

export async function mountSimulator(app: FastifyInstance, config: Config, opts: SimulatorOptions = {}): Promise<MountedSimulator> {
  // The demo simulator accepts any bearer, so whoever reaches stembot reaches it: it must not fetch or post to
  // addresses a caller picks. File URLs pass the stem downloader's public-address check (DOWNLOAD_ALLOW_HOSTS
  // included) or name the simulator's own files; callbacks go to stembot's own callback route only.
  const allow = new AllowList(config.downloadAllowHosts);
  let serverBase: string | undefined;
  const callbackBases = () => [serverBase, config.publicUrl].filter((b): b is string => Boolean(b));
  // Callbacks are signed with the key stembot verifies, so demo mode exercises the same check as production.
  // Tasks and uploads live in the data folder, so a restart of the demo finishes the jobs it was running.
  const control = createSimulatorControl({
    hmacKey: config.kie.webhookHmacKey,
    stateDir: join(config.dataDir, 'kie-sim'),
    fileUrlGuard: (url) => checkUrlSyntax(url, allow),
    callbackUrlAllowed: (url) => callbackBases().some((b) => isCallbackRoute(url, b)),
    ...opts,
    controlRoutes: false,
  });
  await app.register(simulatorPlugin, { prefix: SIM_PREFIX, control, controlRoutes: false });
  return {
    control,
    prefix: SIM_PREFIX,
    attach(baseUrl) {
      serverBase = baseUrl;
      const url = `${baseUrl.replace(/\/+$/, '')}${SIM_PREFIX}`;
      control.setPublicBaseUrl(url);
      // The server listens now: restored tasks may call back to it.
      control.resume();
      return url;
    },
    close: () => control.close(),
  };
}

/** Whether `raw` is `<base>/callbacks/kie/…` (same origin, no credentials, under base's path). */
function isCallbackRoute(raw: string, base: string): boolean {
  if (!URL.canParse(raw) || !URL.canParse(base)) return false;
  const url = new URL(raw);
  const b = new URL(base);
  if (url.origin !== b.origin || url.username || url.password) return false;
  return url.pathname.startsWith(`${b.pathname.replace(/\/+$/, '')}/callbacks/kie/`);
}
