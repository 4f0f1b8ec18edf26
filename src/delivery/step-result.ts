/** The outcome of one outbox step. `retry: false` buries the item (nothing more can be done). */
export type StepResult = { ok: true } | { ok: false; retry: boolean; error: string; retryAfterMs?: number };

/** A chat platform's refusal as a step result: retried when it may pass (rate limit, transient), else buried. */
export const chatFail = (r: { code: string; detail?: string; retryAfterMs?: number }): StepResult => ({
  ok: false,
  retry: r.code === 'RATE_LIMITED' || r.code === 'TRANSIENT',
  error: `chat: ${r.code}${r.detail ? ` ${r.detail}` : ''}`,
  ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
});

/** Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
