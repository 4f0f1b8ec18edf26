// MIDI and WAV follow-ups (docs/kie-midi-wav.md): `POST /api/v1/midi/generate`, `POST /api/v1/wav/generate` and
// their record-info reads. Same refusals and order as the other submit routes (bearer, body, rate limit, credits);
// the parent task must exist and be finished, as Kie requires.
import type { FastifyInstance } from 'fastify';
import type { SimCore } from '../task-engine.js';
import { fail, ok, requireBearer } from '../envelope.js';
import { midiRecord, parseFollowUp, wavRecord } from '../follow-ups.js';
import { requestBase } from './submit.js';

export function followUpRoutes(app: FastifyInstance, core: SimCore): void {
  for (const kind of ['midi', 'wav'] as const) {
    app.post(`/api/v1/${kind}/generate`, async (req, reply) => {
      const apiKey = requireBearer(req, reply, core.opts.apiKey);
      if (apiKey === undefined) return reply;
      const parsed = parseFollowUp(kind, req.body, (id) => core.tasks.get(id));
      if (!parsed.ok) return fail(parsed.code, parsed.msg);
      const outcome = core.submit({
        kind,
        params: parsed.params,
        callBackUrl: parsed.params.callBackUrl,
        apiKey,
        baseUrl: core.baseUrl(requestBase(app, req)),
        hint: {},
        parent: parsed.parent,
        ...(parsed.stem ? { stem: parsed.stem } : {}),
      });
      if (outcome.retryAfterSec !== undefined) reply.header('retry-after', String(outcome.retryAfterSec));
      return reply.code(outcome.status).send(outcome.body);
    });

    app.get<{ Querystring: { taskId?: string } }>(`/api/v1/${kind}/record-info`, async (req, reply) => {
      if (requireBearer(req, reply, core.opts.apiKey) === undefined) return reply;
      const taskId = req.query.taskId?.trim();
      if (!taskId) return fail(400, 'taskId is required');
      const task = core.tasks.get(taskId);
      if (!task || task.family !== kind) return fail(404, `Task not found: ${taskId}`);
      if (!core.readAllowed(taskId)) return reply.code(429).send(fail(429, 'Too many requests: at most 3 queries per second per task'));
      return ok(kind === 'midi' ? midiRecord(task) : wavRecord(task));
    });
  }
}
