// The playground's HTTP face: the page, the channel as JSON and as server-sent events, stored files, and the
// composer's commands and button presses. An ordinary encapsulated plugin (fastify-plugin is not installed),
// so the multipart parser, the auth hook and the error handler below apply to these routes only.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { systemClock, type Clock, type JobsApi } from '../../core/ports.js';
import type { Origin } from '../../core/types.js';
import { actionBody, runAction, submitOutcome } from './actions.js';
import { followUpFromFields, isFollowUpCommand } from './follow-up-command.js';
import { registerAuth } from './auth-routes.js';
import type { PlaygroundChat } from './chat-port.js';
import { toCommand } from './command-form.js';
import { registerEventStream } from './event-stream.js';
import { sendStoredFile } from './file-response.js';
import { uploadRouteConfig } from '../../http/slow-clients.js';
import { capMessage, findJob, listJobs } from './jobs-view.js';
import { pageHtml, pageScript, pageStyle } from './page.js';
import { unknownScenario } from './sim-scenario.js';
import { discardUpload, readCommandForm, type FormRead } from './upload.js';

export interface PlaygroundPluginOptions {
  chat: PlaygroundChat;
  jobs: JobsApi;
  /** stembot's data dir; uploads go to `<dataDir>/uploads/`. */
  dataDir: string;
  /** Largest upload accepted (Kie takes 20 MB: `defaults.maxInputBytes`). */
  maxUploadBytes: number;
  /** When set, every route but the page and the login asks for a session cookie. */
  password?: string;
  /** The name the playground user goes by in status cards and mentions. */
  userName?: string;
  /** Demo mode (the Kie simulator): the page then offers the simulator's misbehaviour tricks. Default true. */
  demo?: boolean;
  clock?: Clock;
  /** PUBLIC_URL, when set: the playground's own origin (CSRF check) and whether its cookie is Secure. */
  publicUrl?: string;
  /** How often the event stream sends a keep-alive comment. */
  heartbeatMs?: number;
}

