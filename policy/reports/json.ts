import { summarize } from '../evaluate';
import type { Rule, StackReport } from '../model';
import { collectLines, type Lines } from './lines';

export const REPORT_FORMAT_VERSION = 1;

/** JSON.stringify(value, null, 2) as it reads nested `depth` levels deep (strings hold no raw newline). */
function indented(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * The machine-readable report: every row, the rules it refers to, and the summary. Written row
 * by row, byte for byte what JSON.stringify(report, null, 2) would make.
 */
export function writeJsonReport(out: Lines, report: StackReport, rules: readonly Rule[]): void {
  const used = new Set(report.rows.map((r) => r.rule));
  const head = JSON.stringify(
    {
      formatVersion: REPORT_FORMAT_VERSION,
      stack: report.stack,
      summary: summarize(report),
      rules: rules
        .filter((r) => used.has(r.id))
        .map(({ id, title, severity, rationale, controls, checkov }) => ({
          id,
          title,
          severity,
          rationale,
          controls,
          checkov,
        })),
      suppressionProblems: report.suppressionProblems,
    },
    null,
    2,
  );
  // Drop the closing "\n}" to go on with the rows.
  out.line(`${head.slice(0, -2)},`);
  const { rows } = report;
  if (rows.length === 0) out.line('  "rows": []');
  else {
    out.line('  "rows": [');
    rows.forEach((row, i) => out.line(`    ${indented(row, 2)}${i < rows.length - 1 ? ',' : ''}`));
    out.line('  ]');
  }
  out.line('}');
}

export function jsonReport(report: StackReport, rules: readonly Rule[]): string {
  return collectLines((out) => writeJsonReport(out, report, rules));
}
