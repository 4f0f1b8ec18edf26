// Issue 11 item 3: every start-up failure ends in ONE line on stderr naming the variable, exit 1, no stack.
// The real entry runs as a child process with the bad environment.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startupErrorLine } from '../../src/ops/startup-error.js';
import { freePort } from '../multi/processes.js';
import { startSimulator } from '../../src/sim/index.js';
import { runEntry } from './entry.js';

const dir = mkdtempSync(join(tmpdir(), 'stembot-startup-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'not a folder');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A start that fails: exactly one line on stderr, exit 1. */
async function failingStart(env: Record<string, string>, user?: string): Promise<string> {
  const r = await runEntry([], { HOST: '127.0.0.1', PORT: String(await freePort()), DATA_DIR: join(dir, 'data'), DATABASE_URL: `sqlite:${join(dir, 'db', 'stembot.db')}`, ...env }, { cwd: dir, ...(user ? { user } : {}) });
  expect(r.signal, r.stdout + r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('start-up failures are one line (real entry, child process)', () => {
  it('GIVEN Postgres unreachable (ECONNREFUSED) THEN one line names DATABASE_URL, the host and port, no password', async () => {
    const line = await failingStart({ DATABASE_URL: 'postgres://postgres:s3cret-pw@127.0.0.1:1/stembot' });
    expect(line).toMatch(/^DATABASE_URL: PostgreSQL at 127\.0\.0\.1:1 is unreachable \(ECONNREFUSED\) — /);
    expect(line).not.toContain('s3cret-pw');
  });

  it('GIVEN DATA_DIR pointing at a regular file (EEXIST) THEN one line names DATA_DIR', async () => {
    const line = await failingStart({ DATA_DIR: aFile });
    expect(line).toMatch(/^DATA_DIR: cannot use .*a-file \(EEXIST /);
    expect(line).toContain('point DATA_DIR at a folder');
  });

  it('GIVEN DATA_DIR inside a regular file (ENOTDIR) THEN one line names DATA_DIR', async () => {
    const line = await failingStart({ DATA_DIR: join(aFile, 'data') });
    expect(line).toMatch(/^DATA_DIR: cannot use .*a-file\/data \(ENOTDIR /);
  });

  it('GIVEN a sqlite DATABASE_URL inside a regular file THEN one line names DATABASE_URL', async () => {
    const line = await failingStart({ DATABASE_URL: `sqlite:${join(aFile, 'stembot.db')}` });
    expect(line).toMatch(/^DATABASE_URL: cannot create the SQLite database at .*a-file\/stembot\.db \((EEXIST|ENOTDIR)/);
  });

  it('GIVEN DATA_DIR in a folder the (non-root) user cannot write (EACCES, run as nobody) THEN one line names DATA_DIR', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(dir, 0o755);
    chmodSync(locked, 0o755); // owned by root: nobody may enter but not create
    const line = await failingStart({ DATA_DIR: join(locked, 'data'), DATABASE_URL: `sqlite:${join(tmpdir(), `nobody-${process.pid}.db`)}` }, 'nobody');
    expect(line).toMatch(/^DATA_DIR: cannot use .*locked\/data \(EACCES /);
  });

  it('GIVEN an invalid tuning value SLACK_MAX_FILE_BYTES=10 THEN one line names it', async () => {
    const line = await failingStart({ SLACK_MAX_FILE_BYTES: '10' });
    expect(line).toBe('Invalid configuration: SLACK_MAX_FILE_BYTES must be at least 1048576 (1 MiB)');
  });

  it('GIVEN PORT= (empty) THEN it is an error, not a random port', async () => {
    const line = await failingStart({ PORT: '' });
    expect(line).toMatch(/^Invalid configuration: PORT must be a port number/);
  });

  it('GIVEN a bad KIE_API_URL THEN the variable is named once', async () => {
    const line = await failingStart({ KIE_API_URL: 'not-a-url' });
    expect(line).toBe('Invalid configuration: KIE_API_URL must be an http(s) URL');
  });

  it('GIVEN PORT already taken THEN one line names PORT', async () => {
    const { createServer } = await import('node:net');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      const line = await failingStart({ PORT: String(port) });
      expect(line).toBe(`PORT: ${port} is already in use on 127.0.0.1 — stop the other server or choose another PORT.`);
    } finally {
      srv.close();
    }
  });
});

describe('entry commands', () => {
  it('GIVEN an unknown command THEN one line names the commands there are, exit 1', async () => {
    const r = await runEntry(['docter'], {}, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Unknown command "docter": run without one to start stembot, or use doctor or discord:register.\n');
  });
  it('GIVEN discord:register without a token THEN the register command answers (the image ENTRYPOINT reaches it)', async () => {
    const r = await runEntry(['discord:register'], {}, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the commands.\n');
  });
});

describe('start-up error mapping', () => {
  const config = { databaseUrl: 'sqlite:/srv/db/stembot.db', dataDir: '/srv/data', port: 3000, host: '0.0.0.0' };
  it('GIVEN EACCES on a DATA_DIR path THEN DATA_DIR is named', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/srv/data', variable: 'DATA_DIR' });
    expect(startupErrorLine(err, config)).toBe('DATA_DIR: cannot use /srv/data (EACCES at /srv/data: permission denied) — point DATA_DIR at a folder stembot can create and write.');
  });
  it('GIVEN EACCES creating the SQLite folder THEN DATABASE_URL is named', () => {
    const err = Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES', path: '/srv/db' });
    expect(startupErrorLine(err, config)).toMatch(/^DATABASE_URL: cannot create the SQLite database at \/srv\/db\/stembot\.db \(EACCES: permission denied\)/);
  });
  it('GIVEN SQLite cannot open the file THEN DATABASE_URL is named', () => {
    const err = Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
    expect(startupErrorLine(err, config)).toMatch(/^DATABASE_URL: cannot open the SQLite database at \/srv\/db\/stembot\.db \(SQLITE_CANTOPEN\)/);
  });
  it('GIVEN a Postgres password refusal THEN DATABASE_URL is named without the password', () => {
    const err = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    const line = startupErrorLine(err, { ...config, databaseUrl: 'postgres://u:hunter2@db.internal:6543/x' });
    expect(line).toMatch(/^DATABASE_URL: PostgreSQL at db\.internal:6543 refused the user or password/);
    expect(line).not.toContain('hunter2');
  });
});

describe('playground off with a real key', () => {
  it('GIVEN KIE_API_KEY and no PLAYGROUND_PASSWORD WHEN started THEN an info line says why the playground is off', async () => {
    const sim = await startSimulator();
    try {
      const r = await runEntry(
        [],
        { HOST: '127.0.0.1', PORT: String(await freePort()), DATA_DIR: join(dir, 'pg-data'), DATABASE_URL: `sqlite:${join(dir, 'pg-data', 'db.sqlite')}`, KIE_API_KEY: 'real-key', KIE_API_URL: sim.url, KIE_UPLOAD_URL: sim.url },
        { cwd: dir, until: 'stembot is running' },
      );
      const line = r.stdout.split('\n').find((l) => l.includes('playground is off'));
      expect(line, r.stdout + r.stderr).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ level: 30, msg: expect.stringContaining('PLAYGROUND_PASSWORD is not') });
    } finally {
      await sim.close();
    }
  });
});
