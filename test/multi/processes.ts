// Child processes for the multi-instance tests: started with tsx's loader straight under `node` (so the pid
// we SIGKILL is the process itself, not an npx wrapper), their output kept for a failure message.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  proc: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for diagnosis. */
  output(): string;
  /** Resolves when its output contains `text`; rejects when it exits first or `timeoutMs` passes. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(script: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    output: () => out,
    waitFor: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) done(resolve);
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${out.slice(-3000)}`))), timeoutMs);
        const onExit = () => done(() => reject(new Error(`exited (${proc.exitCode ?? proc.signalCode}) before "${text}":\n${out.slice(-3000)}`)));
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off('exit', onExit);
          fn();
        };
        listeners.add(check);
        proc.once('exit', onExit);
        check();
        if (proc.exitCode !== null || proc.signalCode !== null) onExit();
      }),
    kill: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** A port nobody listens on right now (the child binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
