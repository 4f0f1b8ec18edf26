// The checklist as people read it, and the one line stembot logs at start.
import type { CheckResult } from './types.js';

const mark = { ok: '✔', warn: '!', fail: '✘', skip: '–' } as const;

export function checklistLines(results: CheckResult[]): string[] {
  return results.map((r) => `${mark[r.status]} ${r.name} — ${r.detail}`);
}

export const hasFailure = (results: CheckResult[]): boolean => results.some((r) => r.status === 'fail');

/** `doctor: 7 ok, 1 warning (PUBLIC_URL), 0 failed` — names what needs a look. */
export function summaryLine(results: CheckResult[]): string {
  const names = (s: CheckResult['status']) => results.filter((r) => r.status === s).map((r) => r.name);
  const warnings = names('warn');
  const failures = names('fail');
  const list = (n: string[]) => (n.length > 0 ? ` (${n.join(', ')})` : '');
  return `doctor: ${names('ok').length} ok, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}${list(warnings)}, ${failures.length} failed${list(failures)}`;
}
