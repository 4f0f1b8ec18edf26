// Reads what reached a fake chat server back with tools other than the ones that wrote it: the .mid with the
// repository's own reader (./smf-reader.ts), independent of the writer — stembot writes with @tonejs/midi, which
// parses and writes through the `midi-file` package, so that package cannot be the judge (issue 13) — and the PNG
// by its signature and IHDR chunk.
import { expect } from 'vitest';
import { readSmf } from './smf-reader.js';

export interface ExpectedInstrument {
  name: string;
  notes: { pitch: number; start: number | string; end: number | string; velocity: number }[];
}

/** 120 bpm × 480 ticks per beat: the file's time base (src/delivery/midi-file.ts). */
const TICKS_PER_SECOND = 960;

export interface ReadNote {
  channel: number;
  pitch: number;
  startTick: number;
  endTick: number;
  velocity: number;
}

/** Tracks with their name, channel, program and notes (absolute ticks). */
export function readMidi(bytes: Uint8Array) {
  const midi = readSmf(bytes);
  const tracks = midi.tracks.map((track) => {
    let program: number | undefined;
    const open = new Map<number, { tick: number; velocity: number; channel: number }>();
    const notes: ReadNote[] = [];
    for (const e of track.events) {
      if (e.type === 'programChange') program = e.program;
      if (e.type === 'noteOn') open.set(e.pitch, { tick: e.tick, velocity: e.velocity, channel: e.channel });
      // The reader already turns a note-on with velocity 0 into a note-off.
      if (e.type === 'noteOff') {
        const on = open.get(e.pitch);
        if (on) notes.push({ channel: on.channel, pitch: e.pitch, startTick: on.tick, endTick: e.tick, velocity: on.velocity });
        open.delete(e.pitch);
      }
    }
    return { name: track.name, program, notes };
  });
  return { header: midi.header, tracks };
}

/** The .mid matches Kie's (the simulator's) notes: format 1, one named track per instrument, pitches, timing within a tick. */
export function expectMidiMatches(bytes: Uint8Array, expected: ExpectedInstrument[]): void {
  const { header, tracks } = readMidi(bytes);
  expect(header.format).toBe(1);
  expect(header.ticksPerBeat).toBe(480);
  // Track 0 holds the tempo and the song's name; then one track per instrument, in Kie's order.
  const instrumentTracks = tracks.slice(1);
  expect(instrumentTracks.map((t) => t.name)).toEqual(expected.map((i) => i.name));
  expected.forEach((inst, i) => {
    const got = instrumentTracks[i]!.notes.sort((a, b) => a.startTick - b.startTick || a.pitch - b.pitch);
    const want = [...inst.notes].map((n) => ({ ...n, start: Number(n.start), end: Number(n.end) })).sort((a, b) => a.start - b.start || a.pitch - b.pitch);
    expect(got).toHaveLength(want.length);
    got.forEach((n, k) => {
      const w = want[k]!;
      expect(n.pitch).toBe(w.pitch);
      expect(Math.abs(n.startTick - w.start * TICKS_PER_SECOND)).toBeLessThanOrEqual(1);
      expect(Math.abs(n.endTick - w.end * TICKS_PER_SECOND)).toBeLessThanOrEqual(1);
      expect(Math.abs(n.velocity - w.velocity * 127)).toBeLessThanOrEqual(1);
      // General MIDI percussion lives on channel 10 (9 counted from 0); nothing else does.
      expect(n.channel === 9).toBe(/drum|percussion/i.test(inst.name));
    });
  });
}

/** A PNG's size from its IHDR chunk, after checking the signature. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
