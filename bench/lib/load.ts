// autocannon, closed loop, on 127.0.0.1: a short warm-up (JIT, SQLite page cache, connection setup) that is
// thrown away, then the measured run. Latencies are autocannon's (whole milliseconds).
import autocannon, { type Options } from 'autocannon';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 503 answers (load shedding); must be 0 in the ordinary intake run. */
  refused503: number;
}

export async function load(opts: Options, warmupSec: number): Promise<LoadResult> {
  if (warmupSec > 0) await autocannon({ ...opts, duration: warmupSec });
  const r = await autocannon(opts);
  return {
    rps: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    refused503: r.statusCodeStats?.['503']?.count ?? 0,
  };
}
