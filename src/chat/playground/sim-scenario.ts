// Demo mode only: a `#sim=` / `?sim=` on the URL or a `[sim:…]` title that names no scenario would be silently
// ignored by the simulator (the job would just succeed), so the composer refuses it and lists the real ones.
import { isScenarioName, scenarioNames } from '../../sim/scenarios.js';

const titleTag = /^\s*\[sim:([^\]]*)\]/i;

/** The sentence refusing an unknown scenario, or null when none is asked for or the one asked for exists. */
export function unknownScenario(fields: Record<string, unknown>): string | null {
  const asked: string[] = [];
  if (typeof fields.url === 'string' && URL.canParse(fields.url.trim())) {
    const url = new URL(fields.url.trim());
    const hash = new URLSearchParams(url.hash.replace(/^#/, ''));
    for (const v of [url.searchParams.get('sim'), hash.get('sim')]) if (v !== null) asked.push(v);
  }
  if (typeof fields.title === 'string') {
    const tag = titleTag.exec(fields.title)?.[1];
    if (tag !== undefined) asked.push(tag.toLowerCase());
  }
  const unknown = asked.find((name) => !isScenarioName(name));
  if (unknown === undefined) return null;
  return `The simulator has no scenario “${unknown.slice(0, 40)}”. Known scenarios: ${scenarioNames.join(', ')}.`;
}
