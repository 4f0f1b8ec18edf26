// Bursts of chat-side failure, the way real platforms fail: a stretch of 500s, a stretch of 429s with
// Retry-After, and "dropped answers" (the post went through, the response never came back — the one
// fault only an idempotency key like Discord's nonce can make harmless).
export type FaultKind = 'none' | '500' | '429' | 'drop';

export interface Fault {
  kind: FaultKind;
  retryAfterSec: number;
}

export class FaultSchedule {
  private active: Fault & { untilMs: number } = { kind: 'none', retryAfterSec: 0, untilMs: 0 };
  readonly bursts: Record<FaultKind, number> = { none: 0, '500': 0, '429': 0, drop: 0 };
  private timer: NodeJS.Timeout | undefined;

  current(now = Date.now()): Fault {
    return now < this.active.untilMs ? this.active : { kind: 'none', retryAfterSec: 0 };
  }

  burst(kind: FaultKind, lengthMs: number, retryAfterSec = 1, now = Date.now()): void {
    this.active = { kind, retryAfterSec, untilMs: now + lengthMs };
    this.bursts[kind]++;
  }

  /**
   * Random bursts until `stop()`: every `gapMs` (± half) one of 500 / 429 / drop lasting up to `lengthMs`.
   * `random` is seeded by the caller so a failing run can be replayed.
   */
  startRandom(random: () => number, o: { gapMs: number; lengthMs: number; kinds?: FaultKind[] }): void {
    const kinds = o.kinds ?? ['500', '429', 'drop'];
    const next = () => {
      this.timer = setTimeout(() => {
        const kind = kinds[Math.floor(random() * kinds.length)]!;
        // Retry-After in whole seconds, as Discord and Slack send it; 1 s keeps the run short.
        this.burst(kind, Math.round(o.lengthMs * (0.3 + 0.7 * random())), 1);
        next();
      }, Math.round(o.gapMs * (0.5 + random())));
      this.timer.unref();
    };
    next();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.active = { kind: 'none', retryAfterSec: 0, untilMs: 0 };
  }
}

/** A small seeded generator (mulberry32): the same seed replays the same run of kills and bursts. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
