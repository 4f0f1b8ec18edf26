// The environment (README "Configuration"), parsed by one zod schema. A bad value stops start-up with one line
// naming the variable; secrets are never echoed back.
import { z } from 'zod';
import { parseCosts, type CostTable } from './core/costs.js';

/** Every tunable number in one place, units in the names (docs/conventions.md, habit 3). */
export const defaults = {
  host: '0.0.0.0',
  /** Demo mode (the simulator accepts any bearer) listens on loopback unless HOST says otherwise. */
  demoHost: '127.0.0.1',
  port: 3000,
  databaseUrl: 'sqlite:./data/stembot.db',
  dataDir: './data',
  kieApiUrl: 'https://api.kie.ai',
  kieUploadUrl: 'https://kieai.redpandaai.co',
  discordApiUrl: 'https://discord.com/api',
  slackApiUrl: 'https://slack.com/api/',
  logLevel: 'info',
  /** Kie allows 20 new generation requests per 10 s per account. */
  kieSubmitPerWindow: 20,
  kieSubmitWindowMs: 10_000,
  kieRequestTimeoutMs: 30_000,
  /** Kie asks for 256 KiB at most in a callback; its payloads are a few KiB. */
  maxCallbackBodyBytes: 256 * 1024,
  webhookToleranceSec: 300,
  /** Kie's callback pages recommend polling every 30 s (docs/kie-api.md "Polling"). */
  pollIntervalMs: 30_000,
  /** With a PUBLIC_URL, a job that has not called back after this long is polled. */
  callbackGraceMs: 120_000,
  /** A job still unfinished after this long is given up with a notice. */
  pollMaxAgeMs: 3 * 60 * 60_000,
  /**
   * A record-info read that says Kie does not know the task (docs/kie-answers.md) fails the job once the task
   * is older than this: a task submitted a moment ago may not be readable yet.
   */
  taskNotFoundGraceMs: 5 * 60_000,
  /** Kie deletes uploaded files after 3 days (docs/kie-api.md "File Upload API"); a little less, to be safe. */
  kieUploadRetentionMs: 3 * 24 * 60 * 60_000 - 60 * 60_000,
  /** How long a refusal of `audioUrl` by Kie is remembered (shared through the store). */
  audioUrlRefusalMemoryMs: 60 * 60_000,
  pollTickMs: 1_000,
  outboxTickMs: 250,
  outboxLeaseMs: 5 * 60_000,
  /**
   * With the backoff below (doubling from 1 s, at most 5 min apart, jittered between half and all of that) 24
   * attempts span 39 to 78 minutes, about an hour on average: a Discord, Slack or Kie outage that long delays a
   * job's posts, it does not drop them. (8 attempts spanned 1–2 minutes, and a longer outage left finished
   * stems undelivered.)
   */
  outboxMaxAttempts: 24,
  outboxBaseDelayMs: 1_000,
  outboxMaxDelayMs: 5 * 60_000,
  outboxConcurrency: 4,
  /** Largest stem stembot downloads at all; larger ones are linked. */
  maxStemBytes: 200 * 1024 * 1024,
  downloadTimeoutMs: 120_000,
  /** Kie refuses separation input above 20 MB. */
  maxInputBytes: 20 * 1024 * 1024,
  playgroundMaxFileBytes: 25 * 1024 * 1024,
  /** Stems downloaded at once for one job (each streams to its own temp file). */
  downloadConcurrency: 4,
  /** Jobs one person / one server may have running at once (0 = no cap). */
  maxActivePerUser: 3,
  maxActivePerWorkspace: 20,
  /**
   * Discord gateway on Postgres: how often a follower instance tries to take the gateway over (and the leader
   * checks its session). A dead leader's gateway is back within about this long.
   */
  leaderRetryMs: 5_000,
  /**
   * A gateway leader whose login has not completed after this long (Discord's gateway unreachable from this
   * instance, or dropping it at every IDENTIFY) closes it and gives the lock up, so another instance may try.
   */
  gatewayLoginGiveUpMs: 60_000,
  shutdownGraceMs: 10_000,
  httpCloseGraceMs: 2_000,
  /**
   * Load shedding, backstop: above this mean event-loop delay (sampled every 250 ms) every request but the
   * probes gets 503 + Retry-After (0 = off). Callbacks are bounded by `maxCallbacksInFlight` below; the delay
   * alone goes blind once callbacks are cheap (it tracks connections × cost per request, not the queue), and
   * at 100 ms it refused callbacks in an ordinary, un-overloaded intake run on a busy shared machine, where
   * the process is merely descheduled (docs/intake-performance.md). 1 s means a loop that is truly stuck.
   */
  shedEventLoopDelayMs: 1_000,
  shedRetryAfterSec: 10,
  /**
   * Slow clients (a body dripped one byte at a time) must not hold sockets: a request must arrive whole within
   * httpRequestTimeoutMs (uploads of up to 25 MB: httpUploadTimeoutMs), its headers within httpHeadersTimeoutMs;
   * an idle socket closes after httpIdleSocketTimeoutMs, an idle keep-alive one after httpKeepAliveTimeoutMs.
   * Node checks the header and whole-request limits every httpTimeoutCheckIntervalMs.
   */
  httpRequestTimeoutMs: 30_000,
  httpUploadTimeoutMs: 10 * 60_000,
  httpHeadersTimeoutMs: 15_000,
  httpKeepAliveTimeoutMs: 5_000,
  httpIdleSocketTimeoutMs: 60_000,
  httpTimeoutCheckIntervalMs: 1_000,
  httpMaxConnections: 1_000,
  /**
   * Queue position on status cards: how often waiting jobs' places are recomputed, and the fewest ms between two
   * edits of one card (Discord allows about 5 edits per 5 s per channel, Slack about 1 update per second per
   * channel: docs/chat-platforms.md). 5 s keeps a long queue's cards well inside both.
   */
  queueRefreshMs: 2_000,
  queueEditMinIntervalMs: 5_000,
  /** Queued cards refreshed per pass (the front of the queue; the rest wait their turn). */
  queueRefreshBatch: 50,
  /**
   * Callbacks received and not yet answered above which the next one gets 503 + Retry-After (0 = off). Unlike
   * the loop delay it cannot go blind when callbacks get cheaper: at 3× the intake's own capacity (npm run
   * bench) 64 kept every accepted callback far inside Kie's 15 s, with 0 timeouts (docs/intake-performance.md).
   */
  maxCallbacksInFlight: 64,
  /** SQLite: how often a worker thread checkpoints the WAL (the serving connection never does; 0 = SQLite's own automatic checkpoint). */
  walCheckpointIntervalMs: 1_000,
  /**
   * SQLite: the size the WAL file is cut back to when it restarts from its beginning. Without it the file keeps
   * the size of its largest burst (SQLite reuses it rather than shrinking it); 64 MiB is what the checkpoint
   * worker lets the WAL reach before it forces a restart (docs/intake-performance.md).
   */
  walSizeLimitBytes: 64 * 1024 * 1024,
  /** `npm run doctor`: one HTTP request of a check (Kie, Discord, Slack, the PUBLIC_URL probe). */
  doctorRequestTimeoutMs: 10_000,
  /**
   * `npm run doctor`: the PUBLIC_URL probe is asked again after a 502/503/504 — right after start the server
   * may shed load (src/http/load-shedding.ts) and a proxy may still be connecting to it.
   */
  doctorProbeAttempts: 3,
  doctorProbeRetryDelayMs: 1_000,
  /** `npm run doctor`: connecting to Redis. */
  doctorRedisTimeoutMs: 5_000,
} as const;

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (name: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), { message: `${name} must be an http(s) URL` });

