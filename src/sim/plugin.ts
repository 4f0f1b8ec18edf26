// The simulator as a Fastify plugin: demo mode mounts it under a prefix on stembot's own server
// (`app.register(simulatorPlugin, { prefix: '/kie-sim', publicBaseUrl })`); standalone servers use the
// same plugin through buildSimulator(). Encapsulated on purpose: its error handler, 404 envelope and
// multipart parser stay inside the prefix.
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance } from 'fastify';
import { coreOf, createSimulatorControl, type SimulatorControl } from './control.js';
import { fail, uploadFail } from './envelope.js';
import type { SimulatorOptions } from './options.js';
import { controlRoutes } from './routes/control.js';
import { fileRoutes } from './routes/files.js';
import { followUpRoutes } from './routes/follow-ups.js';
import { readRoutes } from './routes/read.js';
import { submitRoutes } from './routes/submit.js';
import { uploadRoutes } from './routes/upload.js';

export interface SimulatorPluginOptions extends SimulatorOptions {
  /** A control made with createSimulatorControl(), so the host can hold it; otherwise one is made from the options. */
  control?: SimulatorControl;
}

export async function simulatorPlugin(app: FastifyInstance, opts: SimulatorPluginOptions): Promise<void> {
  const control = opts.control ?? createSimulatorControl(opts);
  const core = coreOf(control);
  core.logger ??= app.log;

  // The host may already parse multipart (the playground's uploads); a second parser would be refused.
  if (!app.hasContentTypeParser('multipart/form-data')) await app.register(multipart);

  // Kie answers malformed bodies with an envelope, not Fastify's default error object.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    const upload = req.url.includes('/api/file-');
    const [http, code, msg] =
      status === 413
        ? [413, 413, 'Request body too large']
        : status < 500
          ? [200, 400, `Invalid request: ${err.message}`]
          : [500, 500, 'Server Error - please try again later'];
    if (status >= 500) req.log.error({ err }, 'kie-sim error');
    return reply.code(http).send(upload ? uploadFail(code, msg) : fail(code, msg));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(fail(404, `Not Found: ${req.method} ${req.url}`)));

  submitRoutes(app, core);
  readRoutes(app, core);
  fileRoutes(app, core);
  uploadRoutes(app, core);
  followUpRoutes(app, core);
  if (opts.controlRoutes ?? core.opts.controlRoutes ?? false) controlRoutes(app, control);

  app.addHook('onClose', async () => control.close());
}
