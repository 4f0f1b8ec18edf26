// A SubmitGate whose window lives in a store every instance reaches (Redis or Postgres), so Kie's
// per-account limit — 20 new generation requests in any 10 s — holds however many instances submit.
// Same rule as the in-process SlidingWindow (src/kie/window.ts): a start may go when fewer than `limit`
// started within the last `windowMs + marginMs`; the backend decides and records atomically.
import { ClosedError, defaultMarginMs } from '../kie/window.js';
import type { SubmitGate } from '../kie/limits.js';

export type Take = { taken: true; atMs: number } | { taken: false; waitMs: number };

/** One atomic decision on the shared window. Times are the backend's own clock, so instance clocks may differ. */
export interface WindowBackend {
  /** Record a start if one fits now (answering when, by the backend's clock); otherwise record nothing and answer the ms to wait. */
  take(limit: number, spanMs: number): Promise<Take>;
  /** Make every instance wait `ms` from now before the next start (after Kie answered 429). */
  hold(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface SharedGateOptions {
  limit: number;
  windowMs: number;
  /**
   * Kie counts arrivals, not departures (see window.ts); the shared store adds a round trip between
   * deciding and sending, so the same margin applies. Default: `defaultMarginMs` (kie/window.ts).
   */
  marginMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: { warn(obj: object, msg: string): void };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SharedWindowGate implements SubmitGate {
  private readonly spanMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private heldUntil = 0;
  private closed = false;

  constructor(
    private readonly backend: WindowBackend,
    private readonly o: SharedGateOptions,
  ) {
    if (!(o.limit >= 1) || !(o.windowMs >= 1)) throw new Error('SharedWindowGate needs limit ≥ 1 and windowMs ≥ 1');
    this.spanMs = o.windowMs + (o.marginMs ?? defaultMarginMs(o.windowMs));
    this.sleep = o.sleep ?? realSleep;
  }

  /**
   * Ask the backend until a start fits. A backend error (Redis or Postgres unreachable) is thrown: the
   * outbox retries the submission later, rather than sending it unchecked and risking the whole account's limit.
   */
  async acquire(wait: (ms: number) => Promise<void> = this.sleep, isClosed: () => boolean = () => false): Promise<void> {
    for (;;) {
      if (this.closed || isClosed()) throw new ClosedError();
      const local = this.heldUntil - Date.now();
      if (local > 0) {
        await wait(local);
        continue;
      }
      const took = await this.backend.take(this.o.limit, this.spanMs);
      if (took.taken) return;
      // A little jitter, so instances waiting for the same slot do not all ask at the same instant.
      await wait(took.waitMs + Math.floor(Math.random() * 5));
    }
  }

  holdUntil(timeMs: number): void {
    this.heldUntil = Math.max(this.heldUntil, timeMs);
    const ms = timeMs - Date.now();
    if (ms <= 0) return;
    // The local hold applies at once; the shared one tells the other instances. If it cannot be written,
    // they will meet Kie's 429 themselves and back off on their own.
    this.backend.hold(ms).catch((err: unknown) => this.o.log?.warn({ err }, 'could not share the Kie rate-limit hold'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }
}
