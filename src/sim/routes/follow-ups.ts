// MIDI and WAV follow-ups (docs/kie-midi-wav.md): `POST /api/v1/midi/generate`, `POST /api/v1/wav/generate` and
// their record-info reads. Same refusals and order as the other submit routes (bearer, body, rate limit, credits);
// the parent task must exist and be finished, as Kie requires.
import type { FastifyInstance } from 'fastify';
import type { SimCore } from '../task-engine.js';
import { fail, requireBearer } from '../envelope.js';
import { midiRecord, parseFollowUp, wavRecord } from '../follow-ups.js';
import { recordInfoRoute } from './read.js';
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

    recordInfoRoute(app, core, `/api/v1/${kind}/record-info`, kind, kind === 'midi' ? midiRecord : wavRecord);
  }
}
