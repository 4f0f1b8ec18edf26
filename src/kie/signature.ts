// Kie's optional webhook signature (docs/kie-api.md "Webhook signature"):
//   X-Webhook-Signature = base64(HMAC-SHA256(webhookHmacKey as UTF-8, `${taskId}.${X-Webhook-Timestamp}`))
// It covers the task id and the time only, never the body: a valid signature proves the callback is about
// that task and recent, nothing more. Kie states no tolerance; ±300 s is the Stripe / Svix / Standard
// Webhooks habit (config `webhookToleranceSec`).
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Result } from '../core/types.js';

export type SignatureError = 'SIGNATURE_MISSING' | 'SIGNATURE_STALE' | 'SIGNATURE_INVALID';

export function signWebhook(key: string, taskId: string, timestampSec: number): string {
  return hmac(key, `${taskId}.${timestampSec}`).toString('base64');
}

export interface VerifyInput {
  /** The webhook HMAC key; a KeyObject (createSecretKey) spares importing it again on every check. */
  key: string | KeyObject;
  taskId: string;
  /** Raw `X-Webhook-Timestamp` header value. */
  timestamp: string | undefined;
  /** Raw `X-Webhook-Signature` header value. */
  signature: string | undefined;
  nowMs: number;
  toleranceSec: number;
}

// Unix seconds as plain digits. Anything else (ms-looking floats, "abc", "1e9") counts as MISSING: the
// header carries no timestamp we can use, and calling it STALE would send an operator chasing clock skew.
const TIMESTAMP = /^\d{1,12}$/;
// Standard base64 with optional padding; checked before decoding because Node's decoder skips junk.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// One HMAC per check, compared in constant time. The length is checked first (timingSafeEqual throws on a
// mismatch); it leaks nothing, since every valid signature is 32 bytes (SHA-256) and everyone knows it.
const SIGNATURE_BYTES = 32;

export function verifyWebhook(input: VerifyInput): Result<void, SignatureError> {
  const timestamp = input.timestamp?.trim();
  const signature = input.signature?.trim();
  if (!timestamp || !signature || !TIMESTAMP.test(timestamp)) return { ok: false, code: 'SIGNATURE_MISSING' };
  const skewMs = Math.abs(input.nowMs - Number(timestamp) * 1000);
  if (skewMs > input.toleranceSec * 1000) return { ok: false, code: 'SIGNATURE_STALE' };
  // The message uses the header exactly as sent: that is what Kie signed.
  const expected = hmac(input.key, `${input.taskId}.${timestamp}`);
  const given = BASE64.test(signature) ? Buffer.from(signature, 'base64') : Buffer.alloc(0);
  const same = given.length === SIGNATURE_BYTES && timingSafeEqual(expected, given);
  return same ? { ok: true, value: undefined } : { ok: false, code: 'SIGNATURE_INVALID' };
}

function hmac(key: string | KeyObject, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}
