import { summarize, type Summary } from '../evaluate';
import { AREAS, areaOf, type ReportRow, type Rule, type StackReport } from '../model';

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

/** Per-rule counts: the control matrix a compliance reader starts from. */
export function controlMatrix(rows: readonly ReportRow[], rules: readonly Rule[]): string[] {
  const lines = [
    '| Rule | Area | Title | Severity | Pass | Fail | Suppressed | N/A | Controls | checkov |',
    '| --- | --- | --- | --- | --: | --: | --: | --: | --- | --- |',
  ];
  for (const rule of rules) {
    const mine = rows.filter((r) => r.rule === rule.id);
    const n = (status: ReportRow['status']) => mine.filter((r) => r.status === status).length;
    lines.push(
      `| ${rule.id} | ${AREAS[areaOf(rule.id)]} | ${cell(rule.title)} | ${rule.severity} | ${n('pass')} | ${n('fail')} | ${n('suppressed')} | ${n('not applicable')} | ${controls(rule)} | ${rule.checkov.join(', ') || '-'} |`,
    );
  }
  return lines;
}

function rowTable(rows: readonly ReportRow[], withReason: boolean): string[] {
  const head = withReason
    ? '| Rule | Resource | Construct path | Evidence | Reason | Expires |'
    : '| Rule | Resource | Construct path | Evidence | Finding |';
  const sep = withReason ? '| --- | --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- | --- |';
  return [
    head,
    sep,
    ...rows.map((r) =>
      withReason
        ? `| ${r.rule} | \`${cell(r.address)}\` | \`${cell(r.path)}\` | ${evidence(r)} | ${cell(r.suppression?.reason ?? '')} (${r.suppression?.source ?? ''}) | ${r.suppression?.expires ?? 'never'} |`
        : `| ${r.rule} | \`${cell(r.address)}\` | \`${cell(r.path)}\` | ${evidence(r)} | ${cell(r.message ?? r.severity)} |`,
    ),
  ];
}

/** The per-stack report for people: summary, control matrix, exceptions, then all evidence. */
export function markdownReport(report: StackReport, rules: readonly Rule[]): string {
  const failures = report.rows.filter((r) => r.status === 'fail');
  const suppressed = report.rows.filter((r) => r.status === 'suppressed');
  const lines = [
    `# Compliance report: ${report.stack}`,
    '',
    summaryLine(summarize(report)),
    '',
    '## Controls',
    '',
    ...controlMatrix(report.rows, rules),
    '',
    '## Failures',
    '',
    ...(failures.length ? rowTable(failures, false) : ['None.']),
    '',
    '## Exceptions (suppressed findings)',
    '',
    ...(suppressed.length ? rowTable(suppressed, true) : ['None.']),
    '',
  ];
  if (report.suppressionProblems.length) {
    lines.push(
      '## Problems with suppressions',
      '',
      ...report.suppressionProblems.map((p) => `- **${p.severity}** ${p.message}`),
      '',
    );
  }
  lines.push('## Evidence by rule', '');
  for (const rule of rules) {
    const mine = report.rows.filter((r) => r.rule === rule.id);
    if (mine.length === 0) continue;
    lines.push(`### ${rule.id} ${rule.title}`, '', `${rule.rationale} Controls: ${controls(rule)}.`, '');
    if (mine.every((r) => r.status === 'not applicable')) {
      lines.push('Not applicable: the stack has no resources this rule checks.', '');
      continue;
    }
    lines.push('| Status | Resource | Evidence |', '| --- | --- | --- |');
    for (const r of mine) lines.push(`| ${r.status} | \`${cell(r.address)}\` | ${evidence(r)} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** One Markdown report over many stacks: the environment summary `npm run compliance` writes. */
export function aggregatedMarkdown(
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
): string {
  const all = reports.flatMap((r) => r.rows);
  const lines = [
    `# Compliance report: ${environment}`,
    '',
    `${rules.length} rules over ${reports.length} stacks.`,
    '',
    '## Stacks',
    '',
    '| Stack | Pass | Fail | Suppressed | N/A | Errors | Warnings |',
    '| --- | --: | --: | --: | --: | --: | --: |',
    ...reports.map((r) => {
      const s = summarize(r);
      return `| ${r.stack} | ${s.pass} | ${s.fail} | ${s.suppressed} | ${s.notApplicable} | ${s.errors} | ${s.warnings} |`;
    }),
    '',
    '## Controls across all stacks',
    '',
    ...controlMatrix(all, rules),
    '',
    '## Failures',
    '',
  ];
  const failures = all.filter((r) => r.status === 'fail');
  lines.push(
    ...(failures.length ? rowTable(failures, false) : ['None.']),
    '',
    '## Exceptions (suppressed findings)',
    '',
  );
  const suppressed = all.filter((r) => r.status === 'suppressed');
  lines.push(...(suppressed.length ? rowTable(suppressed, true) : ['None.']), '');
  const problems = reports.flatMap((r) => r.suppressionProblems);
  if (problems.length)
    lines.push('## Problems with suppressions', '', ...problems.map((p) => `- **${p.severity}** ${p.message}`), '');
  lines.push(
    'Per-resource evidence for every rule is in each stack report (`compliance/<stack>.md` and `.json` in the synth output).',
    '',
  );
  return `${lines.join('\n')}\n`;
}
