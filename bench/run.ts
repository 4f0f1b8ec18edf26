// `npm run bench`: every scenario measured against its baselines in the same run, on 127.0.0.1, printed as
// tables and written to bench/results.json. Figures are only meaningful as ratios to those baselines: the
// machine (printed first) may be small and shared. Servers run in child processes; load comes from this one.
// Env: BENCH_ONLY=intake,shedding,e2e,delivery,submission,store (a subset; written to results.partial.json),
// BENCH_SECONDS (intake, default 15, in 5 rounds), BENCH_INTAKE_JOBS (80000: enough that half the callbacks stay new), BENCH_SUBMIT_JOBS (500) and BENCH_SUBMIT_WINDOW_MS (1000; Kie's is 10000).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deliveryBench } from './delivery.js';
import { e2eBench } from './e2e.js';
import { intakeBench } from './intake.js';
import { machine } from './lib/machine.js';
import { printDelivery, printE2e, printIntake, printShedding, printStore, printSubmission } from './report.js';
import { sheddingBench } from './shedding.js';
import { storeBench } from './store.js';
import { submissionBench } from './submission.js';

const only = new Set((process.env.BENCH_ONLY ?? 'intake,shedding,e2e,delivery,submission,store').split(','));
const partial = process.env.BENCH_ONLY !== undefined;
const out = (s: string) => process.stdout.write(`${s}\n`);
const started = Date.now();
const m = machine();
out(`stembot benchmark — ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load ${m.loadAverage1m}`);
const dir = await mkdtemp(join(tmpdir(), 'stembot-bench-'));
const results: Record<string, unknown> = { machine: m, startedAt: new Date(started).toISOString() };
try {
  let capacityRps: number | undefined;
  if (only.has('intake')) {
    out('\n(a) callback intake …');
    const r = await intakeBench({ dir, jobs: Number(process.env.BENCH_INTAKE_JOBS ?? 80_000), seconds: Number(process.env.BENCH_SECONDS ?? 15), rounds: 5, warmupSec: 2, connections: 50 });
    capacityRps = r.rows[0]!.rps;
    results.intake = r;
    out(printIntake(r));
  }
  if (only.has('shedding')) {
    out('\n(e) load shedding under 3× stembot\'s own capacity …');
    const r = await sheddingBench({ dir, ...(capacityRps !== undefined ? { capacityRps } : {}), overload: 3, seconds: 10, connections: 256 });
    results.shedding = r;
    out(printShedding(r));
  }
  if (only.has('e2e')) {
    out('\n(f) end to end, 100 jobs in flight …');
    const r = await e2eBench(dir, { jobs: 100, stemBytes: 64 * 1024 });
    results.e2e = r;
    out(printE2e(r));
  }
  if (only.has('delivery')) {
    out('\n(b) delivery of 12 × 9 MiB stems …');
    const r = await deliveryBench(dir);
    results.delivery = r;
    out(printDelivery(r));
  }
  if (only.has('submission')) {
    out('\n(c) submission of queued jobs …');
    const r = await submissionBench(dir, { jobs: Number(process.env.BENCH_SUBMIT_JOBS ?? 500), perWindow: 20, windowMs: Number(process.env.BENCH_SUBMIT_WINDOW_MS ?? 1_000) });
    results.submission = r;
    out(printSubmission(r));
  }
  if (only.has('store')) {
    out('\n(d) store with 1,000,000 jobs …');
    const r = await storeBench(dir, { jobs: 1_000_000, baselineJobs: 1_000, lookups: 20_000, events: 5_000 });
    results.store = r;
    out(printStore(r));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
results.durationSec = Math.round((Date.now() - started) / 1000);
const file = fileURLToPath(new URL(partial ? './results.partial.json' : './results.json', import.meta.url));
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
out(`\nwhole run ${results.durationSec as number} s; results written to bench/${partial ? 'results.partial.json' : 'results.json'}`);
