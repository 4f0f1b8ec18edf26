// stembot's callback intake as it runs in production — createStembot with SQLite (WAL), the HMAC check,
// the URL guard, pino at `info` (to /dev/null) — started WITHOUT the outbox worker, so the benchmark times
// the intake alone (the delivery benchmark measures the worker). Kie is a stub that is never called: the
// jobs are written before start, already submitted, with polls far in the future.
// Env: the usual stembot variables, plus BENCH_JOBS_FILE (JSON [{token, taskId}]) and STEMBOT_TUNING.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loadConfig, type Tuning } from '../../src/config.js';
import { newJobId } from '../../src/core/ids.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot } from '../../src/stembot.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { unreachableKie } from '../../test/support/unreachable-kie.js';

const loaded = loadConfig(process.env, JSON.parse(process.env.STEMBOT_TUNING ?? '{}') as Partial<Tuning>);
if (!loaded.ok) throw new Error(loaded.message);
const stubKie = unreachableKie('benchmark stub');
const specs = JSON.parse(readFileSync(process.env.BENCH_JOBS_FILE!, 'utf8')) as { token: string; taskId: string }[];
// Written before stembot starts (a long synchronous loop after start would read as an overload), in one
// transaction: 80,000+ jobs one by one would take longer than the benchmark itself.
const store = new SqliteJobStore(loaded.config.databaseUrl.slice('sqlite:'.length));
await store.migrate();
await store.close();
const db = new Database(loaded.config.databaseUrl.slice('sqlite:'.length));
const now = Date.now();
const insert = db.prepare(
  `INSERT INTO jobs (id, platform, workspace_id, channel_id, user_id, user_name, origin_meta, kind, params, input, input_name,
     callback_token, task_id, state, created_at, updated_at, submitted_at, next_poll_at)
   VALUES (?, 'discord', ?, ?, ?, ?, '{}', 'separate', ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?)`,
);
const params = JSON.stringify({ kind: 'separate', mode: 'stems' });
db.transaction(() => {
  for (const [i, s] of specs.entries()) {
    const input = JSON.stringify({ type: 'url', url: `https://audio.example/${i}.mp3`, name: `${i}.mp3` });
    insert.run(newJobId(), `w${i % 50}`, `c${i}`, `u${i}`, `user ${i}`, params, input, `${i}.mp3`, s.token, s.taskId, now, now, now, now + 3_600_000);
  }
})();
db.close();

const logger = createLogger(loaded.config.logLevel, pino.destination({ dest: '/dev/null', sync: false }) as never);
const bot = await createStembot(loaded.config, { kie: stubKie, worker: false, logger, collectDefaultMetrics: false });
const url = await bot.start(0, '127.0.0.1');
process.stdout.write(`READY ${url}\n`);
process.once('SIGTERM', () => void bot.stop().then(() => process.exit(0)));
