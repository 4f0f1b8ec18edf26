// Composition: config → store → core → Fastify app → (after listen) Kie, outbox worker, poller.
// Kie's client and the workers start after `listen` because in demo mode the simulator lives on this
// very server and its address is known only then.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from './config.js';
import { JobService } from './core/job-service.js';
import type { Poller } from './core/poller.js';
import { systemClock, type ChatPorts, type Clock, type JobStore, type KiePort } from './core/ports.js';
import { DownloadCredentials } from './delivery/credentials.js';
import { Downloader } from './delivery/downloader.js';
import type { OutboxWorker } from './delivery/outbox-worker.js';
import type { KieClient } from './kie/client.js';
import { createBackground, createKie } from './background.js';
import { callbackRoute } from './http/callback-route.js';
import { probeKey, probeRoute } from './ops/doctor/probe.js';
import { QuietRequestLog } from './http/request-log.js';
import { installErrorHandler } from './http/errors.js';
import { inFlightGate, loadShedding } from './http/load-shedding.js';
import { cutSlowBodies } from './http/slow-clients.js';
import { createServer } from 'node:http';
import { opsRoutes } from './http/ops-routes.js';
import { createLogger, type Logger } from './ops/logger.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createSpendMetrics } from './ops/spend-metrics.js';
import { fail } from './core/types.js';
import type { SpendAlerts } from './delivery/spend-alerts.js';
import type { QueueRefresher } from './delivery/queue-refresher.js';
import { openStore } from './store/open.js';
import { mountPlayground } from './chat/playground/mount.js';
import { mountSimulator, type MountedSimulator } from './sim/mount.js';
import type { ChatAdapter } from './chat/adapter.js';
import { mountSlack } from './chat/slack/mount.js';
import { mountDiscord } from './chat/discord/mount.js';
import { LeaderLock } from './cluster/leader.js';

export interface StembotOptions {
  clock?: Clock;
  logger?: Logger;
  /** Extra or replacement chat ports (tests, other adapters). */
  chat?: ChatPorts;
  /** Replace Kie entirely (unit tests). */
  kie?: KiePort;
  /** Start without the outbox worker (crash-safety tests stop "between the 200 and delivery"). */
  worker?: boolean;
  collectDefaultMetrics?: boolean;
  /** The raw environment, for adapter-specific variables (AdapterContext.env). */
  env?: Record<string, string | undefined>;
  /** Where downloads are staged (the OS temp dir unless given; tests count what is left in it). */
  tmpDir?: string;
}

export interface Stembot {
  app: FastifyInstance;
  store: JobStore;
  service: JobService;
  metrics: Metrics;
  config: Config;
  chat: ChatPorts;
  sim?: MountedSimulator;
  /** Listen (port 0 picks a free one) and start the workers; answers the base URL. */
  start(port?: number, host?: string): Promise<string>;
  /** Stop intake, let in-flight steps finish (or stay in the outbox), close everything. */
  stop(): Promise<void>;
  worker?: OutboxWorker;
  poller?: Poller;
}

