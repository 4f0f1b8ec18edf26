// Kie's vocabulary, in one place for every part of stembot: the instrument names split_stem_advanced accepts
// and the lengths Kie allows for each text field. Adapters and the playground offer and check these; src/kie/
// sends them.

// Kie's documented limits (docs/kie-api.md): style/tags ≤ 1000, negativeTags ≤ 200; prompt 5000 and title 80 (safe caps).
export const kieLimits = { title: 80, style: 1000, tags: 1000, negativeTags: 200, prompt: 5000, stem: 60 } as const;

// split_stem_advanced's `stemName` enum (98 names), in Kie's own order so autocomplete shows the common
// parts first. Kie's pages describe it only as "~100 names such as Lead Vocal, Drum Kit, Piano"; this list
// is the enum published on docs.sunoapi.org/suno-api/separate-vocals-from-music (Kie's sibling service,
// same backend), found verbatim in several independent client libraries. Note that Kie says
// "String Section" and "Brass Section", not "Strings" / "Brass". Kie is the authority: the request schema
// accepts any short name, so a name Kie adds later still works before this list catches up.
export const ADVANCED_STEM_NAMES = [
  'Lead Vocal', 'Drum Kit', 'Kick', 'Snare', 'Risers', 'Bass', 'Backing Vocals', 'Piano',
  'Electric Guitar', 'Percussion', 'String Section', 'Synth', 'Acoustic Guitar', 'Sound Effects',
  'Synth Pad', 'Synth Bass', 'Guitar', 'Brass Section', 'Organ', 'Electronic Drum Kit',
  'Lead Electric Guitar', 'Synth Keys', 'Rhythm Electric Guitar', 'Electric Piano', 'Upright Bass',
  'Keyboards', 'Distorted Electric Guitar', 'Synth Strings', 'Synth Lead', 'Woodwinds',
  'Rhythm Acoustic Guitar', 'Flute', 'Harp', 'Tambourine', 'Trumpet', 'Arpeggiator', 'Accordion',
  'Fiddle', 'Pedal Steel Guitar', 'Synth Voice', 'Violin', 'Digital Piano', 'Synth Brass', 'Mandolin',
  'Choir', 'Banjo', 'Bells', 'Clarinet', 'Tenor Saxophone', 'Trombone', 'Shaker', 'French Horn',
  'Glockenspiel', 'Electric Bass', 'Cello', 'Timpani', 'Harmonica', 'Marimba', 'Vibraphone',
  'Lap Steel Guitar', 'Saxophone', 'Orchestra', 'Horns', 'Cymbals', 'Hand Clap', 'Oboe', 'Celesta',
  'Congas', 'Drone', 'Alto Saxophone', 'Double Bass', 'Ukulele', 'Harpsichord', 'Baritone Saxophone',
  'Xylophone', 'Tuba', 'Bass Guitar', 'Whistle', 'Lead Guitar', 'Rhodes', '808', 'Bongos', 'Bassoon',
  'Cowbell', 'Viola', 'Sitar', 'Steel Drums', 'Piccolo', 'Theremin', 'Bagpipes', 'Hi-Hat', 'Music Box',
  'Melodica', 'Tabla', 'Koto', 'Djembe', 'Taiko', 'Didgeridoo',
] as const;

/**
 * The stems Kie's separations return, by stable key and the label a musician reads, in display order. Kie names
 * them `drums_url` in callbacks and `drumsUrl` in record-info (src/kie/stems.ts maps those fields onto these keys);
 * `piano` comes only in record-info (docs/kie-api.md "Polling").
 */
export const SEPARATED_STEMS = [
  { key: 'vocal', label: 'Vocals' },
  { key: 'instrumental', label: 'Instrumental' },
  { key: 'backing_vocals', label: 'Backing Vocals' },
  { key: 'drums', label: 'Drums' },
  { key: 'bass', label: 'Bass' },
  { key: 'guitar', label: 'Guitar' },
  { key: 'piano', label: 'Piano' },
  { key: 'keyboard', label: 'Keyboard' },
  { key: 'percussion', label: 'Percussion' },
  { key: 'strings', label: 'Strings' },
  { key: 'synth', label: 'Synth' },
  { key: 'fx', label: 'FX' },
  { key: 'brass', label: 'Brass' },
  { key: 'woodwinds', label: 'Woodwinds' },
] as const;

/**
 * Which of those keys each mode comes back with (docs/separation-results.md): separate_vocal two, split_stem
 * twelve (record-info may add `piano`, which no callback carries: an extra, never missing).
 */
export const STEMS_BY_MODE: Record<'vocals' | 'stems', readonly string[]> = {
  vocals: ['vocal', 'instrumental'],
  stems: ['vocal', 'backing_vocals', 'drums', 'bass', 'guitar', 'keyboard', 'percussion', 'strings', 'synth', 'fx', 'brass', 'woodwinds'],
};
