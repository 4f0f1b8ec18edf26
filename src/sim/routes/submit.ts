// The three submit endpoints. Order of refusals: bearer (401), body (400/413 envelope), rate limit
// (HTTP 429, not queued), credits (402). Endpoints and fields: docs/kie-api.md.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimCore } from '../task-engine.js';
import { fail, requireBearer } from '../envelope.js';
import { parseSubmission, type Endpoint } from '../validation.js';

/** Where the request arrived, prefix included: the URL base when no publicBaseUrl is configured. */
export function requestBase(app: FastifyInstance, req: FastifyRequest): string {
  return `${req.protocol}://${req.host}${app.prefix}`;
}

export function submitRoutes(app: FastifyInstance, core: SimCore): void {
  const routes: [string, Endpoint][] = [
    ['/api/v1/vocal-removal/generate', 'separation'],
    ['/api/v1/generate/add-vocals', 'add_vocals'],
    ['/api/v1/generate/add-instrumental', 'add_instrumental'],
  ];
  for (const [path, endpoint] of routes) {
    app.post(path, async (req, reply) => {
      const apiKey = requireBearer(req, reply, core.opts.apiKey);
      if (apiKey === undefined) return reply;
      const parsed = parseSubmission(endpoint, req.body);
      if (!parsed.ok) return fail(parsed.code, parsed.msg);
      // Demo mode: the simulator posts only to stembot's own callback route, never to an address a caller picks.
      if (core.opts.callbackUrlAllowed && !core.opts.callbackUrlAllowed(parsed.callBackUrl)) {
        return fail(400, 'callBackUrl must be this server\'s callback route (<base>/callbacks/kie/…)');
      }
      const p = parsed.params;
      const outcome = core.submit({
        kind: parsed.kind,
        params: p,
        callBackUrl: parsed.callBackUrl,
        apiKey,
        baseUrl: core.baseUrl(requestBase(app, req)),
        hint: {
          url: typeof p.audioUrl === 'string' ? p.audioUrl : typeof p.uploadUrl === 'string' ? p.uploadUrl : undefined,
          title: typeof p.title === 'string' ? p.title : undefined,
        },
      });
      if (outcome.retryAfterSec !== undefined) reply.header('retry-after', String(outcome.retryAfterSec));
      return reply.code(outcome.status).send(outcome.body);
    });
  }
}
