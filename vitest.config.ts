import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Suites start real servers on 127.0.0.1 and real databases; forks keep native modules isolated.
    pool: 'forks',
    // The Postgres and Redis suites use the machine's own servers on their standard ports unless told otherwise.
    env: {
      DATABASE_URL_TEST: process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL_TEST: process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379',
    },
  },
});
