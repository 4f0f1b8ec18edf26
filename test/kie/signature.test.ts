import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/kie/signature.js';

// The documented rule, computed here independently of src/: base64(HMAC-SHA256(key, `${taskId}.${ts}`)).
const reference = (key: string, taskId: string, ts: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(`${taskId}.${ts}`).digest('base64');

const key = 'whk_9f8e7d6c5b4a3210';
const taskId = 'e649edb7abfd759285bd41a47a634b10';
const ts = 1_753_782_937;
const nowMs = ts * 1000;
const good = reference(key, taskId, String(ts));
const verify = (over: Partial<Parameters<typeof verifyWebhook>[0]> = {}) =>
  verifyWebhook({ key, taskId, timestamp: String(ts), signature: good, nowMs, toleranceSec: 300, ...over });

describe('signWebhook — GIVEN the rule Kie documents', () => {
  it('WHEN signing THEN it equals base64 HMAC-SHA256 of "taskId.timestamp" under the UTF-8 key', () => {
    expect(signWebhook(key, taskId, ts)).toBe(good);
    expect(signWebhook('ключ-🔑', 'task', 1)).toBe(reference('ключ-🔑', 'task', '1'));
  });
});

describe('verifyWebhook', () => {
  it('GIVEN a signature made by the rule WHEN verified at the same second THEN ok', () => {
    expect(verify()).toEqual({ ok: true, value: undefined });
  });

  it('GIVEN headers with surrounding spaces WHEN verified THEN ok (proxies add them)', () => {
    expect(verify({ timestamp: ` ${ts} `, signature: ` ${good}\t` }).ok).toBe(true);
  });

  it('GIVEN a signature made with another key WHEN verified THEN SIGNATURE_INVALID', () => {
    expect(verify({ signature: reference('other-key', taskId, String(ts)) })).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('GIVEN a valid signature for another task WHEN verified against this task THEN SIGNATURE_INVALID', () => {
    expect(verify({ taskId: '3e63b4cc88d52611159371f6af5571e7' })).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('GIVEN a signature for another timestamp WHEN the header says this one THEN SIGNATURE_INVALID', () => {
    expect(verify({ signature: reference(key, taskId, String(ts + 1)) })).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  describe('GIVEN a tolerance of 300 s', () => {
    it.each([
      ['exactly 300 s late', 300_000, true],
      ['300.001 s late', 300_001, false],
      ['exactly 300 s early (sender clock ahead)', -300_000, true],
      ['300.001 s early', -300_001, false],
    ])('WHEN the callback arrives %s THEN accepted: %s', (_what, skewMs, accepted) => {
      const r = verify({ nowMs: nowMs + skewMs });
      expect(r).toEqual(accepted ? { ok: true, value: undefined } : { ok: false, code: 'SIGNATURE_STALE' });
    });
  });

  it.each([
    ['no timestamp header', { timestamp: undefined }],
    ['no signature header', { signature: undefined }],
    ['an empty signature', { signature: '' }],
    ['an empty timestamp', { timestamp: '   ' }],
    ['a non-numeric timestamp', { timestamp: 'yesterday' }],
    ['a fractional timestamp', { timestamp: `${ts}.5` }],
  ])('GIVEN %s WHEN verified THEN SIGNATURE_MISSING (no usable header)', (_what, over) => {
    expect(verify(over)).toEqual({ ok: false, code: 'SIGNATURE_MISSING' });
  });

  it.each([
    ['a short one', 'AAAA'],
    ['a very long one', 'A'.repeat(4096)],
    ['one that is not base64', '!!!not-base64!!!'],
    ['the hex digest instead of base64', createHmac('sha256', key).update(`${taskId}.${ts}`).digest('hex')],
    ['a truncated one', good.slice(0, 20)],
  ])('GIVEN a signature of a different length (%s) WHEN verified THEN SIGNATURE_INVALID, never a throw', (_what, signature) => {
    expect(() => verify({ signature })).not.toThrow();
    expect(verify({ signature })).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
  });
});
