// One stembot OS process that can be SIGKILLed and started again on the same port and database. It is
// spawned as `node --import tsx <entry>` rather than `npx tsx <entry>`: tsx's CLI runs the script in a
// grandchild, and a SIGKILL sent to the wrapper would leave the real stembot running.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const entryPath = fileURLToPath(new URL('./stembot-entry.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export class StembotProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderrTail = '';
  starts = 0;
  kills = 0;

  private readonly entry: string;
  private readonly readyTimeoutMs: number;

  /** `entry` defaults to the instrumented stembot (stembot-entry.ts, used by the chaos run and the benches); the benchmarks start their own servers the same way. */
  constructor(
    private readonly env: Record<string, string>,
    o: { entry?: string; readyTimeoutMs?: number } = {},
  ) {
    this.entry = o.entry ?? entryPath;
    this.readyTimeoutMs = o.readyTimeoutMs ?? 30_000;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Spawns the process and resolves with its URL once it prints `READY`. */
  start(): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', this.entry], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString()).slice(-4000)));
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`stembot did not start within ${this.readyTimeoutMs} ms\n${this.stderrTail}`)), this.readyTimeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /READY (\S+)/.exec(out);
        if (!m) return;
        clearTimeout(timer);
        // From here on stdout is only drained (the pipe must never fill and block the child's logging).
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(m[1]!);
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) => fail(new Error(`stembot exited before READY (${code ?? signal})\n${this.stderrTail}`)));
    });
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is cut wherever it was. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.kills++;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful), then SIGKILL if it takes longer than `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  stderr(): string {
    return this.stderrTail;
  }
}
