// Remembers request ids (Slack trigger ids) for a while, so one request delivered twice — Slack's retry, a
// proxy resending, or a signed request replayed inside the 5-minute window — starts at most one job.
export class RecentIds {
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly max = 10_000,
  ) {}

  /** True when `id` was already seen within the window; records it otherwise. */
  seen(id: string, nowMs: number): boolean {
    this.prune(nowMs);
    const at = this.seenAt.get(id);
    if (at !== undefined && nowMs - at < this.windowMs) return true;
    this.seenAt.set(id, nowMs);
    return false;
  }

  private prune(nowMs: number): void {
    // Map keeps insertion order: the oldest entries come first.
    for (const [id, at] of this.seenAt) {
      if (nowMs - at < this.windowMs && this.seenAt.size <= this.max) break;
      this.seenAt.delete(id);
    }
  }
}

/** The id that names one user action across every kind of Slack request. */
export function requestId(body: Record<string, unknown>): string | undefined {
  return typeof body.trigger_id === 'string' && body.trigger_id ? body.trigger_id : undefined;
}
