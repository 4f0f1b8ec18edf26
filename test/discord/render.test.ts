// Buttons and links within Discord's limits, checked with the same shape rules the fake Discord applies.
import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction } from '../../src/chat/discord/custom-id.js';
import { nonceFor, renderMessage } from '../../src/chat/discord/render.js';
import { checkMessageBody } from '../fakes/discord-shapes.js';
import { jobFor } from './fixtures.js';

describe('custom_id', () => {
  it('GIVEN each follow-up action THEN its custom_id fits in 100 characters and decodes back', () => {
    const audioId = 'a1b2c3d4-0000-4000-8000-123456789abc';
    const cases = [
      [{ id: 'split_stems', label: 'x', jobId: 'abcdefghjk' }, { id: 'split_stems', jobId: 'abcdefghjk' }],
      [{ id: 'redeliver', label: 'x', jobId: 'abcdefghjk' }, { id: 'redeliver', jobId: 'abcdefghjk' }],
      [{ id: 'cancel', label: 'x', jobId: 'abcdefghjk' }, { id: 'cancel', jobId: 'abcdefghjk' }],
      [{ id: 'midi', label: 'x', jobId: 'abcdefghjk' }, { id: 'midi', jobId: 'abcdefghjk' }],
      [{ id: 'resubmit', label: 'x', jobId: 'abcdefghjk' }, { id: 'resubmit', jobId: 'abcdefghjk' }],
      [{ id: 'wav', label: 'x', jobId: 'abcdefghjk', take: 2 }, { id: 'wav', jobId: 'abcdefghjk', take: 2 }],
      [{ id: 'separate_track', label: 'x', jobId: 'abcdefghjk', taskId: 't', audioId }, { id: 'separate_track', jobId: 'abcdefghjk', audioId }],
    ] as const;
    for (const [action, decoded] of cases) {
      const id = encodeAction(action)!;
      expect(id.length).toBeLessThanOrEqual(100);
      expect(decodeAction(id)).toEqual(decoded);
    }
  });

  it('GIVEN an audio id too long for a custom_id THEN the button names the track by its position instead', () => {
    const id = encodeAction({ id: 'separate_track', label: 'x', jobId: 'abcdefghjk', audioId: 'z'.repeat(120) }, 1)!;
    expect(id).toBe('sb1:sepi:abcdefghjk:1');
    expect(decodeAction(id)).toEqual({ id: 'separate_track', jobId: 'abcdefghjk', index: 1 });
  });

  it('GIVEN custom_ids stembot never made THEN they decode to nothing', () => {
    for (const id of ['', 'sb1', 'sb1:rd', 'sb0:rd:abc', 'sb1:rd:abc:extra', 'sb1:sep:abc:bad id', 'sb1:nuke:abc', 'sb1:cancel:abc:1', 'sb1:wav:abc', 'sb1:wav:abc:0', 'sb1:mids:abc', 'sb1:constructor:abc', 'sb1:toString:abc']) expect(decodeAction(id)).toBeNull();
  });
});

describe('result messages', () => {
  it('GIVEN 30 links and a follow-up button THEN 25 buttons in 5 rows, the rest as text, all within Discord’s limits', () => {
    const links = Array.from({ length: 30 }, (_, i) => ({ label: `song - stem ${i + 1}.wav`, url: `https://files.example.com/${i}.wav` }));
    const body = renderMessage(jobFor('1'), { text: 'links', links, actions: [{ id: 'split_stems', label: 'Split into 12 stems', jobId: 'abcdefghjk' }] });
    expect(body.components).toHaveLength(5);
    expect(body.components.flatMap((r) => r.components)).toHaveLength(25);
    expect(body.components[0]!.components[0]).toMatchObject({ custom_id: 'sb1:split:abcdefghjk' });
    expect(body.embeds[0]!.description!.split('\n')).toHaveLength(6);
    expect(checkMessageBody({ ...body, nonce: nonceFor('k'), enforce_nonce: true }, { create: true })).toEqual([]);
  });

  it('GIVEN very many very long links THEN the text is cut with a pointer to /job, within 6000 characters', () => {
    const links = Array.from({ length: 40 }, (_, i) => ({ label: `stem ${i}`, url: `https://files.example.com/${'y'.repeat(700)}/${i}.wav` }));
    const body = renderMessage(jobFor('1', { id: 'longlinks1' }), { text: 'links', links });
    expect(checkMessageBody(body, { create: true })).toEqual([]);
    expect(body.embeds.at(-1)!.description).toMatch(/…and \d+ more: `\/job id:longlinks1` lists every file\.$/);
  });

  it('GIVEN two idempotency keys THEN nonces are 25 characters, stable, and distinct', () => {
    expect(nonceFor('job:r0:a,b')).toHaveLength(25);
    expect(nonceFor('job:r0:a,b')).toBe(nonceFor('job:r0:a,b'));
    expect(nonceFor('job:r0:a,b')).not.toBe(nonceFor('job:r1:a,b'));
  });
});
