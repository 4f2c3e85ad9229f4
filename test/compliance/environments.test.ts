import { Testing } from 'cdktf';
import { loadConfig } from '../../config/load';
import { errorAnnotations, stackReports } from '../../policy/gate';
import { summarize } from '../../policy/evaluate';
import { jsonReport } from '../../policy/reports/json';
import { markdownReport } from '../../policy/reports/markdown';
import { sarifReport } from '../../policy/reports/sarif';
import { RULES } from '../../policy/rules';
import { buildStacks } from '../../stacks/build';

// Prod is checked by `npm run compliance -- prod` and the synth itself; it is too slow to repeat here.
describe.each(['dev', 'staging'])('the %s environment', (environment) => {
  const config = loadConfig({ environment });
  const app = Testing.app();
  const stacks = buildStacks(app, config);
  for (const stack of stacks) Testing.synth(stack);
  const reports = stackReports(stacks);

  it('has zero unsuppressed error findings (Testing.synth does not fail on them, so look)', () => {
    expect(errorAnnotations(stacks)).toEqual([]);
    for (const report of reports) expect(summarize(report).errors).toBe(0);
  });

  it('runs every rule on every stack: one row at least per rule and stack', () => {
    for (const report of reports) expect(new Set(report.rows.map((r) => r.rule)).size).toBe(RULES.length);
  });

  it('gives a reason for every suppressed row', () => {
    const suppressed = reports.flatMap((r) => r.rows.filter((row) => row.status === 'suppressed'));
    for (const row of suppressed) expect(row.suppression?.reason.length).toBeGreaterThanOrEqual(20);
  });

  it('writes JSON, Markdown and SARIF 2.1.0 reports with rule, address, status and evidence', () => {
    const report = reports.find((r) => r.rows.some((row) => row.status === 'suppressed')) ?? reports[0];
    const json = JSON.parse(jsonReport(report, RULES));
    expect(json.stack).toBe(report.stack);
    expect(json.rows.length).toBe(report.rows.length);
    expect(Object.keys(json.rows.find((r: { status: string }) => r.status === 'pass'))).toEqual(
      expect.arrayContaining(['rule', 'address', 'path', 'status', 'evidence']),
    );
    const sarif = JSON.parse(sarifReport(report, RULES, 'test'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    const exceptions = report.rows.filter((r) => r.status === 'suppressed');
    const sarifSuppressed = sarif.runs[0].results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    expect(sarifSuppressed.length).toBe(exceptions.length);
    const md = markdownReport(report, RULES);
    expect(md).toContain(`# Compliance report: ${report.stack}`);
    for (const row of exceptions) expect(md).toContain(row.suppression?.reason ?? '');
  });
});
