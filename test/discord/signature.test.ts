// Discord's request signature: Ed25519 over X-Signature-Timestamp + raw body, with the app's public key.
import { describe, expect, it } from 'vitest';
import { publicKeyFromHex, verifyInteraction } from '../../src/chat/discord/signature.js';
import { signBody, testKeys } from '../fakes/discord-interactions.js';

const keys = testKeys();
const key = publicKeyFromHex(keys.publicKeyHex);
const body = Buffer.from('{"type":1}');
const now = 1_790_000_000_000;
const ts = String(now / 1000);

describe('interaction signature', () => {
  it('GIVEN Discord’s signature over timestamp + body THEN it verifies', () => {
    expect(verifyInteraction(key, { signature: signBody(keys, ts, body.toString()), timestamp: ts }, body, now, 300)).toEqual({ ok: true });
  });

  it('GIVEN a signature by another key, a changed body or a changed timestamp THEN it is refused', () => {
    const other = testKeys();
    expect(verifyInteraction(key, { signature: signBody(other, ts, body.toString()), timestamp: ts }, body, now, 300)).toEqual({ ok: false, reason: 'bad_signature' });
    const sig = signBody(keys, ts, body.toString());
    expect(verifyInteraction(key, { signature: sig, timestamp: ts }, Buffer.from('{"type":2}'), now, 300)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyInteraction(key, { signature: sig, timestamp: String(Number(ts) + 1) }, body, now, 300)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('GIVEN a valid signature on a timestamp ten minutes old THEN it is refused as a replay', () => {
    const old = String(Number(ts) - 600);
    expect(verifyInteraction(key, { signature: signBody(keys, old, body.toString()), timestamp: old }, body, now, 300)).toEqual({ ok: false, reason: 'stale' });
  });

  it('GIVEN missing or malformed headers THEN it is refused without verifying', () => {
    expect(verifyInteraction(key, { timestamp: ts }, body, now, 300)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyInteraction(key, { signature: 'zz', timestamp: ts }, body, now, 300)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('GIVEN a public key that is not 64 hex characters THEN loading it fails clearly', () => {
    expect(() => publicKeyFromHex('abc')).toThrow(/64 hex characters/);
  });
});
