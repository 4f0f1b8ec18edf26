// Fixed choices the composer offers: instrument names for `stem`, and the simulator's scenario names.

/**
 * Suggestions for `stem` (split_stem_advanced's `stemName`). Kie's enum has about a hundred names in this
 * style ("Lead Vocal", "Drum Kit", "Piano"; docs/kie-api.md); these are common ones. The field
 * stays free text: Kie, not the playground, decides what is valid.
 * TODO(core): when the Discord autocomplete list lands in core/, import it from there instead.
 */
export const stemSuggestions = [
  'Lead Vocal',
  'Backing Vocals',
  'Choir',
  'Drum Kit',
  'Kick',
  'Snare',
  'Hi-Hat',
  'Cymbals',
  'Percussion',
  'Bass',
  'Electric Bass',
  'Acoustic Guitar',
  'Electric Guitar',
  'Piano',
  'Electric Piano',
  'Organ',
  'Keyboard',
  'Synth',
  'Synth Pad',
  'Strings',
  'Violin',
  'Cello',
  'Brass',
  'Trumpet',
  'Saxophone',
  'Woodwinds',
  'Flute',
  'FX',
] as const;

/** The simulator's scenarios (src/sim/), shown as one-click demo tricks. */
export const simScenarios = [
  'happy',
  'skip-stages',
  'duplicate',
  'out-of-order',
  'lost-callback',
  'fail-400',
  'fail-402',
  'fail-451',
  'fail-500',
  'big-stems',
] as const;
