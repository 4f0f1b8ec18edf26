// The PUBLIC_URL probe: `GET /callbacks/kie/probe-<nonce>` answers HMAC(probe key, nonce). Only a stembot
// with the same configuration (KIE_API_KEY and DATABASE_URL — the same deployment, any instance of it)
// derives the same key, so a correct answer proves PUBLIC_URL reaches this deployment through whatever
// proxy, TLS terminator or tunnel sits in front; a 404 or another answer proves it does not. The key is
// derived, not random per process, so `npm run doctor` in another process can check a running server, and
// the answer reveals nothing about the secrets it is derived from.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';

export const probePrefix = 'probe-';
const NONCE = /^probe-([A-Za-z0-9_-]{16,64})$/;

export function probeKey(config: Pick<Config, 'kie' | 'databaseUrl'>): Buffer {
  return createHash('sha256').update('stembot public-url probe\0').update(config.kie.apiKey ?? '').update('\0').update(config.databaseUrl).digest();
}

function probeAnswer(key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(nonce).digest('hex');
}

export const newNonce = (): string => randomBytes(18).toString('base64url');

export function answerMatches(key: Buffer, nonce: string, answer: unknown): boolean {
  if (typeof answer !== 'string' || !/^[0-9a-f]{64}$/.test(answer)) return false;
  return timingSafeEqual(Buffer.from(answer, 'hex'), Buffer.from(probeAnswer(key, nonce), 'hex'));
}

/** Registers the probe next to Kie's callback route (a GET there: Kie's callbacks are POSTs). */
export async function probeRoute(app: FastifyInstance, o: { key: Buffer }): Promise<void> {
  app.get<{ Params: { token: string } }>('/callbacks/kie/:token', { logLevel: 'warn' }, async (req, reply) => {
    const m = NONCE.exec(req.params.token);
    if (!m) return reply.code(404).send({ error: 'unknown_token', message: 'No job has this callback URL.' });
    return reply.header('cache-control', 'no-store').send({ stembot_probe: probeAnswer(o.key, m[1]!) });
  });
}
