// A piano-roll picture of a MIDI result, attached beside the .mid so people see what they got before opening a
// DAW: time across, pitch up, one colour per instrument, the instruments named in a legend above the roll.
// Pixels are drawn by hand (no canvas library) and encoded with pngjs; labels use the tiny bitmap font.
import { PNG } from 'pngjs';
import type { MidiData } from '../core/types.js';
import { drawText, GLYPH_HEIGHT, textWidth } from './bitmap-font.js';

/** Fixed size, so chat clients lay it out the same every time (and tests know what to expect). */
export const ROLL_WIDTH = 960;
export const ROLL_HEIGHT = 480;
const MARGIN = 12;
const SCALE = 2; // font scale: 6×10 pixel capitals
const LINE = GLYPH_HEIGHT * SCALE + 6;

type RGB = [number, number, number];
const BACKGROUND: RGB = [24, 26, 32];
const GRID: RGB = [44, 47, 56];
const TEXT: RGB = [230, 232, 238];
/** Distinct, bright on dark; cycles after twelve instruments. */
export const PALETTE: RGB[] = [
  [239, 83, 80], [66, 165, 245], [102, 187, 106], [255, 202, 40], [171, 71, 188], [38, 198, 218],
  [255, 138, 101], [156, 204, 101], [236, 64, 122], [92, 107, 192], [255, 241, 118], [141, 110, 99],
];

export function pianoRollPng(data: MidiData, title: string): Buffer {
  const png = new PNG({ width: ROLL_WIDTH, height: ROLL_HEIGHT, colorType: 2, inputHasAlpha: true });
  const set = (x: number, y: number, c: RGB) => {
    if (x < 0 || y < 0 || x >= ROLL_WIDTH || y >= ROLL_HEIGHT) return;
    const i = (y * ROLL_WIDTH + Math.floor(x)) * 4;
    png.data[i] = c[0];
    png.data[i + 1] = c[1];
    png.data[i + 2] = c[2];
    png.data[i + 3] = 255;
  };
  const rect = (x0: number, y0: number, x1: number, y1: number, c: RGB) => {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(ROLL_HEIGHT, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(ROLL_WIDTH, Math.ceil(x1)); x++) set(x, y, c);
    }
  };
  rect(0, 0, ROLL_WIDTH, ROLL_HEIGHT, BACKGROUND);

  // Legend: the title, then each instrument's swatch and name, wrapped across the width.
  drawText(title.slice(0, 70), MARGIN, MARGIN, SCALE, (x, y) => set(x, y, TEXT));
  let lx = MARGIN;
  let ly = MARGIN + LINE;
  data.instruments.forEach((inst, i) => {
    const label = `${inst.name} (${inst.notes.length})`.slice(0, 40);
    const w = 14 + textWidth(label, SCALE) + 16;
    if (lx + w > ROLL_WIDTH - MARGIN && lx > MARGIN) {
      lx = MARGIN;
      ly += LINE;
    }
    rect(lx, ly, lx + 10, ly + GLYPH_HEIGHT * SCALE, PALETTE[i % PALETTE.length]!);
    drawText(label, lx + 14, ly, SCALE, (x, y) => set(x, y, TEXT));
    lx += w;
  });

  // The roll: one row per semitone between the lowest and highest note (at least an octave).
  const top = ly + LINE + 4;
  const bottom = ROLL_HEIGHT - MARGIN;
  const left = MARGIN;
  const right = ROLL_WIDTH - MARGIN;
  const notes = data.instruments.flatMap((inst, i) => inst.notes.map((n) => ({ ...n, colour: PALETTE[i % PALETTE.length]! })));
  // Loops, not Math.min(...spread): a long record-info answer may hold more notes than a call takes arguments.
  const lo = notes.length ? notes.reduce((m, n) => Math.min(m, n.pitch), 127) : 48;
  const hi = Math.max(lo + 12, notes.length ? notes.reduce((m, n) => Math.max(m, n.pitch), 0) : 60);
  const span = Math.max(0.001, notes.length ? notes.reduce((m, n) => Math.max(m, n.end), 0) : 1);
  const rowH = (bottom - top) / (hi - lo + 1);
  for (let p = lo; p <= hi; p++) if (p % 12 === 0) rect(left, bottom - (p - lo + 1) * rowH, right, bottom - (p - lo + 1) * rowH + 1, GRID); // every C
  const every = span > 60 ? Math.max(10, Math.ceil(span / 600) * 10) : span > 12 ? 5 : 1; // at most ~60 lines
  for (let s = 0; s <= span; s += every) rect(left + (s / span) * (right - left), top, left + (s / span) * (right - left) + 1, bottom, GRID);
  for (const n of notes) {
    const x0 = left + (n.start / span) * (right - left);
    const x1 = Math.max(x0 + 2, left + (n.end / span) * (right - left));
    const y1 = bottom - (n.pitch - lo) * rowH;
    rect(x0, Math.min(y1 - 2, y1 - rowH + 1), x1, y1, n.colour);
  }
  return PNG.sync.write(png, { colorType: 2 });
}