const jsonBodyLimitBytes = 64 * 1024;
// The page loads its script and style from here rather than inline, so the CSP can forbid inline script.
const pageCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const playgroundPlugin: FastifyPluginAsync<PlaygroundPluginOptions> = async (app, opts) => {
  const clock = opts.clock ?? systemClock;
  const uploadDir = join(opts.dataDir, 'uploads');
  await mkdir(uploadDir, { recursive: true });
  const origin: Origin = {
    platform: 'playground',
    workspaceId: 'local',
    channelId: 'playground',
    userId: 'playground-user',
    userName: opts.userName ?? 'You',
  };

  await app.register(multipart, { throwFileSizeLimit: false });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'playground request failed');
      return reply.code(500).send({ code: 'INTERNAL', message: 'Something went wrong inside stembot. Try again in a moment.' });
    }
    return reply.code(status).send({ code: err.code ?? 'BAD_REQUEST', message: clientErrorSentence(status) });
  });

  registerAuth(app, {
    password: opts.password,
    dataDir: opts.dataDir,
    clock: opts.clock ?? systemClock,
    publicUrls: new Set(['/', '/playground/app.js', '/playground/app.css']),
    sessionInfo: { userName: origin.userName, maxUploadBytes: opts.maxUploadBytes, demo: opts.demo ?? true },
    jsonBodyLimitBytes,
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
  });

  app.get('/', (_req, reply) => asset(reply.header('content-security-policy', pageCsp), 'text/html; charset=utf-8', pageHtml));
  app.get('/playground/app.js', (_req, reply) => asset(reply, 'text/javascript; charset=utf-8', pageScript));
  app.get('/playground/app.css', (_req, reply) => asset(reply, 'text/css; charset=utf-8', pageStyle));

  app.get('/playground/api/messages', async () => ({ messages: opts.chat.messages(), serverNow: (opts.clock ?? systemClock).now() }));
  registerEventStream(app, { chat: opts.chat, heartbeatMs: opts.heartbeatMs ?? 15_000 });

  app.get<{ Params: { messageId: string; name: string } }>('/playground/files/:messageId/:name', async (req, reply) => {
    const file = opts.chat.file(req.params.messageId, req.params.name);
    if (!file) return reply.code(404).send({ code: 'NOT_FOUND', message: 'No such file in the playground.' });
    return sendStoredFile(req, reply, file);
  });

  // Uploads up to 20 MB arrive here: the longer request timeout of upload routes (src/http/slow-clients.ts).
  app.post('/playground/api/commands', { bodyLimit: jsonBodyLimitBytes, config: uploadRouteConfig }, async (req, reply) => {
    const form: FormRead = req.isMultipart() ? await readCommandForm(req, uploadDir, opts.maxUploadBytes) : jsonFields(req.body);
    if (!form.ok) {
      // The rest of an oversize upload is not worth reading: close the connection after answering.
      if (form.status === 413) reply.header('connection', 'close');
      return reply.code(form.status).send({ code: form.code, message: form.message });
    }
    if (isFollowUpCommand(form.fields.command)) {
      // /midi and /wav name a finished job, never a song: an attached file has no use here.
      await discardUpload(form.file);
      const r = await followUpFromFields(form.fields, opts.jobs, origin);
      return reply.code(r.status).send(r.body);
    }
    const built = toCommand(form.fields, form.file, origin);
    const unknownSim = built.ok && (opts.demo ?? true) ? unknownScenario(form.fields) : null;
    if (!built.ok || unknownSim) {
      await discardUpload(form.file);
      return reply.code(400).send({ code: 'INPUT_INVALID', message: built.ok ? unknownSim : built.message });
    }
    try {
      const outcome = submitOutcome(await opts.jobs.submit(built.command));
      // A refused command leaves no job to own the upload.
      if (outcome.status !== 202) await discardUpload(form.file);
      if (outcome.status === 429 && (outcome.body.code === 'USER_CAP' || outcome.body.code === 'WORKSPACE_CAP')) {
        // Which jobs hold the places, so the person knows what to wait for.
        return reply.code(429).send({ code: outcome.body.code, ...(await capMessage(outcome.body.message, opts.jobs, origin, clock.now())) });
      }
      return reply.code(outcome.status).send(outcome.status === 202 ? { jobId: outcome.body.jobId, message: outcome.body.message } : outcome.body);
    } catch (err) {
      await discardUpload(form.file);
      throw err;
    }
  });

  // `/credits`: the local user runs this stembot, so they see everything (balance included).
  app.get('/playground/api/credits', async () => ({ text: await opts.jobs.credits({ platform: 'playground', workspaceId: origin.workspaceId, userId: origin.userId }, true) }));
  // `/jobs` and `/job <id>`: the person's own jobs only.
  app.get('/playground/api/jobs', async () => ({ jobs: await listJobs(opts.jobs, origin, clock.now()) }));
  app.get<{ Params: { id: string } }>('/playground/api/jobs/:id', async (req, reply) => {
    const job = await findJob(opts.jobs, origin, req.params.id.trim(), clock.now());
    if (!job) return reply.code(404).send({ code: 'NOT_FOUND', message: `You have no job \`${req.params.id.slice(0, 40)}\`. /jobs lists yours.` });
    return { job };
  });

  app.post('/playground/api/actions', { bodyLimit: jsonBodyLimitBytes }, async (req, reply) => {
    const body = actionBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ code: 'INPUT_INVALID', message: 'That button press was not understood.' });
    const outcome = await runAction(body.data.action, opts.jobs, origin, uploadDir);
    return reply.code(outcome.status).send(outcome.body);
  });
};

function asset(reply: FastifyReply, type: string, body: string) {
  return reply
    .header('content-type', type)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(body);
}

function jsonFields(body: unknown): FormRead {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, status: 400, code: 'INPUT_INVALID', message: 'Send the command as a JSON object or as a form.' };
  }
  return { ok: true, fields: body as Record<string, unknown>, file: null };
}

function clientErrorSentence(status: number): string {
  if (status === 413) return 'That request is too large.';
  if (status === 415) return 'Send JSON or a multipart form.';
  if (status === 404) return 'Not found.';
  return 'That request could not be read. Check it and try again.';
}
