// Migration 5 (scrub-credentials): rows written before it may hold the Slack bot token in the job input
// (`authHeader`). After the migration, no row does, and nothing else in the input changed.
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AudioInput } from '../../src/core/types.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { newJob } from '../contract/job-store.contract.js';
import { dropSchemas, freshSchema, pgTestUrl, queryIn, storeIn } from './pg-schemas.js';

const TOKEN = 'xoxb-old-row-token';
const oldSlackInput = { type: 'private_url', url: 'https://files.slack.com/files-pri/T1-F1/song.wav', name: 'song.wav', authHeader: `Bearer ${TOKEN}`, bytes: 42 } as AudioInput;
// The token goes; the row keeps saying whose file it is, so the job can still fetch it (with a fresh lookup).
const clean = { type: 'private_url', url: 'https://files.slack.com/files-pri/T1-F1/song.wav', name: 'song.wav', bytes: 42, provider: 'slack' };
// Discord's old rows carried an empty authHeader: it goes, and no provider is made up.
const oldDiscordInput = { type: 'private_url', url: 'https://cdn.discordapp.com/attachments/1/2/a.wav', name: 'a.wav', authHeader: '' } as AudioInput;
const discordClean = { type: 'private_url', url: 'https://cdn.discordapp.com/attachments/1/2/a.wav', name: 'a.wav' };
const other: AudioInput = { type: 'url', url: 'https://example.com/a.mp3', name: 'a.mp3' };

describe('scrub-credentials migration', () => {
  it('GIVEN an SQLite database with an old row holding authHeader WHEN migration 5 runs THEN the token is gone and the rest intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stembot-scrub-'));
    try {
      const path = join(dir, 'stembot.db');
      const store = new SqliteJobStore(path);
      await store.migrate();
      const a = await store.createJob(newJob({ input: oldSlackInput }), ['open']);
      const b = await store.createJob(newJob({ input: other }), ['open']);
      const c = await store.createJob(newJob({ input: oldDiscordInput }), ['open']);
      await store.close();
      // As a database from before version 5: the row is there, the migration is not recorded.
      const raw = new Database(path);
      raw.prepare('DELETE FROM schema_migrations WHERE version = 5').run();
      expect(String((raw.prepare('SELECT input FROM jobs WHERE id = ?').get(a.id) as { input: string }).input)).toContain(TOKEN);
      raw.close();

      const again = new SqliteJobStore(path);
      await again.migrate();
      expect((await again.getJob(a.id))?.input).toEqual(clean);
      expect((await again.getJob(b.id))?.input).toEqual(other);
      expect((await again.getJob(c.id))?.input).toEqual(discordClean);
      await again.close();
      const check = new Database(path, { readonly: true });
      const inputs = check.prepare('SELECT input FROM jobs').all() as { input: string }[];
      check.close();
      expect(inputs.some((r) => r.input.includes(TOKEN))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const url = pgTestUrl;
  if (!url) {
    it('GIVEN no DATABASE_URL_TEST THEN the Postgres half fails and says how to run it', () => {
      expect.fail('DATABASE_URL_TEST is not set: run with DATABASE_URL_TEST=postgres://postgres@127.0.0.1:5432/test');
    });
  } else {
    afterAll(() => dropSchemas(url));
    it('GIVEN a Postgres schema with an old row holding authHeader WHEN migration 5 runs THEN the token is gone and the rest intact', async () => {
      const schema = freshSchema();
      const store = storeIn(url, schema);
      await store.migrate();
      const a = await store.createJob(newJob({ input: oldSlackInput }), ['open']);
      const b = await store.createJob(newJob({ input: other }), ['open']);
      const c = await store.createJob(newJob({ input: oldDiscordInput }), ['open']);
      await queryIn(url, schema, 'DELETE FROM schema_migrations WHERE version = 5');
      expect(JSON.stringify((await queryIn(url, schema, 'SELECT input FROM jobs WHERE id = $1', [a.id]))[0])).toContain(TOKEN);
      await store.migrate();
      expect((await store.getJob(a.id))?.input).toEqual(clean);
      expect((await store.getJob(b.id))?.input).toEqual(other);
      expect((await store.getJob(c.id))?.input).toEqual(discordClean);
      const rows = await queryIn<{ input: unknown }>(url, schema, 'SELECT input FROM jobs');
      expect(JSON.stringify(rows)).not.toContain(TOKEN);
      await store.close();
    });
  }
});
