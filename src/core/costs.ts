// What a job costs in Kie credits, as Kie's docs state them (docs/kie-api.md "Submitting work"; add vocals and
// add instrumental are not priced there, 12 is our estimate). Used to tell Kie's two meanings of code 429
// apart (docs/kie-answers.md): a balance that covers the job means "rate limited", one that does not means
// "out of credits". Kept tiny on purpose: a fuller cost table may replace it.
import type { JobKind, JobParams } from './types.js';

export const creditCosts = { separate_vocal: 10, split_stem: 50, split_stem_advanced: 20, add_vocals: 12, add_instrumental: 12 } as const;

const separationType = { vocals: 'separate_vocal', stems: 'split_stem', single: 'split_stem_advanced' } as const;

export function estimatedCost(kind: JobKind, params: JobParams): number {
  if (kind === 'separate' && params.kind === 'separate') return creditCosts[separationType[params.mode]];
  return kind === 'add_vocals' ? creditCosts.add_vocals : creditCosts.add_instrumental;
}
