// Group commit: writes asked for in the same turn of the event loop share one transaction. A SQLite commit in
// WAL mode costs far more than the statements inside it (it appends every touched page to the WAL and now and
// then checkpoints), so under a burst of callbacks one commit for many events is most of the intake's speed-up.
// Each caller still gets its own answer only after the commit that holds its write: durability is unchanged.
// A write that throws is rolled back alone (its own savepoint) and rejects alone; the rest commit.

type Pending<I, O> = { input: I; resolve: (o: O) => void; reject: (e: unknown) => void };

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];

  /**
   * `commit(run)` runs `run` inside one write transaction; `one(input)` does one write inside a savepoint of
   * it (better-sqlite3: a transaction function called inside another becomes a savepoint).
   */
  constructor(
    private readonly commit: (run: () => void) => void,
    private readonly one: (input: I) => O,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      // The first write of a turn schedules the flush; the rest of the turn's writes join it.
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Run everything waiting now (also called before the store closes). */
  flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const results: ({ ok: true; value: O } | { ok: false; error: unknown })[] = [];
    try {
      this.commit(() => {
        for (const p of batch) {
          try {
            results.push({ ok: true, value: this.one(p.input) });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit itself failed (disk full, database closed): nothing of the batch was written.
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }
}
