// The stems Kie returns, named as its payloads name them: snake_case `<key>_url` in callbacks,
// camelCase `<key>Url` in record-info. Each stem gets its own pitch so a listener (and a test) can tell
// them apart. https://docs.kie.ai/suno-api/separate-vocals-callbacks
import { seedFrom } from './wav.js';

export type SeparationType = 'separate_vocal' | 'split_stem' | 'split_stem_advanced';

interface StemInfo {
  label: string;
  baseHz: number;
}

const catalogue: Record<string, StemInfo> = {
  vocal: { label: 'Vocals', baseHz: 440 },
  instrumental: { label: 'Instrumental', baseHz: 220 },
  backing_vocals: { label: 'Backing Vocals', baseHz: 330 },
  drums: { label: 'Drums', baseHz: 98 },
  bass: { label: 'Bass', baseHz: 55 },
  guitar: { label: 'Guitar', baseHz: 196 },
  piano: { label: 'Piano', baseHz: 262 },
  keyboard: { label: 'Keyboard', baseHz: 294 },
  percussion: { label: 'Percussion', baseHz: 147 },
  strings: { label: 'Strings', baseHz: 392 },
  synth: { label: 'Synth', baseHz: 523 },
  fx: { label: 'FX', baseHz: 659 },
  brass: { label: 'Brass', baseHz: 349 },
  woodwinds: { label: 'Woodwinds', baseHz: 587 },
};

/** separate_vocal: two stems. */
export const separateVocalStems = ['vocal', 'instrumental'] as const;
/** split_stem: the twelve stems of the current callback page. */
export const splitStems = [
  'vocal',
  'backing_vocals',
  'drums',
  'bass',
  'guitar',
  'keyboard',
  'percussion',
  'strings',
  'synth',
  'fx',
  'brass',
  'woodwinds',
] as const;
/** Fields record-info always lists (null when the type does not produce them). */
export const recordInfoStemKeys = ['instrumental', 'vocal', 'backing_vocals', 'drums', 'bass', 'guitar', 'piano', 'keyboard',
  'percussion', 'strings', 'synth', 'fx', 'brass', 'woodwinds'] as const;

/** split_stem_advanced's one stem: `stemName` in snake_case ("Drum Kit" → `drum_kit`, "Piano" → `piano`). */
export function stemKeyFor(stemName: string): string {
  const key = stemName.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return key || 'stem';
}

export function stemKeysFor(type: SeparationType, stemName?: string): string[] {
  if (type === 'separate_vocal') return [...separateVocalStems];
  if (type === 'split_stem') return [...splitStems];
  return [stemKeyFor(stemName ?? '')];
}

export function stemLabel(key: string, stemName?: string): string {
  return catalogue[key]?.label ?? stemName ?? key;
}

/** `backing_vocals` → `backingVocalsUrl`. */
export function camelUrlKey(key: string): string {
  return `${key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Url`;
}

/** The task transposes every stem by the same amount (0–6 semitones), so stems of one task never share a pitch. */
export function stemFreqHz(taskId: string, key: string): number {
  const shift = 2 ** ((seedFrom(taskId) % 7) / 12);
  const base = catalogue[key]?.baseHz ?? 110 * 2 ** ((seedFrom(key) % 24) / 12);
  return Math.round(base * shift * 100) / 100;
}

/** Generated tracks: track-1 in C, track-2 in D, transposed per task. */
export function trackFreqHz(taskId: string, index: number): number {
  const shift = 2 ** ((seedFrom(taskId) % 7) / 12);
  return Math.round((index === 1 ? 261.63 : 293.66) * shift * 100) / 100;
}
