// Scripts the benchmarks start as stembot processes (test/support/stembot-process.ts spawns them).
import { fileURLToPath } from 'node:url';

/** The full stembot of the chaos run (worker, poller, HTTP chat port, test-only submit routes). */
export const chaosEntry = fileURLToPath(new URL('../../test/support/stembot-entry.ts', import.meta.url));
