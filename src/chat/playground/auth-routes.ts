// The password gate of the playground: a hook that asks every non-public route for a session, and the
// login / logout / session routes the page uses. Without a password everything is open (demo mode on a
// developer's machine) and the hook does nothing.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../core/ports.js';
import { LoginLimiter } from './login-limiter.js';
import { changesState, foreignOriginReason } from './origin-check.js';
import { clearedSessionCookie, loadSessionSecret, PasswordGate, readCookie, sessionCookie, sessionCookieName } from './session.js';

export interface AuthOptions {
  password?: string;
  dataDir: string;
  clock: Clock;
  /** URLs (route patterns) reachable without a session besides the login routes: the page and its assets. */
  publicUrls: ReadonlySet<string>;
  /** Extra facts the page reads before anything else. */
  sessionInfo: Record<string, unknown>;
  jsonBodyLimitBytes: number;
  /** PUBLIC_URL: the playground's own origin for the CSRF check, and https there means a Secure cookie. */
  publicUrl?: string;
}

const loginBody = z.object({ password: z.string().max(1024) });

export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  const gate = opts.password
    ? new PasswordGate(opts.password, loadSessionSecret(join(opts.dataDir, 'playground', 'session-secret')), opts.clock)
    : null;
  // Keyed on req.ip: the socket's address, or under TRUST_PROXY the client X-Forwarded-For names, so behind a
  // proxy one guesser is locked out rather than everyone sharing the proxy's address.
  const limiter = new LoginLimiter(opts.clock);
  const open = new Set([...opts.publicUrls, '/playground/api/session', '/playground/api/login', '/playground/api/logout']);
  const signedIn = (cookieHeader: string | undefined) => !gate || gate.verify(readCookie(cookieHeader, sessionCookieName));

  app.addHook('onRequest', async (req, reply) => {
    // CSRF first: a forged request is refused whether or not the victim's browser holds a session.
    const foreign = changesState(req.method) ? foreignOriginReason(req, opts.publicUrl) : null;
    if (foreign) return reply.code(403).send({ code: 'FOREIGN_ORIGIN', message: foreign });
    if (signedIn(req.headers.cookie) || open.has(req.routeOptions.url ?? '')) return;
    return reply.code(401).send({ code: 'UNAUTHORIZED', message: 'This playground is protected: enter its password first.' });
  });

  app.get('/playground/api/session', async (req) => ({
    authRequired: gate !== null,
    authenticated: signedIn(req.headers.cookie),
    ...opts.sessionInfo,
  }));

  app.post('/playground/api/login', { bodyLimit: opts.jsonBodyLimitBytes }, async (req, reply) => {
    if (!gate) return { ok: true };
    const body = loginBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ code: 'INPUT_INVALID', message: 'Send the password as {"password": "…"}.' });
    if (limiter.blocked(req.ip)) {
      return reply.code(429).send({ code: 'TOO_MANY_ATTEMPTS', message: 'Too many wrong passwords. Wait ten minutes, then try again.' });
    }
    if (!gate.checkPassword(body.data.password)) {
      limiter.recordFailure(req.ip);
      return reply.code(401).send({ code: 'WRONG_PASSWORD', message: 'That password is not right. Try again.' });
    }
    limiter.recordSuccess(req.ip);
    // req.protocol believes X-Forwarded-Proto only under TRUST_PROXY; an https PUBLIC_URL always means Secure.
    const secure = req.protocol === 'https' || Boolean(opts.publicUrl?.startsWith('https:'));
    reply.header('set-cookie', sessionCookie(gate.issue(), secure));
    return { ok: true };
  });

  app.post('/playground/api/logout', async (_req, reply) => {
    reply.header('set-cookie', clearedSessionCookie());
    return { ok: true };
  });
}
