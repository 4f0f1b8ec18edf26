// Waiting on an outcome, shared by every suite and the benches: poll what a fake or the store recorded, with a
// deadline, instead of sleeping a guessed time. `sleep` is for the few places that must let time pass
// (a lock's retry period, a burst's pacing).

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value (anything but `undefined`, `null` or `false`) and resolves with it, or
 * fails after `timeoutMs` naming `what` it was waiting for. Every 25 ms by default, the interval the Discord and
 * playground suites were written against (a faster poll sends a test's next step sooner, and at least one
 * Discord suite reads the job's state right after a reply).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
