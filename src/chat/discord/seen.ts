// Interaction ids seen recently: a signed request sent again (a replay) must not start a second job.
export class SeenIds {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** True the first time an id is offered (within the TTL), false after. */
  first(id: string, now: number): boolean {
    for (const [k, at] of this.seen) {
      if (now - at < this.ttlMs && this.seen.size < this.max) break; // oldest first: the rest are younger
      this.seen.delete(k);
    }
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    return true;
  }
}
