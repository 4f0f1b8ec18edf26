// Remembers request ids for a while, so one request delivered twice — a platform's retry, a proxy resending,
// or a signed request replayed inside its signature's time window — starts at most one job. One cache for
// every adapter: Discord keys it by interaction id, Slack by trigger id.
export class ReplayCache {
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly max = 10_000,
  ) {}

  /** True when `id` was already seen within the window (a replay); records it otherwise. */
  seenBefore(id: string, nowMs: number): boolean {
    this.prune(nowMs);
    const at = this.seenAt.get(id);
    if (at !== undefined && nowMs - at < this.windowMs) return true;
    this.seenAt.set(id, nowMs);
    return false;
  }

  private prune(nowMs: number): void {
    // Map keeps insertion order: the oldest entries come first. Room is kept for the id about to be recorded.
    for (const [id, at] of this.seenAt) {
      if (nowMs - at < this.windowMs && this.seenAt.size < this.max) break;
      this.seenAt.delete(id);
    }
  }
}
