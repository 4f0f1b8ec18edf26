// Which stems a separation mode comes back with (docs/separation-results.md): Kie sends every one of these
// keys, with an empty URL for a part the song does not have. The callback parser drops the empty ones, so the
// ones missing from a finished job are the parts that are not in the song.
import { SEPARATED_STEMS, STEMS_BY_MODE } from './kie-vocabulary.js';
import type { Job } from './types.js';

const labelOf = new Map<string, string>(SEPARATED_STEMS.map((s) => [s.key, s.label]));
const expected = {
  vocals: STEMS_BY_MODE.vocals.map((key) => ({ key, label: labelOf.get(key)! })),
  stems: STEMS_BY_MODE.stems.map((key) => ({ key, label: labelOf.get(key)! })),
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
