// Plain-text tables for the terminal: one per scenario, numbers right-aligned.
export type Cell = string | number | null | undefined;

const show = (c: Cell) => (c === null || c === undefined ? '—' : typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c);

export function table(title: string, header: string[], rows: Cell[][]): string {
  const cells = [header, ...rows.map((r) => r.map(show))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [`\n${title}`, line(cells[0]!), rule, ...cells.slice(1).map((r) => line(r as string[]))].join('\n');
}
