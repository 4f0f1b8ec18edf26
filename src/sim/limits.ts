// Kie's limits: at most 20 new generation requests per 10 s per account (HTTP 429, not queued), and
// 3 record-info reads per second per task. A sliding window, so a benchmark can prove stembot never
// exceeds it in ANY window, not just in fixed buckets.
export class SlidingWindow {
  private stamps: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.windowMs) this.stamps.shift();
  }

  /** How many were taken in (now - windowMs, now]. */
  count(now: number): number {
    this.prune(now);
    return this.stamps.length;
  }

  /** Milliseconds until a slot frees up (0 when one is free now). */
  waitMs(now: number): number {
    this.prune(now);
    return this.stamps.length < this.limit ? 0 : this.stamps[this.stamps.length - this.limit]! + this.windowMs - now;
  }

  allows(now: number): boolean {
    return this.count(now) < this.limit;
  }

  take(now: number): number {
    this.prune(now);
    this.stamps.push(now);
    return this.stamps.length;
  }
}

export interface SubmitStats {
  accepted: number;
  /** Submissions answered HTTP 429 (rate limit). */
  rateLimited: number;
  /** Most submissions accepted inside any single sliding window, for any one key. */
  maxAcceptedInWindow: number;
}

export class SubmitLimiter {
  private readonly windows = new Map<string, SlidingWindow>();
  private stats: SubmitStats = { accepted: 0, rateLimited: 0, maxAcceptedInWindow: 0 };

  constructor(private readonly limit: () => { perWindow: number; windowMs: number }) {}

  private windowFor(key: string): SlidingWindow {
    let w = this.windows.get(key);
    if (!w) {
      const { perWindow, windowMs } = this.limit();
      w = new SlidingWindow(perWindow, windowMs);
      this.windows.set(key, w);
    }
    return w;
  }

  /** Checks without counting; a refused request is counted as rate limited. */
  admit(key: string, now: number): boolean {
    if (this.windowFor(key).allows(now)) return true;
    this.stats.rateLimited++;
    return false;
  }

  retryAfterMs(key: string, now: number): number {
    return this.windowFor(key).waitMs(now);
  }

  /** Counts an accepted submission. */
  record(key: string, now: number): void {
    const inWindow = this.windowFor(key).take(now);
    this.stats.accepted++;
    this.stats.maxAcceptedInWindow = Math.max(this.stats.maxAcceptedInWindow, inWindow);
  }

  snapshot(): SubmitStats {
    return { ...this.stats };
  }

  reset(): void {
    this.windows.clear();
    this.stats = { accepted: 0, rateLimited: 0, maxAcceptedInWindow: 0 };
  }
}

/** Record-info reads per task per second; `undefined` limit = unlimited. */
export class ReadLimiter {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(private readonly perSecond: number | undefined) {}

  allow(taskId: string, now: number): boolean {
    if (this.perSecond === undefined) return true;
    let w = this.windows.get(taskId);
    if (!w) this.windows.set(taskId, (w = new SlidingWindow(this.perSecond, 1_000)));
    if (!w.allows(now)) return false;
    w.take(now);
    return true;
  }

  reset(): void {
    this.windows.clear();
  }
}
