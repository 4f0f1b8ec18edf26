// The read side: both record-info endpoints (the authoritative truth, also when a callback was lost)
// and the account's credit balance.
import type { FastifyInstance } from 'fastify';
import type { SimCore } from '../task-engine.js';
import { fail, ok, requireBearer } from '../envelope.js';
import { generationRecord, separationRecord } from '../record-info.js';
import type { Family } from '../scenarios.js';

export function readRoutes(app: FastifyInstance, core: SimCore): void {
  const recordInfo = (family: Family) =>
    app.get<{ Querystring: { taskId?: string } }>(
      family === 'separation' ? '/api/v1/vocal-removal/record-info' : '/api/v1/generate/record-info',
      async (req, reply) => {
        if (requireBearer(req, reply, core.opts.apiKey) === undefined) return reply;
        const taskId = req.query.taskId?.trim();
        if (!taskId) return fail(400, 'taskId is required');
        const task = core.tasks.get(taskId);
        // A task of the other family is unknown here too: each endpoint reads its own kind of task.
        if (!task || task.family !== family) return fail(404, `Task not found: ${taskId}`);
        if (!core.readAllowed(taskId)) return reply.code(429).send(fail(429, 'Too many requests: at most 3 queries per second per task'));
        return ok(family === 'separation' ? separationRecord(task) : generationRecord(task));
      },
    );
  recordInfo('separation');
  recordInfo('generation');

  app.get('/api/v1/chat/credit', async (req, reply) => {
    if (requireBearer(req, reply, core.opts.apiKey) === undefined) return reply;
    return ok(core.credits);
  });
}
