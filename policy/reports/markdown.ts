import { summarize, type Summary } from '../evaluate';
import { AREAS, areaOf, type ReportRow, type Rule, type StackReport } from '../model';
import { collectLines, type Lines } from './lines';

/** Markdown table cells: no pipes or newlines from values. */
function cell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function evidence(row: ReportRow): string {
  if (!row.evidence) return '';
  return `\`${cell(row.evidence.attribute)}\` = \`${cell(row.evidence.value)}\``;
}

function controls(rule: Rule): string {
  const cis = rule.controls.cis.map((c) => `CIS ${c}`);
  return [...cis, ...rule.controls.nist].join(', ') || '-';
}

function summaryLine(s: Summary): string {
  return `pass ${s.pass} · fail ${s.fail} · suppressed ${s.suppressed} · not applicable ${s.notApplicable} · errors ${s.errors} · warnings ${s.warnings}`;
}

type StatusCounts = Record<ReportRow['status'], number>;

/** Rows by rule id, in row order: one pass, where a filter per rule made rules × rows. */
function rowsByRule(rows: Iterable<ReportRow>): Map<string, ReportRow[]> {
  const result = new Map<string, ReportRow[]>();
  for (const row of rows) {
    const list = result.get(row.rule);
    if (list) list.push(row);
    else result.set(row.rule, [row]);
  }
  return result;
}

function statusCounts(rows: readonly ReportRow[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, fail: 0, suppressed: 0, 'not applicable': 0 };
  for (const row of rows) counts[row.status]++;
  return counts;
}

/** Per-rule counts: the control matrix a compliance reader starts from. */
function writeControlMatrix(out: Lines, byRule: ReadonlyMap<string, readonly ReportRow[]>, rules: readonly Rule[]) {
  out.line('| Rule | Area | Title | Severity | Pass | Fail | Suppressed | N/A | Controls | checkov |');
  out.line('| --- | --- | --- | --- | --: | --: | --: | --: | --- | --- |');
  for (const rule of rules) {
    const n = statusCounts(byRule.get(rule.id) ?? []);
    out.line(
      `| ${rule.id} | ${AREAS[areaOf(rule.id)]} | ${cell(rule.title)} | ${rule.severity} | ${n.pass} | ${n.fail} | ${n.suppressed} | ${n['not applicable']} | ${controls(rule)} | ${rule.checkov.join(', ') || '-'} |`,
    );
  }
}

function writeRowTable(out: Lines, rows: readonly ReportRow[], withReason: boolean): void {
  if (rows.length === 0) {
    out.line('None.');
    return;
  }
  out.line(
    withReason
      ? '| Rule | Resource | Construct path | Evidence | Reason | Expires |'
      : '| Rule | Resource | Construct path | Evidence | Finding |',
  );
  out.line(withReason ? '| --- | --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- | --- |');
  for (const r of rows)
    out.line(
      withReason
        ? `| ${r.rule} | \`${cell(r.address)}\` | \`${cell(r.path)}\` | ${evidence(r)} | ${cell(r.suppression?.reason ?? '')} (${r.suppression?.source ?? ''}) | ${r.suppression?.expires ?? 'never'} |`
        : `| ${r.rule} | \`${cell(r.address)}\` | \`${cell(r.path)}\` | ${evidence(r)} | ${cell(r.message ?? r.severity)} |`,
    );
}

/** The per-stack report for people: summary, control matrix, exceptions, then all evidence. */
/** The failing rows, then the suppressed ones with their reasons. */
function writeFailuresAndExceptions(out: Lines, rows: readonly ReportRow[]): void {
  out.line('## Failures');
  out.line();
  writeRowTable(
    out,
    rows.filter((r) => r.status === 'fail'),
    false,
  );
  out.line();
  out.line('## Exceptions (suppressed findings)');
  out.line();
  writeRowTable(
    out,
    rows.filter((r) => r.status === 'suppressed'),
    true,
  );
}

export function writeMarkdownReport(out: Lines, report: StackReport, rules: readonly Rule[]): void {
  const byRule = rowsByRule(report.rows);
  out.line(`# Compliance report: ${report.stack}`);
  out.line();
  out.line(summaryLine(summarize(report)));
  out.line();
  out.line('## Controls');
  out.line();
  writeControlMatrix(out, byRule, rules);
  out.line();
  writeFailuresAndExceptions(out, report.rows);
  out.line();
  if (report.suppressionProblems.length) {
    out.line('## Problems with suppressions');
    out.line();
    for (const p of report.suppressionProblems) out.line(`- **${p.severity}** ${p.message}`);
    out.line();
  }
  out.line('## Evidence by rule');
  out.line();
  for (const rule of rules) {
    const mine = byRule.get(rule.id) ?? [];
    if (mine.length === 0) continue;
    out.line(`### ${rule.id} ${rule.title}`);
    out.line();
    out.line(`${rule.rationale} Controls: ${controls(rule)}.`);
    out.line();
    if (mine.every((r) => r.status === 'not applicable')) {
      out.line('Not applicable: the stack has no resources this rule checks.');
      out.line();
      continue;
    }
    out.line('| Status | Resource | Evidence |');
    out.line('| --- | --- | --- |');
    for (const r of mine) out.line(`| ${r.status} | \`${cell(r.address)}\` | ${evidence(r)} |`);
    out.line();
  }
}

export function markdownReport(report: StackReport, rules: readonly Rule[]): string {
  return collectLines((out) => writeMarkdownReport(out, report, rules));
}

/** One Markdown report over many stacks: the environment summary `npm run compliance` writes. */
export function writeAggregatedMarkdown(
  out: Lines,
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
): void {
  const all = reports.flatMap((r) => r.rows);
  out.line(`# Compliance report: ${environment}`);
  out.line();
  out.line(`${rules.length} rules over ${reports.length} stacks.`);
  out.line();
  out.line('## Stacks');
  out.line();
  out.line('| Stack | Pass | Fail | Suppressed | N/A | Errors | Warnings |');
  out.line('| --- | --: | --: | --: | --: | --: | --: |');
  for (const r of reports) {
    const s = summarize(r);
    out.line(
      `| ${r.stack} | ${s.pass} | ${s.fail} | ${s.suppressed} | ${s.notApplicable} | ${s.errors} | ${s.warnings} |`,
    );
  }
  out.line();
  out.line('## Controls across all stacks');
  out.line();
  writeControlMatrix(out, rowsByRule(all), rules);
  out.line();
  writeFailuresAndExceptions(out, all);
  out.line();
  const problems = reports.flatMap((r) => r.suppressionProblems);
  if (problems.length) {
    out.line('## Problems with suppressions');
    out.line();
    for (const p of problems) out.line(`- **${p.severity}** ${p.message}`);
    out.line();
  }
  out.line(
    'Per-resource evidence for every rule is in each stack report (`compliance/<stack>.md` and `.json` in the synth output).',
  );
  out.line();
}

export function aggregatedMarkdown(
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
): string {
  return collectLines((out) => writeAggregatedMarkdown(out, environment, reports, rules));
}
