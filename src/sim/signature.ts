// Kie's webhook signature: base64(HMAC-SHA256(key, `${task_id}.${timestamp}`)), timestamp in Unix
// seconds, sent as X-Webhook-Timestamp / X-Webhook-Signature. It does not cover the body.
// Kie's Webhook Verification Guide (Common API), summarised in docs/kie-api.md.
import { createHmac } from 'node:crypto';

export function webhookSignature(key: string, taskId: string, timestampSec: number): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(`${taskId}.${timestampSec}`).digest('base64');
}

export function signatureHeaders(key: string, taskId: string, nowMs: number): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return { 'x-webhook-timestamp': String(ts), 'x-webhook-signature': webhookSignature(key, taskId, ts) };
}