const schema = z.object({
  KIE_API_KEY: optionalString,
  KIE_API_URL: url('KIE_API_URL').default(defaults.kieApiUrl),
  KIE_UPLOAD_URL: url('KIE_UPLOAD_URL').default(defaults.kieUploadUrl),
  KIE_WEBHOOK_HMAC_KEY: optionalString,
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || (/^https?:\/\//.test(v) && URL.canParse(v)), { message: 'must be an http(s) URL' }),
  HOST: optionalString,
  // A string first: z.coerce would read an empty `PORT=` as 0, a random port nobody could find.
  PORT: z
    .string()
    .trim()
    .default(String(defaults.port))
    .refine((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535, { message: `must be a port number (0–65535); leave it unset for ${defaults.port}` })
    .transform(Number),
  DATABASE_URL: z
    .string()
    .trim()
    .default(defaults.databaseUrl)
    .refine((v) => v.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(v), {
      message: 'must be sqlite:<path> or postgres://…',
    }),
  DATA_DIR: z.string().trim().min(1).default(defaults.dataDir),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_PUBLIC_KEY: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^[0-9a-fA-F]{64}$/.test(v), { message: 'must be 64 hex characters (the app’s public key)' }),
  DISCORD_GUILD_ID: optionalString,
  DISCORD_API_URL: url('DISCORD_API_URL').default(defaults.discordApiUrl),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: url('SLACK_API_URL').default(defaults.slackApiUrl),
  DOWNLOAD_ALLOW_HOSTS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((hosts) => hosts.every((h) => /^[a-z0-9.\-[\]:]+$/.test(h)), { message: 'must be a comma list of host[:port]' }),
  PLAYGROUND_PASSWORD: optionalString,
  REDIS_URL: optionalString.refine((v) => !v || (/^rediss?:\/\//.test(v) && URL.canParse(v)), { message: 'must be a redis:// or rediss:// URL' }),
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v ?? '');
      if (parsed === null) ctx.addIssue({ code: 'custom', message: 'must be true, false, a hop count or a comma list of proxy addresses' });
      return parsed ?? false;
    }),
  METRICS_TOKEN: optionalString,
  KIE_COSTS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const r = parseCosts(v);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
    }),
  BUDGET_USER_DAILY: z.coerce.number().int().min(0).default(0),
  BUDGET_SERVER_MONTHLY: z.coerce.number().int().min(0).default(0),
  KIE_LOW_BALANCE: z.coerce.number().int().min(0).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  kie: { apiKey?: string; apiUrl: string; uploadUrl: string; webhookHmacKey?: string };
  /** Demo mode: no KIE_API_KEY, so the built-in simulator stands in for Kie. */
  demo: boolean;
  publicUrl?: string;
  host: string;
  port: number;
  databaseUrl: string;
  /** Shared Kie submission limit across instances (src/cluster/); without it Postgres holds the window. */
  redisUrl?: string;
  dataDir: string;
  discord: { token?: string; applicationId?: string; publicKey?: string; guildId?: string; apiUrl: string };
  slack: { botToken?: string; signingSecret?: string; appToken?: string; apiUrl: string };
  downloadAllowHosts: string[];
  playgroundPassword?: string;
  /** Playground is served in demo mode, or with a real key only when a password guards it. */
  playgroundEnabled: boolean;
  logLevel: Env['LOG_LEVEL'];
  /** Whether X-Forwarded-For / -Proto are believed (Fastify's `trustProxy`): off, all, a hop count, or these proxies. */
  trustProxy: TrustProxy;
  /** When set, /metrics asks for `Authorization: Bearer <token>`. */
  metricsToken?: string;
  tuning: Tuning;
  /** Spend control: credits per Kie operation, budgets (0 = none), low-balance alert threshold (0 = off). */
  spend: { costs: CostTable; budgetUserDaily: number; budgetServerMonthly: number; lowBalance: number };
}
export type Tuning = { -readonly [K in keyof typeof defaults]: (typeof defaults)[K] extends string ? string : number };

