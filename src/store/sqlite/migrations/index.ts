// Numbered migrations, applied in order at start; `schema_migrations` remembers which ran.
import { m001Init } from './001-init.js';
import { m003Spend } from './003-spend.js';

export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'init', sql: m001Init },
  { version: 3, name: 'spend', sql: m003Spend },
];
