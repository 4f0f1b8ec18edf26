// The real entry (src/main.ts) as a child process with a clean environment — only what the test passes,
// so nothing of the test runner's environment changes what stembot reads. tsx's loader is given by absolute
// URL so any working folder works (the cwd decides which `.env` is read). Every child is bounded by a timeout.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const loader = pathToFileURL(`${root}node_modules/tsx/dist/loader.mjs`).href;
const entry = `${root}src/main.ts`;

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface EntryOptions {
  cwd: string;
  /** Kill after this long (default 25 s). */
  timeoutMs?: number;
  /** Run as this user through `setpriv`, which execs node itself (the test runs as root). */
  user?: string;
  /** As soon as stdout+stderr contains this, run `meanwhile` (if any), then stop the child with SIGTERM. */
  until?: string;
  meanwhile?: () => Promise<void>;
}

export function runEntry(args: string[], env: Record<string, string>, o: EntryOptions): Promise<Ran> {
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: o.user ? '/tmp' : (process.env.HOME ?? '/tmp'), LOG_LEVEL: 'info', ...env };
  const node = [process.execPath, '--import', loader, entry, ...args];
  const id = (flag: string) => execFileSync('id', [flag, o.user!]).toString().trim();
  const [cmd, ...argv] = o.user ? ['setpriv', `--reuid=${id('-u')}`, `--regid=${id('-g')}`, '--clear-groups', ...node] : node;
  const child = spawn(cmd!, argv, { cwd: o.cwd, env: base, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 25_000);
    let seen = false;
    const check = () => {
      if (seen || !o.until || !(stdout + stderr).includes(o.until)) return;
      seen = true;
      void (o.meanwhile ?? (async () => undefined))().finally(() => child.kill('SIGTERM'));
    };
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      check();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      check();
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
