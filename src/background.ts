// The background half of stembot, started once the server listens: Kie's client, the outbox worker and the
// poller. Separate from stembot.ts so the composition reads in one screen.
import type { Config } from './config.js';
import type { JobService } from './core/job-service.js';
import { Poller } from './core/poller.js';
import type { ChatPorts, Clock, JobStore, KiePort } from './core/ports.js';
import type { Job, JobEvent } from './core/types.js';
import type { DownloadCredentials } from './delivery/credentials.js';
import type { Downloader } from './delivery/downloader.js';
import { OutboxWorker } from './delivery/outbox-worker.js';
import { openSubmitGate } from './cluster/open-gate.js';
import { KieClient } from './kie/client.js';
import { createKiePort } from './kie/port.js';
import type { Logger } from './ops/logger.js';
import type { Metrics } from './ops/metrics.js';
import type { SpendMetrics } from './ops/spend-metrics.js';
import { QueueRefresher } from './delivery/queue-refresher.js';
import { SpendAlerts } from './delivery/spend-alerts.js';

/** Kie, or the in-process simulator in demo mode (then `simApiUrl` is its address on this server). */
export function createKie(config: Config, logger: Logger, simApiUrl?: string): { kie: KiePort; client: KieClient } {
  const t = config.tuning;
  const client = new KieClient({
    apiUrl: simApiUrl ?? config.kie.apiUrl,
    uploadUrl: simApiUrl ?? config.kie.uploadUrl,
    apiKey: config.kie.apiKey ?? 'demo-key',
    submitPerWindow: t.kieSubmitPerWindow,
    submitWindowMs: t.kieSubmitWindowMs,
    // Several instances share Kie's per-account limit through Redis or Postgres (src/cluster/); closed with the client.
    submitGate: openSubmitGate(config, logger),
    timeoutMs: t.kieRequestTimeoutMs,
  });
  return { kie: createKiePort(client, { uploadPath: 'stembot', costs: config.spend.costs }), client };
}

export interface BackgroundDeps {
  config: Config;
  store: JobStore;
  service: JobService;
  chat: ChatPorts;
  kie: KiePort;
  downloader: Downloader;
  /** Platform credentials for downloading private files, registered by the adapters. */
  credentials?: DownloadCredentials;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Base of the callback URLs given to Kie. */
  callbackBase: string;
  /** Kie can reach us: poll only after a grace period. Otherwise poll from the start. */
  callbacksExpected: boolean;
  spendMetrics?: SpendMetrics;
}

export function createBackground(d: BackgroundDeps): { worker: OutboxWorker; poller: Poller; alerts: SpendAlerts; queue: QueueRefresher } {
  const t = d.config.tuning;
  const now = () => d.clock.now();
  const ingest = (job: Job, e: JobEvent) => d.service.ingest(job, e);
  const alerts = new SpendAlerts({
    store: d.store,
    kie: d.kie,
    chat: d.chat,
    clock: d.clock,
    lowBalance: d.config.spend.lowBalance,
    log: d.logger,
    onBalance: (n) => d.spendMetrics?.balance.set(n),
  });
  const afterSubmit = (job: Job) => {
    d.spendMetrics?.creditsSpent.inc({ kind: job.kind, platform: job.platform }, job.cost);
    alerts.afterSubmit().catch((err) => d.logger.warn({ err }, 'low-balance check failed'));
  };
  const worker = new OutboxWorker({
    store: d.store,
    chat: d.chat,
    now,
    log: d.logger,
    tickMs: t.outboxTickMs,
    leaseMs: t.outboxLeaseMs,
    concurrency: t.outboxConcurrency,
    maxAttempts: t.outboxMaxAttempts,
    baseDelayMs: t.outboxBaseDelayMs,
    maxDelayMs: t.outboxMaxDelayMs,
    steps: {
      store: d.store,
      kie: d.kie,
      downloader: d.downloader,
      now,
      callbackUrlFor: (token) => `${d.callbackBase}/callbacks/kie/${token}`,
      firstPollDelayMs: d.callbacksExpected ? t.callbackGraceMs : t.pollIntervalMs,
      maxInputBytes: t.maxInputBytes,
      audioUrlRefusalMemoryMs: t.audioUrlRefusalMemoryMs,
      ingest,
      ...(d.credentials ? { credentials: d.credentials } : {}),
      log: d.logger,
      afterSubmit,
    },
    delivery: { store: d.store, downloader: d.downloader, now, maxStemBytes: t.maxStemBytes, downloadConcurrency: t.downloadConcurrency, log: d.logger },
    onStep: (item, job, result) => {
      d.metrics.steps.inc({ kind: item.kind, result: result.ok ? 'ok' : result.retry ? 'retry' : 'dead' });
      if (item.kind === 'deliver' && result.ok && job.finishedAt) d.metrics.deliveryLatency.observe((now() - job.finishedAt) / 1000);
    },
  });
  const poller = new Poller({
    store: d.store,
    kie: d.kie,
    clock: d.clock,
    ingest,
    intervalMs: t.pollIntervalMs,
    maxAgeMs: t.pollMaxAgeMs,
    taskNotFoundGraceMs: t.taskNotFoundGraceMs,
    tickMs: t.pollTickMs,
    batch: 20,
    log: d.logger,
    onPoll: (outcome) => d.metrics.polls.inc({ outcome }),
  });
  const queue = new QueueRefresher({
    store: d.store,
    chat: d.chat,
    clock: d.clock,
    tickMs: t.queueRefreshMs,
    minEditMs: t.queueEditMinIntervalMs,
    batch: t.queueRefreshBatch,
    perWindow: t.kieSubmitPerWindow,
    windowMs: t.kieSubmitWindowMs,
    log: d.logger,
    onWork: () => worker.wake(),
  });
  return { worker, poller, alerts, queue };
}
