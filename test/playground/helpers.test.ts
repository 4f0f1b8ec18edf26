import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src/chat/playground/file-response.js';
import { safeFileName, uniqueName } from '../../src/chat/playground/safe-name.js';
import { PasswordGate, readCookie, sessionTtlMs } from '../../src/chat/playground/session.js';

describe('playground helpers', () => {
  it.each([
    ['River Song.mp3', 'River Song.mp3'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ada\\Desktop\\demo.wav', 'demo.wav'],
    ['.hidden.wav', 'hidden.wav'],
    ['..', 'file'],
    ['a<b>:"c"|d?*.mp3', 'a_b___c__d__.mp3'],
    ['Ünïcödé — Sóng.flac', 'Ünïcödé _ Sóng.flac'],
    ['bell\u0007.wav', 'bell.wav'],
  ])('GIVEN the file name %j THEN it is stored as %j', (raw, safe) => {
    expect(safeFileName(raw)).toBe(safe);
  });

  it('GIVEN a very long name THEN it is cut but keeps its extension', () => {
    const name = safeFileName(`${'x'.repeat(300)}.flac`);
    expect(name).toHaveLength(120);
    expect(name.endsWith('.flac')).toBe(true);
  });

  it('GIVEN names already taken THEN the next one is numbered', () => {
    expect(uniqueName('a.wav', new Set(['a.wav', 'a-2.wav']))).toBe('a-3.wav');
  });

  it.each([
    [undefined, null],
    ['bytes=0-9', [0, 9]],
    ['bytes=90-', [90, 99]],
    ['bytes=-10', [90, 99]],
    ['bytes=95-500', [95, 99]],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=5-2', 'unsatisfiable'],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ])('GIVEN Range %j on 100 bytes THEN %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });

  it('GIVEN a Cookie header THEN one cookie is read by name', () => {
    expect(readCookie('a=1; stembot_playground=tok.en; b=2', 'stembot_playground')).toBe('tok.en');
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });

  it('GIVEN a session token WHEN its lifetime passes THEN it no longer verifies', () => {
    let now = 1_000;
    const gate = new PasswordGate('pw', Buffer.alloc(32, 1), { now: () => now });
    const token = gate.issue();
    expect(gate.verify(token)).toBe(true);
    now += sessionTtlMs + 1;
    expect(gate.verify(token)).toBe(false);
    expect(gate.checkPassword('pw')).toBe(true);
    expect(gate.checkPassword('pw ')).toBe(false);
  });
});
