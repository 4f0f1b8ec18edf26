// The HTTP intake: `POST /discord/interactions` (the app's Interactions Endpoint URL). Discord signs every
// request with Ed25519 over `X-Signature-Timestamp` + the raw body; a bad signature gets 401 (Discord checks
// that when the URL is saved), PING gets PONG, and everything else goes to the same handler as the gateway.
// The first answer is this request's response and must leave within 3 s.
// https://discord.com/developers/docs/interactions/overview#configuring-an-interactions-endpoint-url
import { InteractionResponseType, InteractionType, MessageFlags, type APIInteractionResponse } from 'discord.js';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../core/ports.js';
import { discordDefaults as d } from './settings.js';
import type { InteractionHandler } from './handler.js';
import { fromApi, type Intake } from './intake.js';
import { ReplayCache } from '../replay-cache.js';
import { publicKeyFromHex, verifyInteraction } from './signature.js';

export interface InteractionsRouteOptions {
  publicKey: string;
  handler: InteractionHandler;
  clock: Clock;
  toleranceSec?: number;
  bodyLimitBytes?: number;
  /** How long to wait for the handler's first answer before answering on its own. */
  initialBudgetMs?: number;
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** What to answer if the handler has not answered in time (it normally answers at once). */
function fallback(intake: Intake): APIInteractionResponse {
  if (intake.kind === 'autocomplete') return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } };
  return { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } };
}

// An ordinary (encapsulated) plugin: the raw-body parser below applies to this route only.
export const interactionsRoute: FastifyPluginAsync<InteractionsRouteOptions> = async (app, o) => {
  const key = publicKeyFromHex(o.publicKey);
  const seen = new ReplayCache(d.seenInteractionTtlMs, d.seenInteractionMax);
  app.removeAllContentTypeParsers();
  // The signature covers the exact bytes, so the body is kept raw and parsed only after verification.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: o.bodyLimitBytes ?? d.interactionBodyLimitBytes }, (_req, body, done) => done(null, body));

  app.post('/discord/interactions', async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const now = o.clock.now();
    const verdict = verifyInteraction(
      key,
      { signature: header(req.headers['x-signature-ed25519']), timestamp: header(req.headers['x-signature-timestamp']) },
      raw,
      now,
      o.toleranceSec ?? d.signatureToleranceSec,
    );
    if (!verdict.ok) {
      req.log.warn({ reason: verdict.reason }, 'discord interaction refused: invalid request signature');
      return reply.code(401).send({ error: 'invalid_signature', message: 'Invalid request signature.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'malformed', message: 'The body is not valid JSON.' });
    }
    if ((body as { type?: unknown } | null)?.type === InteractionType.Ping) return reply.send({ type: InteractionResponseType.Pong });
    const intake = fromApi(body);
    if (!intake) return reply.code(400).send({ error: 'malformed', message: 'Not an interaction stembot understands.' });
    if (seen.seenBefore(intake.id, now)) return reply.code(401).send({ error: 'replayed', message: 'This interaction was already received.' });

    const sent = new Promise<void>((resolve) => {
      reply.raw.once('finish', resolve);
      reply.raw.once('close', resolve);
    });
    let late = false;
    let timer: NodeJS.Timeout | undefined;
    const response = await Promise.race([
      new Promise<APIInteractionResponse>((resolve) => {
        o.handler.dispatch(intake, async (first) => {
          if (late) throw new Error('the first answer came too late; a fallback was sent');
          resolve(first);
          // Follow-ups (editing the deferred answer) must not overtake the response itself.
          await sent;
        });
      }),
      new Promise<APIInteractionResponse>((resolve) => {
        timer = setTimeout(() => {
          late = true;
          resolve(fallback(intake));
        }, o.initialBudgetMs ?? d.initialResponseBudgetMs);
      }),
    ]);
    clearTimeout(timer);
    return reply.code(200).send(response);
  });
};
