// Runs work with a bound on how much is in flight: the chaos run and the benches submit jobs this way, as
// several people typing at once would, without opening hundreds of connections.

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function eachLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
