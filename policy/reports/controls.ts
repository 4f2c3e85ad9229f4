import { join } from 'node:path';
import { CIS, CONTROL_TITLES, NIST, OUT_OF_SCOPE, type Framework } from '../catalogue/controls';
import type { ReportRow, Rule, StackReport } from '../model';
import { LineWriter } from './lines';

/** One control and the rules that evidence it. */
export interface ControlEntry {
  readonly framework: Framework;
  readonly id: string;
  readonly title: string;
  readonly rules: readonly Rule[];
}

/** Sorts "AC-6(10)" after "AC-6(5)" and "3.10" after "3.9". */
function controlOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Every control some rule claims, in framework then id order. */
export function controlEntries(rules: readonly Rule[]): ControlEntry[] {
  const entries: ControlEntry[] = [];
  for (const framework of [NIST, CIS] as const) {
    const ids = new Set(rules.flatMap((r) => (framework === NIST ? r.controls.nist : r.controls.cis)));
    for (const id of [...ids].sort(controlOrder)) {
      entries.push({
        framework,
        id,
        title: CONTROL_TITLES[framework][id] ?? '(title not catalogued)',
        rules: rules.filter((r) => (framework === NIST ? r.controls.nist : r.controls.cis).includes(id)),
      });
    }
  }
  return entries;
}

const label = (c: Pick<ControlEntry, 'framework' | 'id'>) => (c.framework === CIS ? `CIS ${c.id}` : c.id);
const anchor = (c: Pick<ControlEntry, 'framework' | 'id'>) =>
  label(c)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');

function cell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

interface Located {
  readonly stack: string;
  readonly row: ReportRow;
}

function rowsByRule(reports: readonly StackReport[]): Map<string, Located[]> {
  const result = new Map<string, Located[]>();
  for (const report of reports)
    for (const row of report.rows) {
      if (row.status === 'not applicable') continue;
      const list = result.get(row.rule) ?? [];
      list.push({ stack: report.stack, row });
      result.set(row.rule, list);
    }
  return result;
}

/** Passing rows listed per rule and control in the Markdown; every row is in controls.json. */
export const PASSES_LISTED = 20;

/**
 * Evidence by control: for each NIST SP 800-53 and CIS control, the rules that evidence it
 * and every resource they checked, with the evidence value resolved to the resources it
 * names; then the controls out of scope and why. Writes compliance/controls.{md,json}.
 */
