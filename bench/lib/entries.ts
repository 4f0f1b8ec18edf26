// Scripts the benchmarks start as stembot processes (test/support/process.ts spawns them).
import { fileURLToPath } from 'node:url';

/** The full stembot of the chaos run (worker, poller, HTTP chat port, test-only submit routes). */
export const chaosEntry = fileURLToPath(new URL('../../test/chaos/stembot-entry.ts', import.meta.url));