export async function createStembot(config: Config, opts: StembotOptions = {}): Promise<Stembot> {
  const t = config.tuning;
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const store = await openStore(config.databaseUrl, { walCheckpointIntervalMs: t.walCheckpointIntervalMs });
  const metrics = createMetrics(() => store.outboxDepth(), opts.collectDefaultMetrics ?? true);
  const chat: ChatPorts = { ...opts.chat };
  let worker: OutboxWorker | undefined;
  const spendMetrics = createSpendMetrics(metrics.registry);
  let kie: KiePort | undefined = opts.kie;
  let alerts: SpendAlerts | undefined;
  let queue: QueueRefresher | undefined;

  const service = new JobService({
    store,
    clock,
    maxInputBytes: t.maxInputBytes,
    maxActivePerUser: t.maxActivePerUser,
    maxActivePerWorkspace: t.maxActivePerWorkspace,
    uploadRetentionMs: t.kieUploadRetentionMs,
    onWork: () => worker?.wake(),
    onSubmit: (job) => {
      metrics.jobsSubmitted.inc({ kind: job.kind, platform: job.platform });
      logger.info({ jobId: job.id, kind: job.kind, platform: job.platform }, 'job accepted');
    },
    costs: config.spend.costs,
    budgetUserDaily: config.spend.budgetUserDaily,
    budgetServerMonthly: config.spend.budgetServerMonthly,
    balance: async () => {
      if (!kie) return fail('KIE_UNREACHABLE');
      const r = await kie.credits();
      if (r.ok) spendMetrics.balance.set(r.value);
      return r;
    },
    onBudgetRefusal: (command, code) => spendMetrics.budgetRefusals.inc({ budget: code === 'USER_BUDGET' ? 'user_daily' : 'server_monthly', platform: command.origin.platform }),
    onCancel: (job, beforeKie) => spendMetrics.cancels.inc({ platform: job.platform, stage: beforeKie ? 'before_kie' : 'at_kie' }),
    onEvent: (job, event, outcome) => {
      if (!outcome.applied) return;
      if (event.stage === 'failed' && event.code === 'KIE_INSUFFICIENT_CREDITS') alerts?.outOfCredits().catch((err) => logger.warn({ err }, 'out-of-credits notice failed'));
      if (event.stage === 'complete') metrics.jobsCompleted.inc({ kind: job.kind });
      if (event.stage === 'failed') metrics.jobsFailed.inc({ kind: job.kind, code: event.code });
      logger.info({ jobId: job.id, stage: event.stage, source: event.source }, 'job moved');
    },
  });

  const downloader = new Downloader({ allowHosts: config.downloadAllowHosts, timeoutMs: t.downloadTimeoutMs, ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}) });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // Request lines at debug, job lines at info (src/http/request-log.ts).
    logController: new QuietRequestLog(),
    // Believe X-Forwarded-For / -Proto only from configured proxies (TRUST_PROXY): req.ip and req.protocol.
    trustProxy: typeof config.trustProxy === 'number' ? hops(config.trustProxy) : config.trustProxy,
    // Slow clients: see src/http/slow-clients.ts. Node's whole-request limit is the upload routes' longer one.
    requestTimeout: t.httpUploadTimeoutMs,
    connectionTimeout: t.httpIdleSocketTimeoutMs,
    keepAliveTimeout: t.httpKeepAliveTimeoutMs,
    http: { headersTimeout: t.httpHeadersTimeoutMs, connectionsCheckingInterval: t.httpTimeoutCheckIntervalMs },
    // Errors Fastify raises before routing (a malformed URL such as `%zz`) get the app's one error shape too.
    frameworkErrors: (err, _req, reply) => void (reply as FastifyReply).code(400).send({ error: 'bad_request', message: err.message }),
    // Callbacks past the in-flight bound are refused before Fastify sees them (src/http/load-shedding.ts).
    serverFactory: (handler, options) => {
      // The header limit and its checking interval are constructor options: Fastify's `http` option does not
      // reach a server made here, so they are given again (a dripping client must still be cut off).
      const server = createServer(
        { headersTimeout: t.httpHeadersTimeoutMs, connectionsCheckingInterval: t.httpTimeoutCheckIntervalMs },
        inFlightGate(handler, { max: t.maxCallbacksInFlight, retryAfterSec: t.shedRetryAfterSec, onShed: () => metrics.callbacks.inc({ outcome: 'shed' }) }),
      );
      // What Fastify does to the server it makes itself (its defaults are already in `options`).
      const o = options as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
      if (typeof o.keepAliveTimeout === 'number') server.keepAliveTimeout = o.keepAliveTimeout;
      if (typeof o.requestTimeout === 'number') server.requestTimeout = o.requestTimeout;
      if (typeof o.connectionTimeout === 'number') server.setTimeout(o.connectionTimeout);
      return server;
    },
  });
  app.server.maxConnections = t.httpMaxConnections;
  installErrorHandler(app);
  cutSlowBodies(app, t.httpRequestTimeoutMs);
  await app.register(loadShedding, {
    maxEventLoopDelayMs: t.shedEventLoopDelayMs,
    retryAfterSec: t.shedRetryAfterSec,
    onShed: (url) => url === '/callbacks/kie/:token' && metrics.callbacks.inc({ outcome: 'shed' }),
  });
  await app.register(opsRoutes, { store, metrics, metricsToken: config.metricsToken });
  await app.register(callbackRoute, {
    store,
    service,
    clock,
    hmacKey: config.kie.webhookHmacKey,
    toleranceSec: t.webhookToleranceSec,
    bodyLimitBytes: t.maxCallbackBodyBytes,
    checkUrl: (u) => downloader.checkUrl(u),
    pollAfterCallbackMs: t.callbackGraceMs,
    onOutcome: (outcome) => metrics.callbacks.inc({ outcome }),
  });
  // GET /callbacks/kie/probe-…: lets the doctor prove PUBLIC_URL reaches this deployment (src/ops/doctor/).
  await app.register(probeRoute, { key: probeKey(config) });
  const sim = config.demo && !opts.kie ? await mountSimulator(app, config) : undefined;
  const adapters: ChatAdapter[] = [];
  // Adapters register how to read their platform's private files; the token is added only at download time.
  const credentials = new DownloadCredentials();
  // Several instances on Postgres: work only one may do at a time waits for an advisory lock (src/cluster/leader.ts).
  const leaderLock = /^postgres(ql)?:\/\//.test(config.databaseUrl)
    ? (name: string) => new LeaderLock({ connectionString: config.databaseUrl, key: name, retryMs: t.leaderRetryMs, log: logger })
    : undefined;
  const adapterContext = { app, config, service, logger, clock, credentials, uploads: store, env: opts.env ?? process.env, ...(leaderLock ? { leaderLock } : {}) };
  if (config.playgroundEnabled) {
    if (!chat.playground) {
      const playground = await mountPlayground(adapterContext);
      chat.playground = playground.chat;
      adapters.push(playground);
    }
  } else {
    logger.info('playground is off: a real KIE_API_KEY is set and PLAYGROUND_PASSWORD is not (set it to serve the playground at / behind that password)');
  }
  if ((config.discord.token || config.discord.publicKey) && !chat.discord) {
    const discord = await mountDiscord(adapterContext);
    chat.discord = discord.chat;
    adapters.push(discord);
  }
  if (config.slack.botToken && !chat.slack) {
    const slack = await mountSlack(adapterContext);
    chat.slack = slack.chat;
    adapters.push(slack);
  }

  let kieClient: KieClient | undefined;
  let poller: Poller | undefined;

  const stembot: Stembot = {
    app,
    store,
    service,
    metrics,
    config,
    chat,
    ...(sim ? { sim } : {}),
    async start(port = config.port, host = config.host) {
      const address = await app.listen({ port, host });
      const actualPort = (app.server.address() as { port: number }).port;
      const baseUrl = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`;
      if (!kie) {
        // The simulator's files live on this server; the rest of it (/metrics, /playground…) stays refused.
        if (sim) downloader.allowHostPath(new URL(baseUrl).host, `${sim.prefix}/`);
        const made = createKie(config, logger, sim?.attach(baseUrl));
        kie = made.kie;
        kieClient = made.client;
      }
      // Callbacks need a URL Kie can reach: PUBLIC_URL, or this server when the simulator is local.
      const callbacksExpected = Boolean(config.publicUrl) || Boolean(sim);
      const bg = createBackground({ config, store, service, chat, kie, downloader, credentials, clock, logger, metrics, callbackBase: config.publicUrl ?? baseUrl, callbacksExpected, spendMetrics });
      worker = stembot.worker = bg.worker;
      poller = stembot.poller = bg.poller;
      alerts = bg.alerts;
      queue = bg.queue;
      queue.start();
      if (opts.worker !== false) worker.start();
      poller.start();
      for (const a of adapters) await a.start?.();
      logger.info({ address, demo: config.demo, callbacks: callbacksExpected ? 'expected' : 'polling only' }, 'stembot is running');
      return baseUrl;
    },
    async stop() {
      // In-flight requests get a moment to finish; a connection still stuck after that (a client that
      // stopped mid-body) must not hold shutdown hostage.
      const force = setTimeout(() => app.server.closeAllConnections(), t.httpCloseGraceMs);
      await app.close();
      clearTimeout(force);
      for (const a of adapters) await a.stop?.();
      await poller?.stop();
      await queue?.stop();
      await worker?.stop();
      await kieClient?.close();
      await downloader.close();
      await sim?.close();
      await store.close();
    },
  };
  return stembot;
}

/** TRUST_PROXY as a hop count: the nearest `n` proxies are believed. */
function hops(n: number) {
  return (_address: string, hop: number) => hop < n;
}
