// Entry point: validate the environment (one clear line on a mistake), compose stembot, run it.
import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { runServer } from './http/server.js';
import { createStembot } from './stembot.js';

// A `.env` in the working directory is read when present (variables already set win).
if (existsSync('.env')) process.loadEnvFile('.env');

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const bot = await createStembot(loaded.config);
await runServer(bot, loaded.config.tuning.shutdownGraceMs);
