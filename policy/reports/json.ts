import { summarize } from '../evaluate';
import type { Rule, StackReport } from '../model';

export const REPORT_FORMAT_VERSION = 1;

/** The machine-readable report: every row, the rules it refers to, and the summary. */
export function jsonReport(report: StackReport, rules: readonly Rule[]): string {
  const used = new Set(report.rows.map((r) => r.rule));
  return `${JSON.stringify(
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
      rows: report.rows,
    },
    null,
    2,
  )}\n`;
}
