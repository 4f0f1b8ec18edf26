// A 3×5 pixel font for labels in generated pictures (the piano roll): there is no canvas library, and a label
// needs only capitals, digits and a little punctuation. Each glyph is five rows of three bits, top row first,
// most significant bit on the left. Lower case is drawn as upper case; an unknown character as a blank.

const G: Record<string, number[]> = {
  A: [2, 5, 7, 5, 5], B: [6, 5, 6, 5, 6], C: [3, 4, 4, 4, 3], D: [6, 5, 5, 5, 6], E: [7, 4, 6, 4, 7],
  F: [7, 4, 6, 4, 4], G: [3, 4, 5, 5, 3], H: [5, 5, 7, 5, 5], I: [7, 2, 2, 2, 7], J: [1, 1, 1, 5, 2],
  K: [5, 5, 6, 5, 5], L: [4, 4, 4, 4, 7], M: [5, 7, 7, 5, 5], N: [6, 5, 5, 5, 5], O: [2, 5, 5, 5, 2],
  P: [6, 5, 6, 4, 4], Q: [2, 5, 5, 6, 3], R: [6, 5, 6, 5, 5], S: [3, 4, 2, 1, 6], T: [7, 2, 2, 2, 2],
  U: [5, 5, 5, 5, 7], V: [5, 5, 5, 5, 2], W: [5, 5, 7, 7, 5], X: [5, 5, 2, 5, 5], Y: [5, 5, 2, 2, 2],
  Z: [7, 1, 2, 4, 7],
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [6, 1, 2, 4, 7], '3': [6, 1, 2, 1, 6], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 6, 1, 6], '6': [3, 4, 7, 5, 7], '7': [7, 1, 1, 2, 2], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 6],
  ' ': [0, 0, 0, 0, 0], '.': [0, 0, 0, 0, 2], ',': [0, 0, 0, 2, 4], '-': [0, 0, 7, 0, 0], '(': [1, 2, 2, 2, 1],
  ')': [4, 2, 2, 2, 4], ':': [0, 2, 0, 2, 0], '/': [1, 1, 2, 4, 4], '+': [0, 2, 7, 2, 0], '#': [5, 7, 5, 7, 5],
  "'": [2, 2, 0, 0, 0], '&': [2, 5, 2, 5, 3], '?': [6, 1, 2, 0, 2], '!': [2, 2, 2, 0, 2], '_': [0, 0, 0, 0, 7],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;
/** Advance per character (glyph plus one pixel of space), before scaling. */
export const GLYPH_ADVANCE = 4;

/** Width in pixels of `text` at `scale`. */
export const textWidth = (text: string, scale: number): number => Math.max(0, text.length * GLYPH_ADVANCE * scale - scale);

/** Calls `plot(x, y)` for every lit pixel of `text` drawn at (x, y) (top-left) at `scale`. */
export function drawText(text: string, x: number, y: number, scale: number, plot: (x: number, y: number) => void): void {
  [...text.toUpperCase()].forEach((ch, i) => {
    const rows = G[ch] ?? G[' ']!;
    rows.forEach((bits, row) => {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (!(bits & (4 >> col))) continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) plot(x + (i * GLYPH_ADVANCE + col) * scale + dx, y + row * scale + dy);
      }
    });
  });
}
