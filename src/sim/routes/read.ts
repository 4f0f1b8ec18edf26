// The read side: the separation and generation record-info endpoints (the authoritative truth, also when a callback was lost)
// and the account's credit balance.
import type { FastifyInstance } from 'fastify';
import type { SimCore } from '../task-engine.js';
import { fail, ok, requireBearer } from '../envelope.js';
import { generationRecord, separationRecord } from '../record-info.js';
import type { Family } from '../scenarios.js';
import type { SimTask } from '../tasks.js';

/**
 * One family's record-info endpoint (the follow-up routes register theirs with it too). A task of another family is
 * unknown here: each endpoint reads its own kind of task.
 */
export function recordInfoRoute(app: FastifyInstance, core: SimCore, path: string, family: Family, record: (task: SimTask) => Record<string, unknown>): void {
  app.get<{ Querystring: { taskId?: string } }>(path, async (req, reply) => {
    if (requireBearer(req, reply, core.opts.apiKey) === undefined) return reply;
    const taskId = req.query.taskId?.trim();
    if (!taskId) return fail(400, 'taskId is required');
    const task = core.tasks.get(taskId);
    if (!task || task.family !== family) return fail(404, `Task not found: ${taskId}`);
    if (!core.readAllowed(taskId)) return reply.code(429).send(fail(429, 'Too many requests: at most 3 queries per second per task'));
    return ok(record(task));
  });
}

export function readRoutes(app: FastifyInstance, core: SimCore): void {
  recordInfoRoute(app, core, '/api/v1/vocal-removal/record-info', 'separation', separationRecord);
  recordInfoRoute(app, core, '/api/v1/generate/record-info', 'generation', generationRecord);

  app.get('/api/v1/chat/credit', async (req, reply) => {
    if (requireBearer(req, reply, core.opts.apiKey) === undefined) return reply;
    return ok(core.credits);
  });
}
