// Load shedding, shown: the same stembot intake under the same open-loop overload (a multiple of the
// capacity measured in (a)), once with shedding off and once with it on. Off, every callback waits in the
// growing queue; on, the excess is refused at once with 503 + Retry-After and the accepted ones stay fast.
import { fileURLToPath } from 'node:url';
import { StembotProcess } from '../test/support/stembot-process.js';
import { callbackStream, jobSpecs } from './lib/callbacks.js';
import { openLoop, type OpenLoopResult } from './lib/open-loop.js';
import { ratio, round } from './lib/stats.js';
import { HMAC_KEY, KIE_CALLBACK_TIMEOUT_MS, stembotEnv, writeJobs } from './intake.js';

export interface SheddingOptions {
  dir: string;
  capacityRps: number;
  overload: number;
  seconds: number;
  connections: number;
  /** Thresholds to try besides "off": the production default (config `shedEventLoopDelayMs`), a tighter one. */
  thresholdsMs: number[];
}

const entry = fileURLToPath(new URL('./servers/stembot-intake.ts', import.meta.url));

async function run(o: SheddingOptions, name: string, shedMs: number): Promise<OpenLoopResult> {
  const rate = Math.round(o.capacityRps * o.overload);
  // Fresh jobs for the first 10,000 callbacks, repeats after that (both are paths Kie takes).
  const jobs = jobSpecs(Math.min(10_000, Math.round(rate * o.seconds)));
  const file = await writeJobs(o.dir, name, jobs);
  const proc = new StembotProcess(stembotEnv(o.dir, name, file, { shedEventLoopDelayMs: shedMs }), { entry, readyTimeoutMs: 180_000 });
  const url = await proc.start();
  try {
    return await openLoop({ url, ratePerSec: rate, seconds: o.seconds, connections: o.connections, timeoutMs: KIE_CALLBACK_TIMEOUT_MS, next: callbackStream(jobs, HMAC_KEY).next });
  } finally {
    await proc.stop();
  }
}

const view = (r: OpenLoopResult) => ({
  due: r.due,
  accepted200: r.byStatus['200'] ?? 0,
  refused503: r.byStatus['503'] ?? 0,
  refusedWithRetryAfter: r.refusedWithRetryAfter,
  timedOutAfter15s: r.timedOut,
  otherStatuses: Object.fromEntries(Object.entries(r.byStatus).filter(([k]) => k !== '200' && k !== '503')),
  errors: r.errors,
  acceptedP50Ms: round(r.acceptedMs.p50, 0),
  acceptedP99Ms: round(r.acceptedMs.p99, 0),
  acceptedMaxMs: round(r.acceptedMs.max, 0),
  acceptedP99FirstThirdMs: round(r.acceptedFirstThirdMs.p99, 0),
  acceptedP99LastThirdMs: round(r.acceptedLastThirdMs.p99, 0),
  refusedP99Ms: round(r.refusedMs.p99, 0),
});

export async function sheddingBench(o: SheddingOptions) {
  const off = view(await run(o, 'shed-off', 0));
  const on: (ReturnType<typeof view> & { maxEventLoopDelayMs: number; acceptedP99VsOff: number | null; kieTimeoutVsAcceptedP99: number | null })[] = [];
  for (const ms of o.thresholdsMs) {
    const v = view(await run(o, `shed-${ms}`, ms));
    on.push({ maxEventLoopDelayMs: ms, ...v, acceptedP99VsOff: ratio(v.acceptedP99Ms, off.acceptedP99Ms), kieTimeoutVsAcceptedP99: ratio(KIE_CALLBACK_TIMEOUT_MS, v.acceptedP99Ms) });
  }
  return {
    settings: { rateRps: Math.round(o.capacityRps * o.overload), overloadVsCapacity: o.overload, seconds: o.seconds, connections: o.connections, kieTimeoutMs: KIE_CALLBACK_TIMEOUT_MS },
    off: { ...off, kieTimeoutVsAcceptedP99: ratio(KIE_CALLBACK_TIMEOUT_MS, off.acceptedP99Ms) },
    on,
  };
}
