// The optional password in front of the playground (PLAYGROUND_PASSWORD). A cookie, not a header, carries the
// session because the page's EventSource cannot send headers. The token is `<expiresAt>.<nonce>.<hmac>`;
// the HMAC key mixes a secret kept in the data dir (sessions survive restarts) with the password (changing
// the password ends every session).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../core/ports.js';

export const sessionCookieName = 'stembot_playground';
export const sessionTtlMs = 7 * 24 * 60 * 60_000;

export class PasswordGate {
  private readonly passwordDigest: Buffer;
  private readonly key: Buffer;

  constructor(
    password: string,
    secret: Buffer,
    private readonly clock: Clock,
  ) {
    this.passwordDigest = sha256(password);
    this.key = createHmac('sha256', secret).update('playground-session\0').update(this.passwordDigest).digest();
  }

  /** Hashing both sides first gives equal lengths, so `timingSafeEqual` leaks neither content nor length. */
  checkPassword(given: string): boolean {
    return timingSafeEqual(sha256(given), this.passwordDigest);
  }

  issue(): string {
    const body = `${this.clock.now() + sessionTtlMs}.${randomBytes(16).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  verify(token: string | undefined): boolean {
    if (!token) return false;
    const cut = token.lastIndexOf('.');
    if (cut <= 0) return false;
    const body = token.slice(0, cut);
    const given = Buffer.from(token.slice(cut + 1), 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const expiresAt = Number(body.split('.')[0]);
    return Number.isFinite(expiresAt) && expiresAt > this.clock.now();
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** The secret behind session tokens, created once (owner-only) in the data dir. */
export function loadSessionSecret(path: string): Buffer {
  try {
    const hex = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, secret.toString('hex') + '\n', { mode: 0o600 });
  return secret;
}

/** The value of one cookie from a `Cookie` header (no cookie library is installed; the format is simple). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** HttpOnly so page scripts never see it; SameSite=Strict so no other site can post with it. */
export function sessionCookie(token: string, secure: boolean): string {
  const parts = [`${sessionCookieName}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(sessionTtlMs / 1000)}`];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(): string {
  return `${sessionCookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
