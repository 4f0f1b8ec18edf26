// The chaos workload: jobs of every kind, each with a simulator scenario that makes Kie's callbacks come
// duplicated, out of order, skipped or lost (record-info still tells the truth), or fail with a Kie code.
import type { ChaosKind, SubmitBody } from '../support/test-routes.js';

const kinds: ChaosKind[] = ['vocals', 'stems', 'single', 'add_vocals', 'add_instrumental'];

/** Weighted: mostly successes with misbehaving callbacks, some failures. src/sim/scenarios.ts names them. */
const scenarios: [string, number][] = [
  ['happy', 3],
  ['duplicate', 3],
  ['out-of-order', 3],
  ['lost-callback', 2],
  ['skip-stages', 1],
  ['empty-stems', 1],
  ['fail-400', 1],
  ['fail-451', 1],
  ['fail-500', 1],
];
const totalWeight = scenarios.reduce((n, [, w]) => n + w, 0);

function pickScenario(random: () => number): string {
  let x = random() * totalWeight;
  for (const [name, w] of scenarios) {
    x -= w;
    if (x < 0) return name;
  }
  return 'happy';
}

export function workload(count: number, random: () => number, runId: string): SubmitBody[] {
  return Array.from({ length: count }, (_, i) => ({
    ref: `${runId}-${String(i).padStart(4, '0')}`,
    kind: kinds[i % kinds.length]!,
    scenario: pickScenario(random),
  }));
}
