// Standalone simulator: its own Fastify instance (buildSimulator, for inject-style tests) or a listening
// server on loopback (startSimulator, for tests, benchmarks and the CLI). Control routes are on by
// default here, since a standalone simulator is never the demo.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createSimulatorControl, type SimulatorControl } from './control.js';
import type { SimulatorOptions } from './options.js';
import { simulatorPlugin } from './plugin.js';

export interface BuildSimulatorOptions extends SimulatorOptions {
  logger?: FastifyServerOptions['logger'];
}

export interface StartSimulatorOptions extends BuildSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`: the Kie API URL and the File Upload URL at once. */
  url: string;
  control: SimulatorControl;
  app: FastifyInstance;
  close(): Promise<void>;
}

export function buildSimulator(opts: BuildSimulatorOptions = {}): { app: FastifyInstance; control: SimulatorControl } {
  const { logger = false, ...rest } = opts;
  const options: SimulatorOptions = { controlRoutes: true, ...rest };
  const app = Fastify({ logger });
  const control = createSimulatorControl(options);
  void app.register(simulatorPlugin, { ...options, control });
  return { app, control };
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { host = '127.0.0.1', port = 0, ...rest } = opts;
  const { app, control } = buildSimulator(rest);
  await app.listen({ host, port });
  const { port: bound } = app.server.address() as AddressInfo;
  // A wildcard listener is reached through loopback; IPv6 literals need brackets in a URL.
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${bound}`;
  if (rest.publicBaseUrl === undefined) control.setPublicBaseUrl(url);
  control.resume();
  return { url, control, app, close: () => app.close() };
}
