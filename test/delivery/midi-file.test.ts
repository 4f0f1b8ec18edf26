// The .mid writer and the piano roll on Kie's own example (test/fixtures/kie/midi-callback-data-taskid.json),
// read back with other tools: the repository's own SMF reader (test/support/smf-reader.ts) and pngjs's decoder.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { midiFileBytes, planTracks } from '../../src/delivery/midi-file.js';
import { PALETTE, pianoRollPng, ROLL_HEIGHT, ROLL_WIDTH } from '../../src/delivery/piano-roll.js';
import { readInstruments } from '../../src/kie/follow-ups.js';
import { expectMidiMatches, pngSize, readMidi } from '../support/midi-check.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/kie/midi-callback-data-taskid.json', import.meta.url), 'utf8'));
const midi = readInstruments(example.data.instruments);

describe('midiFileBytes — GIVEN Kie’s example notes (times partly as strings)', () => {
  it('THEN a format-1 file with one named track per instrument, the notes within a tick, drums on channel 10, bass as GM 34', () => {
    const bytes = midiFileBytes(midi, 'River Song');
    expectMidiMatches(bytes, example.data.instruments);
    const { tracks } = readMidi(bytes);
    expect(tracks[0]!.name).toBe('River Song');
    expect(tracks.slice(1).map((t) => [t.name, t.program, t.notes[0]!.channel])).toEqual([
      ['Drums', 0, 9],
      ['Electric Bass (finger)', 33, 0],
    ]);
  });

  it('THEN General MIDI programs come from the name where one fits, and melodic parts never take channel 10', () => {
    const plan = planTracks(['Lead 6 (voice)', 'Acoustic Grand Piano', 'Kazoo', 'Slap Bass 1', 'Percussion', ...Array.from({ length: 12 }, (_, i) => `Synth ${i}`)]);
    expect(plan.slice(0, 5).map((p) => [p.program, p.percussion])).toEqual([[85, false], [0, false], [0, false], [36, false], [0, true]]);
    expect(plan.filter((p) => !p.percussion).every((p) => p.channel !== 9 && p.channel >= 0 && p.channel <= 15)).toBe(true);
  });
});

describe('pianoRollPng', () => {
  it('THEN a valid PNG of the fixed size, with each instrument’s colour on it', () => {
    const png = pianoRollPng(midi, 'River Song - MIDI');
    expect(pngSize(png)).toEqual({ width: ROLL_WIDTH, height: ROLL_HEIGHT });
    const image = PNG.sync.read(png);
    const has = (c: number[]) => {
      for (let i = 0; i < image.data.length; i += 4) if (image.data[i] === c[0] && image.data[i + 1] === c[1] && image.data[i + 2] === c[2]) return true;
      return false;
    };
    expect(has(PALETTE[0]!)).toBe(true);
    expect(has(PALETTE[1]!)).toBe(true);
    expect(has(PALETTE[2]!)).toBe(false);
  });
});
