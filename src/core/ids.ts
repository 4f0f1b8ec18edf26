import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32: no i, l, o, u — easy to read aloud.

/** A short job id people can type into `/job` (50 bits). */
export function newJobId(): string {
  const bytes = randomBytes(10);
  let id = '';
  for (let i = 0; i < 10; i++) id += alphabet[bytes[i]! & 31];
  return id;
}

/** The callback URL's secret: 192 bits, URL-safe. */
export function newCallbackToken(): string {
  return randomBytes(24).toString('base64url');
}
