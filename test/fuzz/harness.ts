// A real stembot app (createStembot: Fastify, error handler, load shedding, callback route, and the Discord /
// Slack adapters when their variables are given) on a real SQLite file, driven with `inject` only — never
// listening, so no worker, poller or gateway runs. `snapshot()` reads the store through a second, read-only
// connection: row counts of jobs / job_events / outbox and every job's mutable columns.
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Tuning } from '../../src/config.js';
import { newCallbackToken, newJobId } from '../../src/core/ids.js';
import type { JobParams, JobState } from '../../src/core/types.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot, type Stembot } from '../../src/stembot.js';
import { unreachableKie } from '../support/unreachable-kie.js';

export interface SeededJob {
  id: string;
  token: string;
  /** null: not submitted to Kie yet. */
  taskId: string | null;
  kind: JobParams['kind'];
}

export interface Intake {
  bot: Stembot;
  jobs: SeededJob[];
  snapshot(): string;
  states(): Map<string, JobState>;
  close(): Promise<void>;
}

const stubKie = unreachableKie('fuzz stub');

const kinds: JobParams[] = [
  { kind: 'separate', mode: 'vocals' },
  { kind: 'separate', mode: 'stems' },
  { kind: 'add_vocals', title: 'River Song', prompt: 'a folk song', style: 'Folk' },
  { kind: 'add_instrumental', title: 'River Song', tags: 'folk' },
];

/** Jobs of every kind, submitted; plus one still queued (no Kie task) and one already complete. */
export async function startIntake(env: Record<string, string> = {}, tuning: Partial<Tuning> = {}): Promise<Intake> {
  const dir = await mkdtemp(join(tmpdir(), 'stembot-fuzz-'));
  const dbPath = join(dir, 'stembot.db');
  const fullEnv = { KIE_API_KEY: 'fuzz-key', DATABASE_URL: `sqlite:${dbPath}`, DATA_DIR: dir, LOG_LEVEL: 'silent', ...env };
  const loaded = loadConfig(fullEnv, { maxActivePerUser: 0, maxActivePerWorkspace: 0, ...tuning });
  if (!loaded.ok) throw new Error(loaded.message);
  const bot = await createStembot(loaded.config, { kie: stubKie, worker: false, logger: createLogger('silent'), collectDefaultMetrics: false, env: fullEnv });
  const now = Date.now();
  const jobs: SeededJob[] = [];
  for (const [i, params] of [...kinds, kinds[0]!, kinds[2]!].entries()) {
    const job = await bot.store.createJob(
      {
        id: newJobId(), platform: 'discord', workspaceId: 'g1', channelId: 'c1', userId: `u${i}`, userName: 'fuzz', originMeta: {},
        kind: params.kind, params, input: { type: 'url', url: 'https://audio.example/song.mp3', name: 'song.mp3' }, inputName: 'song.mp3',
        callbackToken: newCallbackToken(), createdAt: now,
      },
      ['open', 'submit'],
    );
    const taskId = i === 4 ? null : `task${String(i).padStart(28, '0')}`;
    if (taskId) await bot.store.markSubmitted(job.id, taskId, now, now + 3_600_000);
    if (i === 5) await bot.store.applyEvent(job.id, { taskId: taskId!, source: 'poll', stage: 'complete', files: [] }, now);
    jobs.push({ id: job.id, token: job.callbackToken, taskId, kind: params.kind });
  }
  await bot.app.ready();
  const db = new Database(dbPath, { readonly: true });
  const all = (sql: string) => db.prepare(sql).all();
  return {
    bot,
    jobs,
    snapshot: () =>
      JSON.stringify([
        all('SELECT (SELECT COUNT(*) FROM jobs) AS jobs, (SELECT COUNT(*) FROM job_events) AS events, (SELECT COUNT(*) FROM outbox) AS outbox'),
        all('SELECT id, state, task_id, files, failure, delivered, last_callback_at, next_poll_at, updated_at, finished_at FROM jobs ORDER BY id'),
      ]),
    states: () => new Map((all('SELECT id, state FROM jobs') as { id: string; state: JobState }[]).map((r) => [r.id, r.state])),
    async close() {
      db.close();
      await bot.app.close();
      await bot.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const rank: Record<JobState, number> = { queued: 0, submitted: 1, text: 2, first: 3, complete: 4, failed: 4, cancelled: 4 };

/** Forward-only (docs/conventions.md): no job went back, and no terminal job changed state. */
export function movedOnlyForward(before: Map<string, JobState>, after: Map<string, JobState>): boolean {
  for (const [id, from] of before) {
    const to = after.get(id)!;
    if (rank[to] < rank[from]) return false;
    if ((from === 'complete' || from === 'failed') && to !== from) return false;
  }
  return true;
}

/** A task id no job has. */
export const strangerTaskId = 'f'.repeat(32);

/**
 * Waits (bounded) until the store has not changed for `stableMs`: an adapter may finish a command after its
 * HTTP answer (Bolt and the Discord handler answer first, then create the job).
 */
export async function quiet(intake: Intake, stableMs = 80, maxMs = 3_000): Promise<string> {
  let last = intake.snapshot();
  let since = Date.now();
  for (const deadline = Date.now() + maxMs; Date.now() < deadline && Date.now() - since < stableMs; ) {
    await new Promise((r) => setTimeout(r, 20));
    const now = intake.snapshot();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}
