// The Slack escaper over any text (fast-check): nothing that comes out can open a control sequence
// (`<!channel>`, `<@U…>`, `<url|label>`), and a bare `@channel` is not the word `@channel`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeText } from '../../src/chat/slack/escape.js';

const hostile = fc.array(fc.oneof(fc.constantFrom('<!channel>', '<!everyone>', '<!here>', '<@U999>', '<https://evil.example|click>', '&lt;', '&', '@channel', '@here', '@everyone', '\u202e'), fc.string()), { maxLength: 30 }).map((a) => a.join(''));

describe('escapeText', () => {
  it('GIVEN any text THEN no < or >, every & starts an entity stembot wrote, and no bare @channel/@here/@everyone', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = escapeText(text);
        expect(out).not.toMatch(/[<>\u202e]/);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        expect(out).not.toMatch(/@(channel|here|everyone)\b/i);
        // Slack decodes the three entities: the person sees what was typed (less the invisible joiner and bidi controls).
        const shown = out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\u2060/g, '');
        expect(shown).toBe(text.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\u2060/g, ''));
      }),
      { numRuns: 500 },
    );
  });
});
