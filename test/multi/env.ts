// Where the multi-instance suites find PostgreSQL and Redis. Like test/store/postgres.test.ts: no silent pass
// and no skip — a run without the database (or Redis) fails with one test saying how to point it at one.
// CI (.ci/run) starts both and exports the variables.
import { expect, it } from 'vitest';

export const pgUrl = process.env.DATABASE_URL_TEST;
export const redisUrl = process.env.REDIS_URL_TEST;

export function failMissing(variable: 'DATABASE_URL_TEST' | 'REDIS_URL_TEST', what: string): void {
  const example = variable === 'DATABASE_URL_TEST' ? 'postgres://postgres@127.0.0.1:5432/test' : 'redis://127.0.0.1:6379';
  it(`GIVEN no ${variable} WHEN ${what} runs THEN it fails and says how to point it at a server`, () => {
    expect.fail(`${variable} is not set, so ${what} was not tested. Start the server and run with ${variable}=${example} npx vitest run test/multi`);
  });
}
