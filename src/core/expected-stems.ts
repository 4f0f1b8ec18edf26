// Which stems a separation mode comes back with (docs/separation-results.md): Kie sends every one of these
// keys, with an empty URL for a part the song does not have. The callback parser drops the empty ones, so the
// ones missing from a finished job are the parts that are not in the song.
import type { Job } from './types.js';

const expected: Record<'vocals' | 'stems', readonly { key: string; label: string }[]> = {
  vocals: [
    { key: 'vocal', label: 'Vocals' },
    { key: 'instrumental', label: 'Instrumental' },
  ],
  // split_stem's twelve (record-info may add `piano`, which no callback carries: an extra, never missing).
  stems: [
    { key: 'vocal', label: 'Vocals' },
    { key: 'backing_vocals', label: 'Backing Vocals' },
    { key: 'drums', label: 'Drums' },
    { key: 'bass', label: 'Bass' },
    { key: 'guitar', label: 'Guitar' },
    { key: 'keyboard', label: 'Keyboard' },
    { key: 'percussion', label: 'Percussion' },
    { key: 'strings', label: 'Strings' },
    { key: 'synth', label: 'Synth' },
    { key: 'fx', label: 'FX' },
    { key: 'brass', label: 'Brass' },
    { key: 'woodwinds', label: 'Woodwinds' },
  ],
};

/** Labels of the stems a finished separation came back without, in display order; empty for other jobs. */
export function missingStems(job: Job): string[] {
  const p = job.params;
  if (p.kind !== 'separate' || p.mode === 'single' || job.state !== 'complete') return [];
  const got = new Set(job.files.map((f) => f.key));
  return expected[p.mode].filter((s) => !got.has(s.key)).map((s) => s.label);
}

/** "No Piano or Brass in this song." — or '' when nothing is missing. */
export function missingStemsSentence(job: Job): string {
  const missing = missingStems(job);
  if (missing.length === 0) return '';
  const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} or ${missing[missing.length - 1]}`;
  return `No ${list} in this song.`;
}
