// POST /callbacks/kie/:token — the least that makes Kie's event durable: check the token (and the HMAC
// when configured), parse, store the event with its outbox work in one transaction, answer 200. It never
// downloads, never calls chat and never waits on Kie (Kie gives a callback 15 s; we answer in ms).
import type { FastifyInstance } from 'fastify';
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
  // Per-request access logs are off here (logLevel warn): at Kie's volume they were most of the route's cost;
  // outcomes are counted in /metrics (stembot_callbacks_total) and job moves are logged with their job id.
  app.post<{ Params: { token: string } }>('/callbacks/kie/:token', { bodyLimit: o.bodyLimitBytes, logLevel: 'warn' }, async (req, reply) => {
    const answer = (status: number, outcome: string, message: string) => {
      o.onOutcome?.(outcome);
      return reply.code(status).send({ error: outcome, message });
    };
    // Kie posts JSON; Fastify would also parse text/plain, which is not a callback.
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      return answer(400, 'unsupported_content_type', 'Send the body as application/json.');
    }
    const job = TOKEN.test(req.params.token) ? await o.store.findByToken(req.params.token) : undefined;
    if (!job) return answer(404, 'unknown_token', 'No job has this callback URL.');
    const parsed = parseCallback(req.body, job.kind);
    if (!parsed.ok) return answer(400, 'malformed', parsed.reason);
    if (o.hmacKey) {
      const v = verifyWebhook({
        key: o.hmacKey,
        taskId: parsed.taskId,
        timestamp: req.headers['x-webhook-timestamp'] as string | undefined,
        signature: req.headers['x-webhook-signature'] as string | undefined,
        nowMs: o.clock.now(),
        toleranceSec: o.toleranceSec,
      });
      if (!v.ok) return answer(401, 'bad_signature', `Webhook signature check failed: ${v.code}.`);
    }
    if (job.taskId !== null && parsed.taskId !== job.taskId) return answer(409, 'task_mismatch', 'data.task_id is not the task of this callback URL.');
    if (job.state === 'cancelled') {
      // Cancelled: nothing is delivered, and Kie is told 200 so it stops retrying. A task Kie accepted in the same
      // moment as the cancel is recorded, so its cost counts as spent (docs/costs.md).
      if (job.taskId === null) await o.store.updateJob(job.id, { taskId: parsed.taskId }, o.clock.now());
      o.onOutcome?.('terminal');
      return reply.code(200).send({ status: 'received', applied: false });
    }
    const refused = urlsOf(parsed.event)
      .map((u) => ({ u, v: o.checkUrl(u) }))
      .find((x) => !x.v.ok);
    if (refused && !refused.v.ok) return answer(400, 'url_not_allowed', `Result URL refused: ${refused.v.reason}.`);
    const nextPollAt = o.clock.now() + o.pollAfterCallbackMs;
    let target = job;
    if (job.taskId === null) {
      // Kie calls back on this job's own secret URL, yet stembot never recorded a task: the submission reached
      // Kie but its answer never reached the store (stembot died in that round trip, or the callback beat the
      // answer). Record Kie's task now — the retried submission step then finds it and does not pay Kie twice.
      const adopted = await o.service.adoptTask(job, parsed.taskId, nextPollAt);
      if (!adopted) return answer(409, 'task_mismatch', 'This job was never submitted to Kie; this callback cannot be its.');
      req.log.warn({ jobId: job.id, taskId: parsed.taskId }, 'callback named the Kie task before its submission was recorded; task adopted');
      target = adopted;
    }
    // One transaction: the event, its outbox work, and the note that this job calls back.
    const outcome = await o.service.ingest(target, parsed.event, nextPollAt);
    o.onOutcome?.(outcome.applied ? 'applied' : outcome.reason);
    return reply.code(200).send({ status: 'received', applied: outcome.applied });
  });
}

function urlsOf(e: JobEvent): string[] {
  // A MIDI result is notes, not a file: it has no URL to check.
  return e.stage === 'failed' ? [] : e.files.filter((f) => !f.midi).map((f) => f.url);
}
