// The test-only Standard MIDI File reader (test/support/smf-reader.ts) on bytes assembled by hand from the SMF 1.0
// specification, not produced by any library: the reader judges stembot's writer in the delivery tests, so it is
// checked against the specification itself, including the parts @tonejs/midi happens not to write (running status,
// note-on with velocity 0, sysex).
import { describe, expect, it } from 'vitest';
import { readSmf, SmfError } from '../support/smf-reader.js';

/** A chunk: 4-byte type, 4-byte big-endian length, body. */
function chunk(type: string, body: number[]): number[] {
  const n = body.length;
  return [...type].map((c) => c.charCodeAt(0)).concat([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff], body);
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const file = [
  // Format 1, two tracks, 480 ticks per quarter note (0x01E0).
  ...chunk('MThd', [0x00, 0x01, 0x00, 0x02, 0x01, 0xe0]),
  ...chunk('MTrk', [
    0x00, 0xff, 0x03, 0x04, ...ascii('Song'), // track name
    0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, // tempo 500000 µs per quarter = 120 bpm
    0x00, 0xf0, 0x05, 0x7e, 0x7f, 0x09, 0x01, 0xf7, // sysex: GM System On, skipped by its length
    0x00, 0xff, 0x2f, 0x00, // end of track
  ]),
  ...chunk('MTrk', [
    0x00, 0xff, 0x03, 0x04, ...ascii('Bass'),
    0x00, 0xc1, 0x21, // program change, channel 1 → GM 34 (program 33)
    0x00, 0x91, 0x3c, 0x64, // note on 60, velocity 100
    0x00, 0x3e, 0x50, // running status: note on 62, velocity 80
    0x83, 0x60, 0x3c, 0x00, // delta 480 (two-byte VLQ), running status note on 60 velocity 0 = note off
    0x00, 0x81, 0x3e, 0x40, // explicit note off 62
    0x00, 0xff, 0x01, 0x02, ...ascii('hi'), // text meta: not kept, skipped by length
    0x00, 0xff, 0x2f, 0x00,
  ]),
];

describe('readSmf — GIVEN a hand-assembled format-1 file', () => {
  it('THEN the header, track names and every event at its absolute tick', () => {
    expect(readSmf(Uint8Array.from(file))).toEqual({
      header: { format: 1, trackCount: 2, ticksPerBeat: 480 },
      tracks: [
        {
          name: 'Song',
          events: [
            { tick: 0, type: 'trackName', text: 'Song' },
            { tick: 0, type: 'tempo', microsecondsPerBeat: 500000 },
            { tick: 0, type: 'sysex', length: 5 },
            { tick: 0, type: 'endOfTrack' },
          ],
        },
        {
          name: 'Bass',
          events: [
            { tick: 0, type: 'trackName', text: 'Bass' },
            { tick: 0, channel: 1, type: 'programChange', program: 33 },
            { tick: 0, channel: 1, type: 'noteOn', pitch: 60, velocity: 100 },
            { tick: 0, channel: 1, type: 'noteOn', pitch: 62, velocity: 80 },
            { tick: 480, channel: 1, type: 'noteOff', pitch: 60, velocity: 0 },
            { tick: 480, channel: 1, type: 'noteOff', pitch: 62, velocity: 64 },
            { tick: 480, type: 'meta', metaType: 0x01, length: 2 },
            { tick: 480, type: 'endOfTrack' },
          ],
        },
      ],
    });
  });

  it('WHEN the last chunk is cut short THEN it refuses with an error naming the truncated chunk', () => {
    // Dropping the final bytes leaves the second MTrk declaring more than the file holds: a reader that read on
    // regardless would report a plausible but wrong track, so this must fail, not return.
    const truncated = Uint8Array.from(file.slice(0, -3));
    expect(() => readSmf(truncated)).toThrow(SmfError);
    expect(() => readSmf(truncated)).toThrow(/truncated MTrk chunk at byte \d+: declares 36 byte\(s\), only 33 present/);
  });
});
