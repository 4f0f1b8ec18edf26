// The Discord escaper over any text (fast-check): whatever a name contains, what comes out cannot render as a
// mention, a masked link, a code span or a headline.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapePlain, toDiscordMarkdown } from '../../src/chat/discord/escape.js';

// Strings rich in the characters that matter, mixed with anything.
const hostile = fc.array(fc.oneof(fc.constantFrom('@everyone', '@here', '<@123>', '<@&5>', '<#9>', '[x]', '](https://evil.example)', '(', ')', '\\', '*', '_', '`', '|', '~', '#', '>', '-', '1.', '\n', ' ', ':', '//', '\u202e'), fc.string()), { maxLength: 30 }).map((a) => a.join(''));

/** Characters not preceded by an odd number of backslashes (Discord's escape). */
const unescaped = (s: string, ch: string) => [...s].some((c, i) => c === ch && (/\\+$/.exec(s.slice(0, i))?.[0].length ?? 0) % 2 === 0);

describe('escapeMarkdown', () => {
  it('GIVEN any text THEN no mass mention, no live <…>, [ or ], backtick or pipe, no line-start headline or quote, no bidi override', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = escapeMarkdown(text);
        expect(out).not.toMatch(/@(everyone|here)/);
        for (const ch of ['<', '[', ']', '`', '|', '*', '_', '~']) expect(unescaped(out, ch)).toBe(false);
        expect(out).not.toMatch(/^\s*[#>]/m);
        expect(out).not.toMatch(/[^\\]:\/\//);
        expect(out).not.toContain('\u202e');
      }),
      { numRuns: 500 },
    );
  });

  it('GIVEN the core text with **bold** around a hostile name THEN the bold stays and the name is escaped', () => {
    expect(toDiscordMarkdown('**[Free Nitro @everyone](https://evil.example/claim)** — 2 stems for @here')).toBe(
      '**\\[Free Nitro @\u200beveryone\\](https\\://evil.example/claim)** — 2 stems for @\u200bhere',
    );
  });
});

describe('escapePlain', () => {
  it('GIVEN any text THEN no mass mention and no `](`, and nothing else changes', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = escapePlain(text);
        expect(out).not.toMatch(/@(everyone|here)/);
        expect(out).not.toContain('](');
        expect(out.replace(/\u200b/g, '')).toBe(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ''));
      }),
      { numRuns: 500 },
    );
  });
});
