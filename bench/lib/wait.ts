// Polls a probe until it yields a value, with a deadline: benchmarks wait on what a server records, never sleep blindly.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(20);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
