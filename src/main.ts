// Entry point: validate the environment (one clear line on a mistake), compose stembot, run it.
import { existsSync } from 'node:fs';
import { parseDiscordEnv } from './chat/discord/settings.js';
import { parseSlackSettings } from './chat/slack/settings.js';
import { loadConfig } from './config.js';
import { runServer } from './http/server.js';
import { startDoctorInBackground } from './ops/doctor/at-start.js';
import { prepareDataDir, startupErrorLine } from './ops/startup-error.js';
import { createStembot } from './stembot.js';

// A `.env` in the working directory is read when present (variables already set win).
if (existsSync('.env')) process.loadEnvFile('.env');

// `node dist/main.js doctor` (npm run doctor, `docker run … stembot doctor`): the deployment checklist.
// `discord:register` likewise, so the image's ENTRYPOINT (node dist/main.js) runs both.
const command = process.argv[2];
if (command === 'doctor') {
  const { doctorCli } = await import('./ops/doctor/cli.js');
  process.exit(await doctorCli(process.env, (line) => process.stdout.write(`${line}\n`)));
}
if (command === 'discord:register') await import('./chat/discord/register-cli.js'); // exits itself
if (command !== undefined) {
  process.stderr.write(`Unknown command "${command}": run without one to start stembot, or use doctor or discord:register.\n`);
  process.exit(1);
}

/** One line on stderr, exit 1: what a failed start-up looks like (src/ops/startup-error.ts). */
function die(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

const loaded = loadConfig(process.env);
if (!loaded.ok) die(loaded.message);
const config = loaded.config;
// The adapters' own variables, checked before anything opens: a bad value is a bad value even if that
// adapter is not configured yet.
for (const r of [parseSlackSettings(process.env), parseDiscordEnv(process.env)]) if (!r.ok) die(r.message);
try {
  prepareDataDir(config.dataDir);
  const bot = await createStembot(config);
  await runServer(bot, config.tuning.shutdownGraceMs);
  startDoctorInBackground(bot);
} catch (err) {
  if (config.logLevel === 'debug' || config.logLevel === 'trace') process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  die(startupErrorLine(err, config));
}
