// The tables `npm run bench` prints: each scenario's figures next to its same-run baselines, with ratios.
import type { deliveryBench } from './delivery.js';
import type { e2eBench } from './e2e.js';
import type { intakeBench } from './intake.js';
import { table } from './lib/table.js';
import type { sheddingBench } from './shedding.js';
import type { storeBench } from './store.js';
import type { submissionBench } from './submission.js';

type R<F extends (...a: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
const x = (r: number | null) => (r === null ? '—' : `${r}×`);

export function printIntake(r: R<typeof intakeBench>): string {
  const rows = r.rows.map((row) => [row.name, row.rps, row.p50Ms, row.p99Ms, row.non2xx + row.errors + row.timeouts, row.refused503]);
  return [
    table(`(a) POST /callbacks/kie/:token — ${r.settings.connections} connections, ${r.settings.seconds} s each in ${r.settings.rounds} rounds, worker ${r.settings.worker}`, ['server', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'of which 503'], rows),
    `stembot wrote ${r.written.eventsApplied} applied + ${r.written.eventsDuplicate} duplicate events + ${r.written.repeatsCounted} repeats counted on their job (${r.written.outboxRows} deliveries queued)`,
    `mix sent to stembot: ${r.mix.stembot.fresh} new + ${r.mix.stembot.repeats} repeats = ${r.mix.stembot.freshShare} new (intended 0.5)${r.mix.stembot.ranOutOfJobs ? ' — RAN OUT OF JOBS, mix drifted to repeats' : ''}; stored: ${r.mix.stored.freshShare} new`,
    `ratios (median of the rounds): req/s vs seed Express ${x(r.ratios.rpsVsExpressMedianOfRounds)}, vs bare Fastify ${x(r.ratios.rpsVsBareFastifyMedianOfRounds)}`,
    `ratios (whole run): req/s vs bare Fastify ${x(r.ratios.rpsVsBareFastify)}, vs seed Express ${x(r.ratios.rpsVsExpress)}; p99 vs bare Fastify ${x(r.ratios.p99VsBareFastify)}, vs seed Express ${x(r.ratios.p99VsExpress)}`,
    `headroom: req/s vs Kie's most callbacks per account (~8/s) ${x(r.ratios.rpsVsKieMaxCallbackRate)}; Kie's 15 s timeout vs p99 ${x(r.ratios.kieTimeoutVsP99)}`,
  ].join('\n');
}

export function printShedding(r: R<typeof sheddingBench>): string {
  const row = (s: (typeof r.rows)[number]) => [s.name, s.due, s.accepted200, s.refused503, s.refusedWithRetryAfter, s.timedOutAfter15s + s.errors, s.acceptedP50Ms, s.acceptedP99Ms, `${s.acceptedP99FirstThirdMs} → ${s.acceptedP99LastThirdMs}`, s.mix.freshShare, s.generatorCores];
  return [
    table(
      `(e) open-loop overload: ${r.settings.rateRps} callbacks/s (${r.settings.overloadVsCapacity}× stembot's capacity of ${r.settings.capacityRps} req/s, ${r.settings.capacityFrom}) for ${r.settings.seconds} s over ${r.settings.connections} connections`,
      ['shedding', 'sent', '200', '503', 'w/ Retry-After', '>15 s or failed', 'p50 ms (200)', 'p99 ms (200)', 'p99 first → last third', 'new share', 'sender cores'],
      r.rows.map(row),
    ),
    `ratios: Kie's 15 s timeout vs accepted p99 — ${r.rows.map((s) => `${s.name}: ${x(s.kieTimeoutVsAcceptedP99)}`).join('; ')}`,
  ].join('\n');
}

export function printE2e(r: R<typeof e2eBench>): string {
  return [
    table(
      `(f) ${r.settings.jobs} jobs in flight × ${r.settings.stemsPerJob} stems of ${Math.round(r.settings.stemBytes / 1024)} KiB (${r.settings.totalMiB} MiB) from the Kie simulator to ${r.settings.chat}; final callbacks spread over ${r.settings.finalCallbacksSpreadMs} ms`,
      ['relay', 'p50 ms (final callback → last stem)', 'p99 ms', 'wall ms (first final callback → last stem)'],
      [
        ['stembot (store, outbox worker, guarded downloads, DiscordChat)', r.stembot.p50Ms, r.stembot.p99Ms, r.stembot.wallMs],
        ['plain sequential download + upload of the same files', `${r.naive.perJobMs} per job`, '—', r.naive.wallMs],
      ],
    ),
    `ratios: wall vs plain relay ${x(r.ratios.wallVsNaive)}; p50 vs plain relay per job ${x(r.ratios.p50VsNaivePerJob)}; p99 vs plain relay's whole run ${x(r.ratios.p99VsNaiveWall)}`,
  ].join('\n');
}

export function printDelivery(r: R<typeof deliveryBench>): string {
  return [
    table(`(b) ${r.settings.stems} stems × ${r.settings.stemMiB} MiB (${r.settings.totalMiB} MiB) from the Kie simulator to a chat server, ${r.settings.filesPerMessage} files per message`, ['relay', 'wall ms', 'peak RSS growth MiB'], [
      ['stembot, HTTP ChatPort (streams from disk)', r.stembotHttp.wallMs, r.stembotHttp.rssGrowthMiB],
      ['stembot, DiscordChat (production Discord port)', r.stembotDiscordJs.wallMs, r.stembotDiscordJs.rssGrowthMiB],
      ['plain sequential download + upload', r.naive.wallMs, r.naive.rssGrowthMiB],
    ]),
    `ratios: wall time vs plain ${x(r.ratios.wallVsNaive)} (DiscordChat ${x(r.ratios.discordJsWallVsNaive)}); RSS growth vs plain ${x(r.ratios.rssGrowthVsNaive)}, vs the data relayed ${x(r.ratios.rssGrowthVsData)} (DiscordChat ${x(r.ratios.discordJsRssGrowthVsData)})`,
  ].join('\n');
}

export function printSubmission(r: R<typeof submissionBench>): string {
  return [
    table(`(c) ${r.settings.jobs} jobs queued at once; limit ${r.settings.limit}`, ['measure', 'value'], [
      ['accepted by Kie (simulator)', r.accepted],
      ['HTTP 429 answered', r.rateLimited429],
      ['most accepted in any sliding window', r.maxAcceptedInAnyWindow],
      ['achieved submissions/s', r.achievedPerSec],
      ['limit submissions/s', r.limitPerSec],
    ]),
    `ratios: achieved vs limit ${x(r.ratios.achievedVsLimit)}; busiest window vs limit ${x(r.ratios.maxWindowVsLimit)}`,
  ].join('\n');
}

export function printStore(r: R<typeof storeBench>): string {
  const row = (op: string, s: { p50: number; p99: number }, jobs: number) => [`${op} — ${jobs.toLocaleString('en')} jobs`, s.p50, s.p99];
  return [
    table('(d) SQLite store, per operation', ['operation', 'p50 µs', 'p99 µs'], [
      row('findByToken', r.small.findByTokenUs, r.small.jobs),
      row('findByToken', r.big.findByTokenUs, r.big.jobs),
      row('applyEvent', r.small.applyEventUs, r.small.jobs),
      row('applyEvent', r.big.applyEventUs, r.big.jobs),
    ]),
    `ratios 1M vs 1k jobs: findByToken p50 ${x(r.ratios.findByTokenP50BigVsSmall)}, p99 ${x(r.ratios.findByTokenP99BigVsSmall)}; applyEvent p50 ${x(r.ratios.applyEventP50BigVsSmall)}, p99 ${x(r.ratios.applyEventP99BigVsSmall)}`,
    `bulk insert of ${r.big.jobs.toLocaleString('en')} jobs: ${(r.big.bulkInsertMs / 1000).toFixed(1)} s (${r.big.bulkInsertRowsPerSec.toLocaleString('en')} rows/s, one transaction)`,
  ].join('\n');
}
