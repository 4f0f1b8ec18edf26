// A sliding-window gate: at most `limit` starts inside any `windowMs`. Kie allows 20 new generation
// requests per 10 s per account and answers 429 (not queued) beyond that (docs/kie-api.md "Rate limits").
//
// Why not bottleneck's reservoir alone: a reservoir refreshed every 10 s lets 20 go at 9.9 s and 20 more at
// 10.0 s — 40 inside one sliding window. `minTime = windowMs / limit` alone would hold the bound but spread
// every burst over the whole window. So the client's bottleneck limiter (maxConcurrent 1) only orders and
// queues admissions, and this log of recent start times decides when the next one may go.
import type { Clock } from '../core/ports.js';

export class ClosedError extends Error {
  constructor() {
    super('Kie client is closed');
    this.name = 'ClosedError';
  }
}

export class SlidingWindow {
  private starts: number[] = [];
  private heldUntil = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    /** Resolves after `ms`, or early when the client closes (then `isClosed()` is true). */
    private readonly wait: (ms: number) => Promise<void>,
    private readonly isClosed: () => boolean,
    /**
     * Kie counts arrivals, not departures: two requests that leave windowMs apart can arrive a little closer.
     * A start therefore waits until the oldest is windowMs + marginMs old (default: 1% of the window, but at
     * least 100 ms or 10% of a short window — network jitter to Kie is absolute, not a share of the window).
     */
    private readonly marginMs = defaultMarginMs(windowMs),
  ) {
    if (!(limit >= 1) || !(windowMs >= 1)) throw new Error('SlidingWindow needs limit ≥ 1 and windowMs ≥ 1');
  }

  /** Wait until one more start fits, then record it. Callers are serialized by the limiter. */
  async acquire(): Promise<void> {
    for (;;) {
      if (this.isClosed()) throw new ClosedError();
      const now = this.clock.now();
      const span = this.windowMs + this.marginMs;
      this.starts = this.starts.filter((t) => now - t < span);
      const full = this.starts.length >= this.limit ? this.starts[0]! + span - now : 0;
      const delay = Math.max(full, this.heldUntil - now);
      if (delay <= 0) {
        this.starts.push(now);
        return;
      }
      await this.wait(delay);
    }
  }

  /** After a 429 every queued submission waits, not only the one that was refused. */
  holdUntil(timeMs: number): void {
    this.heldUntil = Math.max(this.heldUntil, timeMs);
  }

}

/** 1% of the window, at least 100 ms (or 10% of a window shorter than 1 s). Shared with src/cluster/. */
export function defaultMarginMs(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / 100), Math.min(100, Math.ceil(windowMs / 10)));
}
