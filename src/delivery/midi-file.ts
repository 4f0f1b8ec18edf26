// Kie's MIDI notes (docs/kie-midi-wav.md) → a Standard MIDI File: format 1, one track per instrument, a General
// MIDI program from the instrument's name where one fits, drums on channel 10, velocity from Kie's 0–1.
// Written with @tonejs/midi: a maintained, typed library whose writer already knows tracks, channels, program
// changes, tempo and the seconds → ticks conversion — the parts a hand-rolled writer gets wrong (running status,
// variable-length deltas, note-off ordering). Tests read the bytes back with the repository's own
// reader (test/support/smf-reader.ts), which shares no code with @tonejs/midi or the `midi-file` package it uses.
import tone from '@tonejs/midi';
import type { MidiData } from '../core/types.js';

const { Midi } = tone;

/** Kie gives seconds, not beats: at 120 bpm and 480 ticks per beat one tick is ~1 ms, so timing survives. */
export const MIDI_BPM = 120;
/** @tonejs/midi writes 480 ticks per quarter note. */
export const MIDI_PPQ = 480;
export const DRUM_CHANNEL = 9; // channel 10, counted from 1

// General MIDI program names, in program order (GM 1 sound set), lower case — what Kie's names look like.
const GM = [
  'acoustic grand piano', 'bright acoustic piano', 'electric grand piano', 'honky-tonk piano', 'electric piano 1', 'electric piano 2', 'harpsichord', 'clavi',
  'celesta', 'glockenspiel', 'music box', 'vibraphone', 'marimba', 'xylophone', 'tubular bells', 'dulcimer',
  'drawbar organ', 'percussive organ', 'rock organ', 'church organ', 'reed organ', 'accordion', 'harmonica', 'tango accordion',
  'acoustic guitar (nylon)', 'acoustic guitar (steel)', 'electric guitar (jazz)', 'electric guitar (clean)', 'electric guitar (muted)', 'overdriven guitar', 'distortion guitar', 'guitar harmonics',
  'acoustic bass', 'electric bass (finger)', 'electric bass (pick)', 'fretless bass', 'slap bass 1', 'slap bass 2', 'synth bass 1', 'synth bass 2',
  'violin', 'viola', 'cello', 'contrabass', 'tremolo strings', 'pizzicato strings', 'orchestral harp', 'timpani',
  'string ensemble 1', 'string ensemble 2', 'synthstrings 1', 'synthstrings 2', 'choir aahs', 'voice oohs', 'synth voice', 'orchestra hit',
  'trumpet', 'trombone', 'tuba', 'muted trumpet', 'french horn', 'brass section', 'synthbrass 1', 'synthbrass 2',
  'soprano sax', 'alto sax', 'tenor sax', 'baritone sax', 'oboe', 'english horn', 'bassoon', 'clarinet',
  'piccolo', 'flute', 'recorder', 'pan flute', 'blown bottle', 'shakuhachi', 'whistle', 'ocarina',
  'lead 1 (square)', 'lead 2 (sawtooth)', 'lead 3 (calliope)', 'lead 4 (chiff)', 'lead 5 (charang)', 'lead 6 (voice)', 'lead 7 (fifths)', 'lead 8 (bass + lead)',
  'pad 1 (new age)', 'pad 2 (warm)', 'pad 3 (polysynth)', 'pad 4 (choir)', 'pad 5 (bowed)', 'pad 6 (metallic)', 'pad 7 (halo)', 'pad 8 (sweep)',
];

// When the name is not a GM program: the family a musician would pick (first match wins).
const FAMILIES: [RegExp, number][] = [
  [/bass/, 33],
  [/guitar/, 27],
  [/organ/, 16],
  [/piano|keys|keyboard/, 0],
  [/string|violin|cello/, 48],
  [/brass|trumpet|horn/, 61],
  [/sax/, 65],
  [/flute|woodwind/, 73],
  [/vocal|voice|choir|sing/, 52],
  [/synth|lead/, 80],
  [/pad/, 89],
];

const DRUMS = /drum|percussion|\bkit\b|cymbal|hi-?hat|snare|kick/;

export interface TrackPlan {
  name: string;
  channel: number;
  program: number;
  percussion: boolean;
}

/** The channel and GM program for each instrument, in Kie's order. Melodic tracks skip channel 10. */
export function planTracks(names: string[]): TrackPlan[] {
  let next = 0;
  return names.map((name) => {
    const n = name.trim().toLowerCase();
    if (DRUMS.test(n)) return { name, channel: DRUM_CHANNEL, program: 0, percussion: true };
    const exact = GM.indexOf(n);
    const program = exact >= 0 ? exact : (FAMILIES.find(([re]) => re.test(n))?.[1] ?? 0);
    const channel = next % 15 >= DRUM_CHANNEL ? (next % 15) + 1 : next % 15;
    next++;
    return { name, channel, program, percussion: false };
  });
}

// Tone writes Math.floor(velocity × 127); a note-on of velocity 0 is a note-off, so the quietest note is 1.
const velocityOf = (v: number) => Math.max(1, Math.min(127, Math.round(v * 127))) / 127 + 1e-9;

/** The .mid bytes. Empty instruments keep their (named) track so the file matches what Kie reported. */
export function midiFileBytes(data: MidiData, title: string): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(MIDI_BPM);
  midi.header.name = title;
  const plans = planTracks(data.instruments.map((i) => i.name));
  data.instruments.forEach((inst, i) => {
    const plan = plans[i]!;
    const track = midi.addTrack();
    track.name = inst.name;
    track.channel = plan.channel;
    track.instrument.number = plan.program;
    for (const n of inst.notes) {
      track.addNote({ midi: n.pitch, time: n.start, duration: Math.max(0, n.end - n.start), velocity: velocityOf(n.velocity) });
    }
  });
  return midi.toArray();
}
