// HTTP mode: Slack posts slash commands, shortcuts, button presses and modal submissions to
// `POST /slack/events` on stembot's own Fastify server. This is a Bolt custom receiver: it verifies the
// signature over the raw body, answers Slack within 3 s (Slack redelivers otherwise) and hands the request
// to `app.processEvent()`. https://docs.slack.dev/tools/bolt-js/concepts/receiver
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Clock } from '../../core/ports.js';
import { ReplayCache } from '../replay-cache.js';
import { requestId } from './request-id.js';
import { verifySlackSignature } from './signature.js';

export class FastifyReceiver implements Receiver {
  private bolt: App | undefined;

  init(app: App): void {
    this.bolt = app;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  dispatch(event: ReceiverEvent): Promise<void> {
    if (!this.bolt) return Promise.reject(new Error('FastifyReceiver used before Bolt initialised it'));
    return this.bolt.processEvent(event);
  }
}

export interface SlackEventsRouteOptions {
  receiver: FastifyReceiver;
  signingSecret: string;
  clock: Clock;
  toleranceSec: number;
  ackTimeoutMs: number;
  replay: ReplayCache;
  bodyLimitBytes?: number;
}

type Body = Record<string, unknown>;

/** Slash commands and interactivity arrive form-encoded (interactivity as one `payload` JSON field); events as JSON. */
function parseBody(raw: Buffer, form: boolean): Body {
  const text = raw.toString('utf8');
  if (!form) return JSON.parse(text) as Body;
  const fields = Object.fromEntries(new URLSearchParams(text));
  return typeof fields.payload === 'string' ? (JSON.parse(fields.payload) as Body) : fields;
}

function send(reply: FastifyReply, response: unknown) {
  if (response === undefined || response === null || response === '') return reply.code(200).send();
  if (typeof response === 'string') return reply.code(200).type('text/plain; charset=utf-8').send(response);
  return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(response));
}

export function slackEventsRoute(o: SlackEventsRouteOptions): FastifyPluginAsync {
  return async (instance) => {
    // Encapsulated: the raw-body parser exists only inside this plugin, the rest of the app keeps its own.
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: o.bodyLimitBytes ?? 1024 * 1024 }, (_req, body, done) => done(null, body));

    instance.post('/slack/events', async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const form = type === 'application/x-www-form-urlencoded';
      // Slack checks the certificate with an unsigned `ssl_check=1`; answer it and do nothing else.
      if (form && new URLSearchParams(raw.toString('utf8')).get('ssl_check') === '1') return reply.code(200).send();

      const verdict = verifySlackSignature({
        signingSecret: o.signingSecret,
        timestamp: header(req.headers['x-slack-request-timestamp']),
        signature: header(req.headers['x-slack-signature']),
        rawBody: raw,
        nowMs: o.clock.now(),
        toleranceSec: o.toleranceSec,
      });
      if (!verdict.ok) {
        req.log.warn({ reason: verdict.reason }, 'slack request refused: bad signature');
        return reply.code(401).send({ error: 'invalid_signature', message: 'The Slack signature is missing, wrong or too old.' });
      }

      let body: Body;
      try {
        body = parseBody(raw, form);
      } catch {
        return reply.code(400).send({ error: 'malformed', message: 'The Slack request body could not be parsed.' });
      }
      // Valid JSON is not always an object (`null`, `3`, `[]`): nothing Slack sends.
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return reply.code(400).send({ error: 'malformed', message: 'The Slack request body is not an object.' });
      }
      if (body.type === 'url_verification') return reply.send({ challenge: body.challenge });

      // Slack redelivers when its first try got no 2xx in 3 s: the first try is (or was) being handled.
      const retryNum = header(req.headers['x-slack-retry-num']);
      if (retryNum !== undefined) {
        req.log.info({ retryNum, reason: header(req.headers['x-slack-retry-reason']) }, 'slack redelivery dropped');
        return reply.code(200).send();
      }
      const id = requestId(body);
      if (id && o.replay.seenBefore(id, o.clock.now())) {
        req.log.info('slack request seen before (same trigger id): dropped');
        return reply.code(200).send();
      }
      return send(reply, await acknowledge(o, body, (err) => req.log.error({ err }, 'slack listener failed')));
    });
  };
}

/** Runs Bolt until the listener acks (its answer is the HTTP response), it finishes, or time runs out. */
function acknowledge(o: SlackEventsRouteOptions, body: Body, onError: (err: unknown) => void): Promise<unknown> {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (fn: () => void) => {
      if (answered) return false;
      answered = true;
      clearTimeout(timer);
      fn();
      return true;
    };
    // A listener that has not acked by now still gets a 200, so Slack does not redeliver.
    const timer = setTimeout(() => answer(() => resolve(undefined)), o.ackTimeoutMs);
    const ack = async (response?: unknown) => {
      answer(() => resolve(response));
    };
    o.receiver.dispatch({ body, ack }).then(
      () => answer(() => resolve(undefined)),
      (err: unknown) => {
        // A listener that fails (or a payload Bolt cannot route) is our problem, logged here; Slack gets its 200
        // anyway — a 5xx would only make it redeliver the same request.
        onError(err);
        answer(() => resolve(undefined));
      },
    );
  });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
