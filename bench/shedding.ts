// Load shedding, shown: the same stembot intake under the same open-loop overload — a multiple of stembot's
// OWN capacity measured in this run ((a), or a short closed-loop measurement when (a) did not run) — with
// shedding off, with only the event-loop-delay check, and with the bound on callbacks in flight (the
// default). Off, every callback waits in the growing queue; the delay check goes blind once requests are
// cheap (the delay tracks connections × cost per request, not the queue); the in-flight bound refuses the
// excess at once with 503 + Retry-After whatever each request costs, and the accepted ones stay fast.
import { fileURLToPath } from 'node:url';
import { defaults } from '../src/config.js';
import { StembotProcess } from '../test/support/stembot-process.js';
import { callbackStream, jobsFor, jobSpecs, type JobSpec, type Mix } from './lib/callbacks.js';
import { load } from './lib/load.js';
import { openLoop, type OpenLoopResult } from './lib/open-loop.js';
import { ratio, round } from './lib/stats.js';
import { HMAC_KEY, KIE_CALLBACK_TIMEOUT_MS, stembotEnv, writeJobs } from './intake.js';

export interface SheddingOptions {
  dir: string;
  /** stembot's closed-loop capacity from (a) of the same run; measured here when absent. */
  capacityRps?: number;
  overload: number;
  seconds: number;
  connections: number;
}

const entry = fileURLToPath(new URL('./servers/stembot-intake.ts', import.meta.url));

interface Variant {
  name: string;
  tuning: { shedEventLoopDelayMs: number; maxCallbacksInFlight: number };
}

async function start(o: SheddingOptions, name: string, jobsFile: string, tuning: object): Promise<{ proc: StembotProcess; url: string }> {
  const proc = new StembotProcess(stembotEnv(o.dir, name, jobsFile, tuning), { entry, readyTimeoutMs: 180_000 });
  return { proc, url: await proc.start() };
}

/** Closed loop, 50 connections, as in (a): what this stembot answers per second on this machine right now. */
async function measureCapacity(o: SheddingOptions): Promise<number> {
  const jobs = jobSpecs(80_000);
  const { proc, url } = await start(o, 'shed-capacity', await writeJobs(o.dir, 'shed-capacity', jobs), {});
  try {
    const stream = callbackStream(jobs, HMAC_KEY);
    const r = await load({ url, connections: 50, duration: 5, requests: [{ setupRequest: (req) => ({ ...req, method: 'POST', ...stream.next() }) }] }, 2);
    return r.rps;
  } finally {
    await proc.stop();
  }
}

async function run(o: SheddingOptions, rate: number, v: Variant, jobs: JobSpec[], jobsFile: string): Promise<OpenLoopResult & { mix: Mix }> {
  const { proc, url } = await start(o, v.name, jobsFile, v.tuning);
  try {
    const stream = callbackStream(jobs, HMAC_KEY);
    const r = await openLoop({ url, ratePerSec: rate, seconds: o.seconds, connections: o.connections, timeoutMs: KIE_CALLBACK_TIMEOUT_MS, next: stream.next });
    return { ...r, mix: stream.mix() };
  } finally {
    await proc.stop();
  }
}

const view = (r: OpenLoopResult & { mix: Mix }) => ({
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
  mix: r.mix,
  /** CPU the load generator used (it shares the cores with the server). */
  generatorCores: r.generatorCores,
});

export async function sheddingBench(o: SheddingOptions) {
  const capacityRps = o.capacityRps ?? (await measureCapacity(o));
  const rate = Math.round(capacityRps * o.overload);
  // The same jobs for every variant (each gets a fresh database), enough that half the callbacks stay new.
  const jobs = jobSpecs(jobsFor(rate, o.seconds));
  const jobsFile = await writeJobs(o.dir, 'shed', jobs);
  const variants: Variant[] = [
    { name: 'off', tuning: { shedEventLoopDelayMs: 0, maxCallbacksInFlight: 0 } },
    // The former default, alone: the check the in-flight bound replaces for callbacks.
    { name: 'event-loop delay 100 ms only (former default)', tuning: { shedEventLoopDelayMs: 100, maxCallbacksInFlight: 0 } },
    {
      name: `${defaults.maxCallbacksInFlight} callbacks in flight + delay ${defaults.shedEventLoopDelayMs} ms (default)`,
      tuning: { shedEventLoopDelayMs: defaults.shedEventLoopDelayMs, maxCallbacksInFlight: defaults.maxCallbacksInFlight },
    },
  ];
  const rows: (ReturnType<typeof view> & { name: string; kieTimeoutVsAcceptedP99: number | null })[] = [];
  for (const [i, v] of variants.entries()) {
    const r = view(await run(o, rate, { ...v, name: `shed-${i}` }, jobs, jobsFile));
    rows.push({ name: v.name, ...r, kieTimeoutVsAcceptedP99: ratio(KIE_CALLBACK_TIMEOUT_MS, r.acceptedP99Ms) });
  }
  return {
    settings: {
      capacityRps,
      capacityFrom: o.capacityRps === undefined ? 'measured here (closed loop, 50 connections, 5 s)' : '(a) of this run',
      rateRps: rate,
      overloadVsCapacity: o.overload,
      seconds: o.seconds,
      connections: o.connections,
      kieTimeoutMs: KIE_CALLBACK_TIMEOUT_MS,
    },
    rows,
  };
}
