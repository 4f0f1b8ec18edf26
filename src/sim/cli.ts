// A standalone fake Kie: `node dist/sim/cli.js` or `tsx src/sim/cli.ts`. Point stembot's KIE_API_URL and
// KIE_UPLOAD_URL at the printed URL. Environment: SIM_HOST (127.0.0.1), SIM_PORT (4010), SIM_HMAC_KEY,
// SIM_API_KEY (require this bearer), SIM_SPEED (1), SIM_SCENARIO (happy), SIM_PUBLIC_URL (URL base of files).
import { isScenarioName, scenarioNames } from './scenarios.js';
import { startSimulator } from './server.js';

function fail(message: string): never {
  process.stderr.write(`kie-sim: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env.SIM_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('SIM_PORT must be a port number');
  const speed = Number(env.SIM_SPEED ?? 1);
  if (!(speed > 0)) fail('SIM_SPEED must be a positive number');
  const scenario = env.SIM_SCENARIO ?? 'happy';
  if (!isScenarioName(scenario)) fail(`SIM_SCENARIO must be one of ${scenarioNames.join(', ')}`);

  const sim = await startSimulator({
    host: env.SIM_HOST || '127.0.0.1',
    port,
    speed,
    defaultScenario: scenario,
    ...(env.SIM_HMAC_KEY ? { hmacKey: env.SIM_HMAC_KEY } : {}),
    ...(env.SIM_API_KEY ? { apiKey: env.SIM_API_KEY } : {}),
    ...(env.SIM_PUBLIC_URL ? { publicBaseUrl: env.SIM_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    logger: { level: env.LOG_LEVEL ?? 'info' },
  });
  process.stdout.write(`Kie simulator listening on ${sim.url}\n`);
  process.stdout.write(`  KIE_API_URL=${sim.url} KIE_UPLOAD_URL=${sim.url}\n`);
  process.stdout.write(`  scenarios: ${scenarioNames.join(', ')} (POST ${sim.url}/__sim/script)\n`);

  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
