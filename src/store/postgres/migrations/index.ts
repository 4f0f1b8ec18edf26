// Numbered migrations, applied in order at start inside one locked transaction; `schema_migrations`
// remembers which ran. SQL lives in .ts string exports so `tsc` ships it in dist/ without a copy step.
import { m001Init } from './001-init.js';
import { m006Intake } from './006-intake.js';

export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'init', sql: m001Init },
  { version: 6, name: 'intake', sql: m006Intake },
];

/** Created before any numbered migration runs, so it is not one itself. */
export const schemaMigrationsDdl =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';