export type TrustProxy = boolean | number | string[];

/** `true`/`false`, a hop count, or a comma list of proxy addresses / CIDRs; null when malformed. */
function parseTrustProxy(raw: string): TrustProxy | null {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((a) => a.trim()).filter(Boolean);
  return list.length > 0 && list.every((a) => /^[0-9a-f.:]+(\/\d{1,3})?$/.test(a)) ? list : null;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/** Parse the environment. The message names the first bad variable and never echoes its value. */
export function loadConfig(env: Record<string, string | undefined>, tuning: Partial<Tuning> = {}): ConfigResult {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const text = issue.message.replace(/^Invalid input: ?/, '');
    // Some messages already start with the variable's name: say it once.
    return { ok: false, message: `Invalid configuration: ${text.startsWith(`${name} `) ? text : `${name} ${text}`}` };
  }
  const e = parsed.data;
  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) {
    return { ok: false, message: 'Invalid configuration: DISCORD_APPLICATION_ID is required when DISCORD_TOKEN is set' };
  }
  if (e.DISCORD_PUBLIC_KEY && !e.DISCORD_TOKEN) {
    return { ok: false, message: 'Invalid configuration: DISCORD_TOKEN is required with DISCORD_PUBLIC_KEY (status messages and stems are posted as the bot)' };
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    return {
      ok: false,
      message: 'Invalid configuration: SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required with SLACK_BOT_TOKEN',
    };
  }
  const demo = !e.KIE_API_KEY;
  return {
    ok: true,
    config: {
      kie: { apiKey: e.KIE_API_KEY, apiUrl: e.KIE_API_URL, uploadUrl: e.KIE_UPLOAD_URL, webhookHmacKey: e.KIE_WEBHOOK_HMAC_KEY },
      demo,
      publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : undefined,
      // Demo mode's simulator accepts any bearer: reachable from this machine only, unless HOST says otherwise.
      host: e.HOST ?? (demo ? defaults.demoHost : defaults.host),
      port: e.PORT,
      databaseUrl: e.DATABASE_URL,
      redisUrl: e.REDIS_URL,
      dataDir: e.DATA_DIR,
      discord: {
        token: e.DISCORD_TOKEN,
        applicationId: e.DISCORD_APPLICATION_ID,
        publicKey: e.DISCORD_PUBLIC_KEY || undefined,
        guildId: e.DISCORD_GUILD_ID,
        apiUrl: e.DISCORD_API_URL,
      },
      slack: { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL },
      downloadAllowHosts: e.DOWNLOAD_ALLOW_HOSTS,
      playgroundPassword: e.PLAYGROUND_PASSWORD,
      playgroundEnabled: demo || Boolean(e.PLAYGROUND_PASSWORD),
      logLevel: e.LOG_LEVEL,
      trustProxy: e.TRUST_PROXY,
      metricsToken: e.METRICS_TOKEN,
      spend: {
        costs: (parseCosts(e.KIE_COSTS) as { ok: true; table: CostTable }).table,
        budgetUserDaily: e.BUDGET_USER_DAILY,
        budgetServerMonthly: e.BUDGET_SERVER_MONTHLY,
        lowBalance: e.KIE_LOW_BALANCE,
      },
      tuning: { ...(defaults as unknown as Tuning), ...tuning },
    },
  };
}
