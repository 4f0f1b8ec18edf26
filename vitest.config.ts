import { defineConfig } from 'vitest/config';

// Two projects: `unit` (unit, contract, end-to-end against in-process fakes; `npm run test:unit`, about a
// minute) and `process` (suites that start several processes or run long property-based campaigns:
// multi-instance, fuzz, chaos). `npm test` runs both.
const processSuites = ['test/multi/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/chaos/**/*.test.ts'];

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
      { test: { ...shared, name: 'unit', include: ['test/**/*.test.ts'], exclude: processSuites } },
      { test: { ...shared, name: 'process', include: processSuites } },
    ],
  },
});
