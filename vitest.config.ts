import { defineConfig } from 'vitest/config';

// Two projects. `unit`: unit, contract and end-to-end suites against in-process fakes (`npm run test:unit`).
// `process`: suites that start other processes — several stembot instances, stembot as a child process,
// Chromium — run long property-based campaigns, or depend on real time: multi-instance, fuzz, chaos, the
// browser, start-up and Docker checks, checkpoint timing, spend queues. `npm test` runs both.
const processSuites = [
  'test/multi/**/*.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/chaos/**/*.test.ts',
  'test/playground/browser*.test.ts',
  'test/ops/docker.test.ts',
  'test/ops/doctor-cli.test.ts',
  'test/ops/startup-errors.test.ts',
  'test/e2e/unconfirmed-submit.test.ts',
  // Time-sensitive: a worker thread against a file's growth; queue positions against Kie's window in real time.
  // They run alone, not beside four other suites at once.
  'test/store/sqlite-checkpoints.test.ts',
  'test/e2e/spend.test.ts',
  'test/discord/e2e-spend.test.ts',
  'test/slack/spend.test.ts',
];

const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
  // Suites start real servers on 127.0.0.1 and real databases; forks keep native modules isolated.
  pool: 'forks' as const,
  // The Postgres and Redis suites use the machine's own servers on their standard ports unless told otherwise.
  env: {
    DATABASE_URL_TEST: process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL_TEST: process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379',
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: processSuites,
          // These suites mostly wait on sockets and timers, not the CPU: four at once on two cores instead of
          // vitest's default of one worker there; each worker keeps its modules between files (no re-import).
          maxWorkers: 4,
          isolate: false,
          // `npm test` runs this project first, then `process`, so the two never compete for the cores.
          sequence: { groupOrder: 0 },
        },
      },
      { test: { ...shared, name: 'process', include: processSuites, sequence: { groupOrder: 1 } } },
    ],
  },
});
