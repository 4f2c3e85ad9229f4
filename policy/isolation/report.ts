import { ColossusError } from '../../config/errors';
import { LAYERS, type IsolationReport, type Layer, type Leak } from './prove';

/** One leak on one line: the tenants, the layer, and every resource on the path. */
export function formatLeak(leak: Leak): string {
  return `${leak.from} -> ${leak.to} [${leak.layer}]: ${leak.path.map((h) => `${h.resource} (${h.role})`).join(' -> ')}`;
}

/** Layers that leak from one tenant to another, in LAYERS order. */
export function leakingLayers(report: IsolationReport, from: string, to: string): Layer[] {
  const layers = new Set(report.leaks.filter((l) => l.from === from && l.to === to).map((l) => l.layer));
  return LAYERS.filter((l) => layers.has(l));
}

/**
 * The tenant x tenant matrix: a row is where packets start, a column where they would arrive.
 * "isolated" means every layer separates the pair; otherwise the cell names the leaking layers.
 */
export function formatMatrix(report: IsolationReport): string {
  const { tenants } = report;
  if (tenants.length === 0) return 'no tenants found in the synthesized stacks\n';
  const cell = (from: string, to: string) =>
    from === to ? '-' : leakingLayers(report, from, to).join('+') || 'isolated';
  const header = ['from \\ to', ...tenants];
  const rows = tenants.map((from) => [from, ...tenants.map((to) => cell(from, to))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

export class IsolationError extends ColossusError {
  constructor(readonly report: IsolationReport) {
    super(
      `tenant isolation does not hold: ${report.leaks.length} leaking path(s) in the synthesized stacks`,
      report.leaks.map(formatLeak),
    );
  }
}

/** Throws an IsolationError naming every resource on every leaking path. */
export function assertIsolated(report: IsolationReport): void {
  if (report.leaks.length > 0) throw new IsolationError(report);
}
