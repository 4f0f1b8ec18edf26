// CSRF: a state-changing playground request must come from the playground's own page. Browsers send `Origin`
// on every POST (and `Referer` where an old one does not); a request carrying neither cannot be told apart
// from a forged one, so it is refused too. The server's own origin is PUBLIC_URL's when set (behind a proxy
// the Host header may be rewritten), else the one the request names (Host, and the scheme Fastify believes:
// X-Forwarded-Proto only under TRUST_PROXY).
import type { FastifyRequest } from 'fastify';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function changesState(method: string): boolean {
  return !safeMethods.has(method.toUpperCase());
}

function originOf(raw: string | undefined): string | undefined {
  if (!raw || raw === 'null' || !URL.canParse(raw)) return undefined;
  const origin = new URL(raw).origin;
  return origin === 'null' ? undefined : origin;
}

/** Null when the request comes from our own origin, else why it is refused. */
export function foreignOriginReason(req: FastifyRequest, publicUrl: string | undefined): string | null {
  const own = publicUrl ? originOf(publicUrl) : originOf(`${req.protocol}://${req.host}`);
  const header = req.headers.origin;
  const claimed = typeof header === 'string' && header !== '' ? originOf(header) ?? header : originOf(req.headers.referer);
  if (!claimed) return 'This request carries no Origin or Referer, so it cannot be shown to come from the playground page.';
  if (!own || claimed !== own) return `This request comes from ${claimed}, not from the playground's own origin.`;
  return null;
}
