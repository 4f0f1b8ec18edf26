// Slack request signing: `X-Slack-Signature` = `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`),
// compared in constant time, with the timestamp no more than 5 minutes away.
// https://docs.slack.dev/authentication/verifying-requests-from-slack
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

function slackSignature(signingSecret: string, timestampSec: number | string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSec}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowMs: number;
  toleranceSec: number;
}): SignatureVerdict {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing' };
  // Both directions: an old request replayed, or one stamped in the future to outlive the window.
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > input.toleranceSec) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}