export function writeControlReports(
  dir: string,
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
  packVersion: string,
): string[] {
  const entries = controlEntries(rules);
  const byRule = rowsByRule(reports);
  // Counted once per rule: a control sums its rules' counts (a filter per control and status was rows × controls).
  const perRule = new Map<string, { pass: number; fail: number; suppressed: number }>();
  for (const [rule, rows] of byRule) {
    const n = { pass: 0, fail: 0, suppressed: 0 };
    for (const { row } of rows) if (row.status !== 'not applicable') n[row.status]++;
    perRule.set(rule, n);
  }
  const counts = (e: ControlEntry) => {
    const total = { pass: 0, fail: 0, suppressed: 0 };
    for (const rule of e.rules) {
      const n = perRule.get(rule.id);
      if (!n) continue;
      total.pass += n.pass;
      total.fail += n.fail;
      total.suppressed += n.suppressed;
    }
    return total;
  };

  const md = new LineWriter(join(dir, 'controls.md'));
  md.line(`# Evidence by control: ${environment}`);
  md.line();
  md.line(
    `Rule pack ${packVersion}, ${reports.length} stacks. For each control: the rules that evidence it, then every failing or suppressed resource and up to ${PASSES_LISTED} passing ones per rule (all of them are in \`controls.json\`). A value such as \`<stack>/aws_kms_key.x.arn\` is a reference resolved to the resource it names.`,
  );
  md.line();
  md.line('| Framework | Control | Title | Rules | Pass | Fail | Suppressed |');
  md.line('| --- | --- | --- | --- | --: | --: | --: |');
  for (const e of entries) {
    const c = counts(e);
    md.line(
      `| ${e.framework} | [${label(e)}](#${anchor(e)}) | ${cell(e.title)} | ${e.rules.map((r) => r.id).join(', ')} | ${c.pass} | ${c.fail} | ${c.suppressed} |`,
    );
  }
  md.line();
  md.line('## Out of scope');
  md.line();
  md.line('| Framework | Controls | Title | Why not evidenced here |');
  md.line('| --- | --- | --- | --- |');
  for (const o of OUT_OF_SCOPE) md.line(`| ${o.framework} | ${o.controls} | ${cell(o.title)} | ${cell(o.reason)} |`);
  md.line();
  for (const e of entries) {
    md.line(`## ${label(e)}`);
    md.line();
    md.line(`${e.framework}: ${e.title}.`);
    md.line();
    for (const rule of e.rules) {
      const rows = byRule.get(rule.id) ?? [];
      md.line(`### ${label(e)} by ${rule.id}: ${rule.title}`);
      md.line();
      md.line(`${rule.rationale}`);
      md.line();
      if (rows.length === 0) {
        md.line('No resource of this environment is of a type this rule checks.');
        md.line();
        continue;
      }
      md.line('| Status | Stack | Resource | Attribute | Value (resolved) | Reason or exception |');
      md.line('| --- | --- | --- | --- | --- | --- |');
      let passes = 0;
      for (const { stack, row } of rows) {
        if (row.status === 'pass' && ++passes > PASSES_LISTED) continue;
        const why = row.suppression
          ? `${row.suppression.reason} (expires ${row.suppression.expires ?? 'never'})`
          : row.status === 'fail'
            ? (row.message ?? '')
            : '';
        md.line(
          `| ${row.status} | ${stack} | \`${cell(row.address)}\` | \`${cell(row.evidence?.attribute ?? '')}\` | \`${cell(row.resolved ?? row.evidence?.value ?? null)}\` | ${cell(why)} |`,
        );
      }
      if (passes > PASSES_LISTED)
        md.line(`| pass | ... | ${passes - PASSES_LISTED} more passing resources in controls.json | | | |`);
      md.line();
    }
  }
  md.close();

  const json = new LineWriter(join(dir, 'controls.json'));
  // A row is listed under every control its rule claims (several each): serialize it once.
  const serialized = new Map<Located, string>();
  const evidenceItem = (located: Located): string => {
    const known = serialized.get(located);
    if (known !== undefined) return known;
    const { stack, row } = located;
    const text = JSON.stringify({
      rule: row.rule,
      stack,
      address: row.address,
      path: row.path,
      status: row.status,
      attribute: row.evidence?.attribute ?? null,
      value: row.evidence?.value ?? null,
      ...(row.resolved !== undefined ? { resolved: row.resolved } : {}),
      ...(row.message && row.status !== 'pass' ? { message: row.message } : {}),
      ...(row.suppression ? { suppression: row.suppression } : {}),
    });
    serialized.set(located, text);
    return text;
  };
  json.line('{');
  json.line(
    `"formatVersion": 1, "environment": ${JSON.stringify(environment)}, "packVersion": ${JSON.stringify(packVersion)},`,
  );
  json.line(`"outOfScope": ${JSON.stringify(OUT_OF_SCOPE)},`);
  json.line('"controls": [');
  entries.forEach((e, i) => {
    json.line(
      `{"framework": ${JSON.stringify(e.framework)}, "id": ${JSON.stringify(e.id)}, "title": ${JSON.stringify(e.title)}, "rules": ${JSON.stringify(e.rules.map((r) => r.id))}, "summary": ${JSON.stringify(counts(e))}, "evidence": [`,
    );
    const rows = e.rules.flatMap((r) => byRule.get(r.id) ?? []);
    rows.forEach((located, j) => {
      json.line(`${evidenceItem(located)}${j < rows.length - 1 ? ',' : ''}`);
    });
    json.line(`]}${i < entries.length - 1 ? ',' : ''}`);
  });
  json.line(']}');
  json.close();
  return [md.file, json.file];
}
