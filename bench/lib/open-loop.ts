// An open-loop load generator: requests leave on a fixed schedule whether or not earlier ones were answered
// — the way Kie's callbacks arrive — and each one's latency counts from when it was DUE, so a server that
// falls behind is charged for the queue it built (no coordinated omission). autocannon's closed loop cannot
// overload a server this way (it waits for answers) and does not split latency by status, which is the
// whole question here: how fast are the ACCEPTED callbacks, and do the refused ones carry Retry-After?
import { Pool } from 'undici';
import type { CallbackRequest } from './callbacks.js';
import { summarize, type Summary } from './stats.js';

export interface OpenLoopOptions {
  url: string;
  ratePerSec: number;
  seconds: number;
  connections: number;
  /** Kie gives a callback 15 s; a request unanswered by then counts as timed out. */
  timeoutMs: number;
  next: () => CallbackRequest;
}

export interface OpenLoopResult {
  due: number;
  byStatus: Record<string, number>;
  acceptedMs: Summary;
  /** Accepted requests due in the first and in the last third of the run: flat when bounded, rising when not. */
  acceptedFirstThirdMs: Summary;
  acceptedLastThirdMs: Summary;
  refusedMs: Summary;
  refusedWithRetryAfter: number;
  timedOut: number;
  errors: number;
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const pool = new Pool(o.url, { connections: o.connections, pipelining: 1 });
  const accepted: number[] = [];
  const thirds: [number[], number[]] = [[], []];
  const refused: number[] = [];
  const byStatus: Record<string, number> = {};
  let retryAfter = 0;
  let timedOut = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  let start = 0;
  const send = async (dueAt: number) => {
    const r = o.next();
    try {
      const res = await pool.request({ method: 'POST', path: r.path, headers: r.headers, body: r.body, signal: AbortSignal.timeout(Math.max(1, Math.round(dueAt + o.timeoutMs - performance.now()))) });
      await res.body.dump();
      const ms = performance.now() - dueAt;
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      if (res.statusCode === 200) {
        accepted.push(ms);
        const third = Math.floor(((dueAt - start) / (o.seconds * 1000)) * 3);
        if (third === 0) thirds[0].push(ms);
        if (third >= 2) thirds[1].push(ms);
      }
      else if (res.statusCode === 503) {
        refused.push(ms);
        if (res.headers['retry-after']) retryAfter++;
      }
    } catch (err) {
      if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') timedOut++;
      else errors++;
    }
  };
  // Connections opened first, as a busy sender's would be: 256 connects at once would otherwise measure the
  // kernel's accept backlog (SYN retries of 1, 3, 7 s) instead of the server.
  await Promise.all(Array.from({ length: o.connections }, () => pool.request({ method: 'GET', path: '/healthz' }).then((r) => r.body.dump())));
  start = performance.now();
  const total = Math.round(o.ratePerSec * o.seconds);
  // Ticks of 5 ms: each sends every request due by now, stamped with its own due time.
  for (let sent = 0; sent < total; ) {
    const now = performance.now();
    const dueCount = Math.min(total, Math.floor(((now - start) / 1000) * o.ratePerSec));
    for (; sent < dueCount; sent++) inFlight.push(send(start + (sent / o.ratePerSec) * 1000));
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inFlight);
  await pool.close();
  return { due: total, byStatus, acceptedMs: summarize(accepted), acceptedFirstThirdMs: summarize(thirds[0]), acceptedLastThirdMs: summarize(thirds[1]), refusedMs: summarize(refused), refusedWithRetryAfter: retryAfter, timedOut, errors };
}
