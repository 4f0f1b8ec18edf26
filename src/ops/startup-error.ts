// A failed start-up as ONE line on stderr: which variable is wrong and what to do about it. The operator
// reads this in `docker logs` or a terminal; a stack trace of pg-pool or mkdirSync tells them neither.
// Values are never echoed (DATABASE_URL carries a password): only hosts, ports and file paths.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { Config } from '../config.js';

type ErrnoLike = { code?: unknown; path?: unknown; message?: unknown; errors?: unknown[]; variable?: unknown };

const fsMeaning: Record<string, string> = {
  EEXIST: 'a file is in the way where a folder must be',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'a folder on the way does not exist',
  EISDIR: 'it is a folder, not a file',
  ENOSPC: 'the disk is full',
};
const networkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The SQLite file a `sqlite:` DATABASE_URL names, absolute; undefined for Postgres. */
export function sqlitePath(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  return resolve(databaseUrl.slice('sqlite:'.length) || './data/stembot.db');
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

function codeOf(err: ErrnoLike): string | undefined {
  if (typeof err.code === 'string') return err.code;
  // Node's connect to "localhost" tries ::1 and 127.0.0.1 and reports both in an AggregateError.
  const inner = Array.isArray(err.errors) ? (err.errors[0] as ErrnoLike | undefined) : undefined;
  return typeof inner?.code === 'string' ? inner.code : undefined;
}

function postgresWhere(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the configured host';
  }
}

/** One line naming the variable and the fix, for any error start-up can end in. */
export function startupErrorLine(err: unknown, config?: Pick<Config, 'databaseUrl' | 'dataDir' | 'port' | 'host'>): string {
  const e = (err ?? {}) as ErrnoLike;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (message.startsWith('Invalid configuration:')) return message.split('\n')[0]!;
  const code = codeOf(e);
  const path = typeof e.path === 'string' ? resolve(e.path) : undefined;

  if (config && /^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    const where = postgresWhere(config.databaseUrl);
    if (code && networkCodes.has(code)) return `DATABASE_URL: PostgreSQL at ${where} is unreachable (${code}) — start it, or fix the host and port in DATABASE_URL.`;
    if (code === '28P01' || code === '28000') return `DATABASE_URL: PostgreSQL at ${where} refused the user or password (${code}) — fix the credentials in DATABASE_URL.`;
    if (code === '3D000') return `DATABASE_URL: the database named in DATABASE_URL does not exist on ${where} (${code}) — create it (createdb) or fix its name.`;
  }
  if (config && code && path && fsMeaning[code]) {
    const db = sqlitePath(config.databaseUrl);
    const meaning = `${code}: ${fsMeaning[code]}`;
    const dataDir = resolve(config.dataDir);
    if (e.variable === 'DATA_DIR') return `DATA_DIR: cannot use ${dataDir} (${code} at ${path}: ${fsMeaning[code]}) — point DATA_DIR at a folder stembot can create and write.`;
    if (db && (path === db || inside(dirname(db), path) || inside(path, dirname(db)))) {
      return `DATABASE_URL: cannot create the SQLite database at ${db} (${meaning}) — point DATABASE_URL at sqlite:<a file in a folder stembot can write>.`;
    }
    if (inside(path, dataDir) || inside(dataDir, path)) {
      return `DATA_DIR: cannot use ${dataDir} (${code} at ${path}: ${fsMeaning[code]}) — point DATA_DIR at a folder stembot can create and write.`;
    }
    return `stembot could not start: ${path} (${meaning}).`;
  }
  if (config && (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM')) {
    return `DATABASE_URL: cannot open the SQLite database at ${sqlitePath(config.databaseUrl) ?? 'the configured path'} (${code}) — point DATABASE_URL at sqlite:<a file in a folder stembot can write>.`;
  }
  if (config && code === 'EADDRINUSE') return `PORT: ${config.port} is already in use on ${config.host} — stop the other server or choose another PORT.`;
  if (config && (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')) return `HOST: ${config.host} is not an address of this machine (${code}) — use 0.0.0.0 (all interfaces) or 127.0.0.1.`;
  return `stembot could not start: ${message.split('\n')[0]} (run with LOG_LEVEL=debug for the stack trace).`;
}

/**
 * DATA_DIR must be a folder stembot can write: create it and prove it writable now, so a wrong path fails at
 * start with one line instead of at the first upload. Throws the fs error (startupErrorLine reads it).
 */
export function prepareDataDir(dataDir: string): void {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const e = err as ErrnoLike;
    throw Object.assign(new Error(`cannot use DATA_DIR ${dir}`), { code: e.code, path: typeof e.path === 'string' ? e.path : dir, variable: 'DATA_DIR' });
  }
}
