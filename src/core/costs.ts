// What a job costs in Kie credits, in one table. Defaults follow Kie's published prices (docs/costs.md says
// where each number comes from); an admin whose account is priced differently overrides them with KIE_COSTS.
import type { JobParams } from './types.js';

/** The Kie operations stembot starts, one price each. */
export type CostKey = 'separate_vocal' | 'split_stem' | 'split_stem_advanced' | 'add_vocals' | 'add_instrumental' | 'midi' | 'wav';
export type CostTable = Record<CostKey, number>;

export const defaultCosts: CostTable = {
  // docs/kie-api.md ("Credits (per docs, may change)") and docs/costs.md.
  separate_vocal: 10,
  split_stem: 50,
  split_stem_advanced: 20,
  // Not confirmed by a Kie page: these endpoints run one Suno generation, priced 12 as the simulator charges it
  // (docs/costs.md says what was and was not found). Override with KIE_COSTS if your dashboard says otherwise.
  add_vocals: 12,
  add_instrumental: 12,
  // Not confirmed either: Kie's MIDI and WAV pages give no price (docs/kie-midi-wav.md); the simulator charges these.
  midi: 5,
  wav: 2,
};

const costKeys = Object.keys(defaultCosts) as CostKey[];

/** The Kie operation a job's parameters start. */
function costKeyOf(params: JobParams): CostKey {
  if (params.kind === 'separate') return params.mode === 'vocals' ? 'separate_vocal' : params.mode === 'stems' ? 'split_stem' : 'split_stem_advanced';
  return params.kind;
}

/** Credits a job will cost with `table` (defaults when none). */
export function costOf(params: JobParams, table: CostTable = defaultCosts): number {
  return table[costKeyOf(params)];
}

/**
 * Parse `KIE_COSTS` (`split_stem=50,add_vocals=12`): overrides on top of the defaults. Answers the table, or
 * the sentence naming what is wrong.
 */
export function parseCosts(text: string | undefined): { ok: true; table: CostTable } | { ok: false; message: string } {
  const table: CostTable = { ...defaultCosts };
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)\s*=\s*(\d{1,7})$/.exec(part);
    if (!m) return { ok: false, message: `"${part.slice(0, 40)}" is not name=credits` };
    if (!costKeys.includes(m[1] as CostKey)) return { ok: false, message: `${m[1]} is not one of ${costKeys.join(', ')}` };
    table[m[1] as CostKey] = Number(m[2]);
  }
  return { ok: true, table };
}

/** "≈ 50 credits" */
export const creditsText = (n: number): string => `${n} credit${n === 1 ? '' : 's'}`;
