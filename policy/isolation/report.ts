import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import { LAYERS, type IsolationReport, type Layer, type Leak } from './prove';
import type { Unproven } from './topology';

export type Status = 'isolated' | 'leak' | 'cannot prove';

/** One leak on one line: the tenants, the layer, and every resource on the path. */
export function formatLeak(leak: Leak): string {
  return `${leak.from} -> ${leak.to} [${leak.layer}]: ${leak.path.map((h) => `${h.resource} (${h.role})`).join(' -> ')}`;
}

export function formatUnproven(u: Unproven): string {
  return `${u.address}${u.attribute ? ` [${u.attribute}]` : ''} (${u.layer}): ${u.reason}`;
}

/** Layers that leak from one tenant to another, in LAYERS order. */
export function leakingLayers(report: IsolationReport, from: string, to: string): Layer[] {
  const layers = new Set(report.leaks.filter((l) => l.from === from && l.to === to).map((l) => l.layer));
  return LAYERS.filter((l) => layers.has(l));
}

/**
 * How sure the proof is for one layer and one pair: a leak wins; otherwise anything unresolved in
 * that layer (anywhere: one unknown resource can join any two tenants) makes it "cannot prove".
 */
export function layerStatus(report: IsolationReport, from: string, to: string, layer: Layer): Status {
  if (report.leaks.some((l) => l.from === from && l.to === to && l.layer === layer)) return 'leak';
  if (report.unproven.some((u) => u.layer === layer || u.layer === 'all')) return 'cannot prove';
  return 'isolated';
}

export function pairStatus(report: IsolationReport, from: string, to: string): Status {
  const states = LAYERS.map((l) => layerStatus(report, from, to, l));
  return states.includes('leak') ? 'leak' : states.includes('cannot prove') ? 'cannot prove' : 'isolated';
}

/**
 * The tenant x tenant matrix: a row is where packets (or requests) start, a column where they
 * would arrive. A cell is "isolated", the leaking layers, or "cannot prove".
 */
export function formatMatrix(report: IsolationReport): string {
  const { tenants } = report;
  if (tenants.length === 0) return 'no tenants found in the synthesized stacks\n';
  const cell = (from: string, to: string) => {
    if (from === to) return '-';
    const s = pairStatus(report, from, to);
    return s === 'leak' ? leakingLayers(report, from, to).join('+') : s;
  };
  const header = ['from \\ to', ...tenants];
  const rows = [...tenants, ...(report.leaks.some((l) => l.from === '*') ? ['*'] : [])].map((from) => [
    from,
    ...tenants.map((to) => cell(from, to)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

/** The report as data: per pair and layer, its status; every leak, unresolved item and finding. */
export function reportJson(report: IsolationReport): unknown {
  const pairs = report.tenants.flatMap((from) =>
    report.tenants
      .filter((to) => to !== from)
      .map((to) => ({
        from,
        to,
        status: pairStatus(report, from, to),
        layers: Object.fromEntries(LAYERS.map((l) => [l, layerStatus(report, from, to, l)])),
      })),
  );
  return {
    verdict: verdict(report),
    layers: LAYERS,
    tenants: report.tenants,
    pairs,
    leaks: report.leaks,
    cannotProve: report.unproven,
    findings: report.findings,
    allowedSharedServices: report.allowed,
  };
}

export function verdict(report: IsolationReport): Status {
  if (report.leaks.length > 0 || report.findings.length > 0) return 'leak';
  return report.unproven.length > 0 ? 'cannot prove' : 'isolated';
}

export function reportMarkdown(report: IsolationReport): string {
  const out = [`# Tenant isolation: ${verdict(report)}`, ''];
  out.push(`Layers: ${LAYERS.join(', ')}. Rows: where a packet or request starts; columns: where it arrives.`, '');
  const tenants = report.tenants;
  if (tenants.length > 0) {
    out.push(`| from \\ to | ${tenants.join(' | ')} |`, `| --- | ${tenants.map(() => '---').join(' | ')} |`);
    for (const from of tenants) {
      const cells = tenants.map((to) => {
        if (to === from) return '-';
        const s = pairStatus(report, from, to);
        return s === 'leak' ? `leak (${leakingLayers(report, from, to).join(', ')})` : s;
      });
      out.push(`| ${from} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  const section = (title: string, lines: string[]) => {
    out.push(`## ${title} (${lines.length})`, '');
    out.push(...(lines.length ? lines.map((l) => `- ${l.replace(/\|/g, '\\|')}`) : ['none']), '');
  };
  section('Leaks', report.leaks.map(formatLeak));
  section('Cannot prove', report.unproven.map(formatUnproven));
  section(
    'Findings',
    report.findings.map((f) => `${f.tenant} [${f.layer}] ${f.address}: ${f.problem}`),
  );
  section(
    'Allowed shared services',
    report.allowed.map((a) => `${a.resource}: ${a.reason}`),
  );
  return `${out.join('\n')}`;
}

/** Writes <outdir>/isolation/report.json and report.md. */
export function writeIsolationReports(outdir: string, report: IsolationReport): void {
  const dir = join(outdir, 'isolation');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(reportJson(report), null, 2)}\n`);
  writeFileSync(join(dir, 'report.md'), reportMarkdown(report));
}

export class IsolationError extends ColossusError {
  constructor(readonly report: IsolationReport) {
    super(
      `tenant isolation does not hold: ${report.leaks.length} leaking path(s), ${report.unproven.length} cannot prove, ${report.findings.length} finding(s) in the synthesized stacks`,
      [
        ...report.leaks.map(formatLeak),
        ...report.unproven.map((u) => `cannot prove: ${formatUnproven(u)}`),
        ...report.findings.map((f) => `finding: ${f.tenant} [${f.layer}] ${f.address}: ${f.problem}`),
      ],
    );
  }
}

/** Throws an IsolationError naming every resource on every leaking path and everything unresolved. */
export function assertIsolated(report: IsolationReport): void {
  if (verdict(report) !== 'isolated') throw new IsolationError(report);
}
