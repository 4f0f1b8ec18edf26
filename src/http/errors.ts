// One error shape for every route: { error, message }, with Fastify's own codes mapped to clear words.
// Bad input is 4xx with a reason; only our own faults are 5xx.
import type { FastifyError, FastifyInstance } from 'fastify';

const known: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'The request body is larger than this endpoint accepts.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [400, 'unsupported_content_type', 'Send the body as application/json.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed', 'The body is empty; JSON was expected.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed', 'The body is not valid JSON.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'malformed', 'Content-Length does not match the body.'],
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const mapped = err.code ? known[err.code] : undefined;
    if (mapped) return reply.code(mapped[0]).send({ error: mapped[1], message: mapped[2] });
    if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      return reply.code(400).send({ error: 'malformed', message: 'The body is not valid JSON.' });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'stembot hit an internal error; it has been logged.' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` }));
}
