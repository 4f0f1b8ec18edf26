// POST /callbacks/kie/:token — the least that makes Kie's event durable: parse, check the HMAC (when
// configured) and the result URLs, then ONE store call that finds the job by its token and commits the event
// with its outbox work (JobStore.intakeCallback), answer 200 after that commit. It never
// downloads, never calls chat and never waits on Kie (Kie gives a callback 15 s; we answer in ms).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createSecretKey } from 'node:crypto';
import type { JobService } from '../core/job-service.js';
import type { Clock, JobStore } from '../core/ports.js';
import type { JobEvent } from '../core/types.js';
import { parseCallback } from '../kie/callbacks.js';
import { verifyWebhook } from '../kie/signature.js';

export interface CallbackRouteOptions {
  store: JobStore;
  service: JobService;
  clock: Clock;
  hmacKey?: string;
  toleranceSec: number;
  bodyLimitBytes: number;
  /** Synchronous URL check (scheme, literal private addresses): refuse what the downloader would refuse. */
  checkUrl: (url: string) => { ok: true } | { ok: false; reason: string };
  /** Next poll for a job that calls back (callbacks are flowing, so polling can wait). */
  pollAfterCallbackMs: number;
  onOutcome?: (outcome: string) => void;
}

// Tokens are 24 random bytes in base64url (32 characters); anything else cannot be one of ours.
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export async function callbackRoute(app: FastifyInstance, o: CallbackRouteOptions): Promise<void> {
  // Per-request access logs are off here (warn and above): at Kie's volume they were most of the route's cost;
  // outcomes are counted in /metrics (stembot_callbacks_total) and job moves are logged with their job id.
  // One logger for every callback instead of a child per request (a pino child per request was ~2 % of the
  // intake's time, docs/intake-performance.md); its lines carry the job id rather than a request id.
  const log = app.log.child({ route: 'kie-callback' }, { level: atLeastWarn(app.log.level) });
  // Made once for the route, not as closures per request: on the hot path every allocation counts.
  const answer = (reply: FastifyReply, status: number, outcome: string, message: string) => {
    o.onOutcome?.(outcome);
    return reply.code(status).send({ error: outcome, message });
  };
  // The checks that need no job run first; the job is found inside the store's one call. A refusal there is
  // rare and may look the job up, so the answer stays the one the documented order gives (404 before any
  // other refusal, a task mismatch before a refused URL).
  const refuse = async (reply: FastifyReply, token: string, status: number, outcome: string, message: string, taskId?: string) => {
    const job = await o.store.findByToken(token);
    if (!job) return answer(reply, 404, 'unknown_token', 'No job has this callback URL.');
    if (taskId !== undefined && job.taskId !== null && job.taskId !== taskId) return answer(reply, 409, 'task_mismatch', TASK_MISMATCH);
    return answer(reply, status, outcome, message);
  };
  // Imported once: an HMAC keyed with a string imports the key again on every request.
  const hmacKey = o.hmacKey ? createSecretKey(Buffer.from(o.hmacKey, 'utf8')) : undefined;
  app.post<{ Params: { token: string } }>('/callbacks/kie/:token', { bodyLimit: o.bodyLimitBytes, childLoggerFactory: () => log }, async (req, reply) => {
    // Kie posts JSON; Fastify would also parse text/plain, which is not a callback.
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      return answer(reply, 400, 'unsupported_content_type', 'Send the body as application/json.');
    }
    const token = req.params.token;
    if (!TOKEN.test(token)) return answer(reply, 404, 'unknown_token', 'No job has this callback URL.');
    const parsed = parseCallback(req.body);
    if (!parsed.ok) return refuse(reply, token, 400, 'malformed', parsed.reason);
    if (hmacKey) {
      const v = verifyWebhook({
        key: hmacKey,
        taskId: parsed.taskId,
        timestamp: req.headers['x-webhook-timestamp'] as string | undefined,
        signature: req.headers['x-webhook-signature'] as string | undefined,
        nowMs: o.clock.now(),
        toleranceSec: o.toleranceSec,
      });
      if (!v.ok) return refuse(reply, token, 401, 'bad_signature', `Webhook signature check failed: ${v.code}.`);
    }
    for (const u of urlsOf(parsed.event)) {
      const v = o.checkUrl(u);
      if (!v.ok) return refuse(reply, token, 400, 'url_not_allowed', `Result URL refused: ${v.reason}.`, parsed.taskId);
    }
    // ONE store call: find the job, adopt the task if its submission answer was lost, apply the event with its
    // outbox work (or count a repeat), note the callback — committed before it answers, so a 200 is durable.
    const out = await o.service.intakeCallback(token, parsed.taskId, parsed.event, o.clock.now() + o.pollAfterCallbackMs);
    if (!out.ok) {
      if (out.code === 'unknown_token') return answer(reply, 404, 'unknown_token', 'No job has this callback URL.');
      if (out.code === 'cancelled_without_task') {
        // Cancelled: nothing is delivered, and Kie is told 200 so it stops retrying. The store has recorded the
        // task Kie accepted in the same moment as the cancel, so its cost counts as spent (docs/costs.md).
        o.onOutcome?.('terminal');
        return reply.code(200).type(JSON_TYPE).send(RECEIVED_NOT_APPLIED);
      }
      if (out.code === 'not_submitted') return answer(reply, 409, 'task_mismatch', 'This job was never submitted to Kie; this callback cannot be its.');
      return answer(reply, 409, 'task_mismatch', TASK_MISMATCH);
    }
    if (out.applied && out.adopted) {
      // Kie called back on this job's own secret URL, yet stembot never recorded a task: the submission reached
      // Kie but its answer never reached the store (stembot died in that round trip, or the callback beat the
      // answer). The task is recorded now — the retried submission step then finds it and does not pay Kie twice.
      req.log.warn({ jobId: out.job.id, taskId: parsed.taskId }, 'callback named the Kie task before its submission was recorded; task adopted');
    }
    o.onOutcome?.(out.applied ? 'applied' : out.reason);
    return reply.code(200).type(JSON_TYPE).send(out.applied ? RECEIVED_APPLIED : RECEIVED_NOT_APPLIED);
  });
}

/** The app's level, or warn when that is chattier: a quieter operator setting (error, silent) is kept. */
function atLeastWarn(level: string): string {
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  return order.indexOf(level) > order.indexOf('warn') ? level : 'warn';
}

// The two 200 answers, serialized once.
const JSON_TYPE = 'application/json; charset=utf-8';
const RECEIVED_APPLIED = JSON.stringify({ status: 'received', applied: true });
const RECEIVED_NOT_APPLIED = JSON.stringify({ status: 'received', applied: false });

const TASK_MISMATCH = 'data.task_id is not the task of this callback URL.';

function urlsOf(e: JobEvent): string[] {
  // A MIDI result is notes, not a file: it has no URL to check.
  return e.stage === 'failed' ? [] : e.files.filter((f) => !f.midi).map((f) => f.url);
}
