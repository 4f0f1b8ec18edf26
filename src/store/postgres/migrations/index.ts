// Numbered migrations, applied in order at start inside one locked transaction; `schema_migrations`
// remembers which ran. SQL lives in .ts string exports so `tsc` ships it in dist/ without a copy step.
import { m001Init } from './001-init.js';
import { m002Kv } from './002-kv.js';
import { m003Spend } from './003-spend.js';
import { m005ScrubCredentials } from './005-scrub-credentials.js';
import { m006Intake } from './006-intake.js';
import { m008SlackUploads } from './008-slack-uploads.js';
import { m009SubmitStarted } from './009-submit-started.js';

export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'init', sql: m001Init },
  { version: 2, name: 'kv', sql: m002Kv },
  { version: 3, name: 'spend', sql: m003Spend },
  { version: 5, name: 'scrub-credentials', sql: m005ScrubCredentials },
  { version: 6, name: 'intake', sql: m006Intake },
  { version: 8, name: 'slack-uploads', sql: m008SlackUploads },
  { version: 9, name: 'submit-started', sql: m009SubmitStarted },
];

/** Created before any numbered migration runs, so it is not one itself. */
export const schemaMigrationsDdl =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';
