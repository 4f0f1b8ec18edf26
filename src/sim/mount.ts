// Demo mode: the simulator mounted on stembot's own Fastify server under `/kie-sim`. Registered before
// listen (Fastify needs its routes up front); told its address after listen through `attach`, because
// only then is the port known. Control routes stay off: the demo server may face the network.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { createSimulatorControl, type SimulatorControl } from './control.js';
import type { SimulatorOptions } from './options.js';
import { simulatorPlugin } from './plugin.js';

export const SIM_PREFIX = '/kie-sim';

export interface MountedSimulator {
  control: SimulatorControl;
  prefix: string;
  /** Sets the simulator's public base from the server's base URL; answers the Kie API (and upload) URL. */
  attach(baseUrl: string): string;
  close(): Promise<void>;
}

export async function mountSimulator(app: FastifyInstance, config: Config, opts: SimulatorOptions = {}): Promise<MountedSimulator> {
  // Callbacks are signed with the key stembot verifies, so demo mode exercises the same check as production.
  // Tasks and uploads live in the data folder, so a restart of the demo finishes the jobs it was running.
  const control = createSimulatorControl({ hmacKey: config.kie.webhookHmacKey, stateDir: join(config.dataDir, 'kie-sim'), ...opts, controlRoutes: false });
  await app.register(simulatorPlugin, { prefix: SIM_PREFIX, control, controlRoutes: false });
  return {
    control,
    prefix: SIM_PREFIX,
    attach(baseUrl) {
      const url = `${baseUrl.replace(/\/+$/, '')}${SIM_PREFIX}`;
      control.setPublicBaseUrl(url);
      // The server listens now: restored tasks may call back to it.
      control.resume();
      return url;
    },
    close: () => control.close(),
  };
}
