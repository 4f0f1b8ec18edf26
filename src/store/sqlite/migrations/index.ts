// Numbered migrations, applied in order at start; `schema_migrations` remembers which ran.
import { m001Init } from './001-init.js';
import { m006Intake } from './006-intake.js';

export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'init', sql: m001Init },
  { version: 6, name: 'intake', sql: m006Intake },
];
