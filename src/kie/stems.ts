// The stem vocabulary: Kie names a stem `drums_url` in callbacks and `drumsUrl` in record-info; the rest of
// stembot only ever sees the stable key (`drums`) and the label a musician reads (`Drums`).
// Sources: Kie's callback pages (test/fixtures/kie/separation-current-split-stem.json, split-stem-removal-info.json)
// and docs/kie-api.md "Polling" (record-info also carries `pianoUrl`, which no callback page shows).
import { SEPARATED_STEMS } from '../core/kie-vocabulary.js';
import type { ResultFile } from '../core/types.js';

export interface StemDef {
  key: string;
  label: string;
  snake: string;
  camel: string;
}

// `backing_vocals` → `backingVocalsUrl`: record-info's spelling of the same field.
const camelOf = (key: string) => `${key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())}Url`;

/** Known stems in display order (what a musician expects first comes first): the core's one list. */
export const STEMS: readonly StemDef[] = SEPARATED_STEMS.map((s) => ({ key: s.key, label: s.label, snake: `${s.key}_url`, camel: camelOf(s.key) }));

/** `origin_url` / `originUrl` is the input Kie separated, never a stem. */
const ORIGIN_KEYS = new Set(['origin_url', 'originUrl']);
const KNOWN_KEYS = new Set(STEMS.flatMap((s) => [s.snake, s.camel]));

const usable = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** `lead_guitar_url` / `leadGuitarUrl` → `lead_guitar`; anything else → null. */
function unknownStemKey(field: string): string | null {
  const m = /^(.+?)(_url|Url)$/.exec(field);
  if (!m) return null;
  return m[1]!.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const titleCase = (key: string) => key.split('_').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');

/**
 * Stems from a callback's `vocal_separation_info` (snake_case) or record-info's `response` (camelCase).
 * Empty and null URLs are dropped (Kie: "some instrument separation results may be empty"). A `*_url` key we
 * do not know yet is kept after the known ones rather than silently lost.
 */
export function stemFilesFromRecord(info: Record<string, unknown>): ResultFile[] {
  const files: ResultFile[] = [];
  for (const s of STEMS) {
    const url = usable(info[s.snake]) ? info[s.snake] : info[s.camel];
    if (usable(url)) files.push({ key: s.key, label: s.label, url: url.trim() });
  }
  for (const [field, value] of Object.entries(info)) {
    if (KNOWN_KEYS.has(field) || ORIGIN_KEYS.has(field) || !usable(value)) continue;
    const key = unknownStemKey(field);
    if (key && !files.some((f) => f.key === key)) files.push({ key, label: titleCase(key), url: value.trim() });
  }
  return files;
}

/** The known stem whose label (or key) matches Kie's `stem_type_group_name`, e.g. "Backing Vocals". */
function stemByName(name: string): StemDef | undefined {
  const n = name.trim().toLowerCase();
  return STEMS.find((s) => s.label.toLowerCase() === n || s.key === n.replace(/\s+/g, '_'));
}

export interface OriginDataEntry {
  audio_url?: string | null;
  stem_type_group_name?: string | null;
  /** The separated track's id: what Kie's MIDI endpoint takes as `audioId` (docs/kie-midi-wav.md). */
  id?: string | null;
  duration?: number | null;
}

/** Stems from record-info's `originData[]`, used when the camelCase URL fields are absent. */
export function stemFilesFromOriginData(entries: readonly OriginDataEntry[]): ResultFile[] {
  const files: ResultFile[] = [];
  entries.forEach((e, i) => {
    if (!usable(e.audio_url)) return;
    const name = e.stem_type_group_name?.trim() || `Stem ${i + 1}`;
    const known = stemByName(name);
    const key = known?.key ?? name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
    const file: ResultFile = { key: key || `stem-${i + 1}`, label: known?.label ?? name, url: e.audio_url.trim() };
    if (typeof e.duration === 'number' && Number.isFinite(e.duration) && e.duration >= 0) file.durationSec = e.duration;
    if (usable(e.id)) file.audioId = e.id.trim();
    files.push(file);
  });
  return files;
}

/** Stems read from the URL fields get their originData id (same URL, else same stem name), for per-stem MIDI. */
export function withOriginIds(files: ResultFile[], entries: readonly OriginDataEntry[]): ResultFile[] {
  return files.map((f) => {
    if (f.audioId) return f;
    const byUrl = entries.find((e) => usable(e.id) && usable(e.audio_url) && e.audio_url.trim() === f.url);
    const byName = byUrl ?? entries.find((e) => usable(e.id) && usable(e.stem_type_group_name) && stemByName(e.stem_type_group_name)?.key === f.key);
    return byName && usable(byName.id) ? { ...f, audioId: byName.id.trim() } : f;
  });
}
