import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CIS, CONTROL_TITLES, NIST } from '../../policy/catalogue/controls';
import { writeControlReports } from '../../policy/reports/controls';
import { Testing } from 'cdktf';
import { loadConfig } from '../../config/load';
import { errorAnnotations, stackReports } from '../../policy/gate';
import { summarize } from '../../policy/evaluate';
import { jsonReport } from '../../policy/reports/json';
import { markdownReport } from '../../policy/reports/markdown';
import { sarifReport } from '../../policy/reports/sarif';
import { SourceIndex } from '../../policy/reports/sources';
import Ajv from 'ajv-draft-04';

const ROOT = join(__dirname, '..', '..');
const SOURCES = new SourceIndex(ROOT);
// SARIF 2.1.0 (rtm.5, the OASIS standard's schema), committed beside this test: see schemas/README.md.
// unicodeRegExp off: the schema's language-tag pattern is not a valid regular expression under the u flag.
const validateSarif = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }).compile(
  JSON.parse(readFileSync(join(__dirname, 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8')),
);
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

  it('writes each JSON report row by row, byte for byte what JSON.stringify of the whole report makes', () => {
    const empty = { stack: 'empty', rows: [], suppressionProblems: [] };
    for (const report of [...reports, empty]) {
      const used = new Set(report.rows.map((r) => r.rule));
      const whole = {
        formatVersion: 1,
        stack: report.stack,
        summary: summarize(report),
        rules: RULES.filter((r) => used.has(r.id)).map(({ id, title, severity, rationale, controls, checkov }) => ({
          id,
          title,
          severity,
          rationale,
          controls,
          checkov,
        })),
        suppressionProblems: report.suppressionProblems,
        rows: report.rows,
      };
      expect(jsonReport(report, RULES)).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    }
  });

  it('writes JSON, Markdown and SARIF 2.1.0 reports with rule, address, status and evidence', () => {
    const report = reports.find((r) => r.rows.some((row) => row.status === 'suppressed')) ?? reports[0];
    const json = JSON.parse(jsonReport(report, RULES));
    expect(json.stack).toBe(report.stack);
    expect(json.rows.length).toBe(report.rows.length);
    expect(Object.keys(json.rows.find((r: { status: string }) => r.status === 'pass'))).toEqual(
      expect.arrayContaining(['rule', 'address', 'path', 'status', 'evidence']),
    );
    const sarif = JSON.parse(sarifReport(environment, reports, RULES, 'test', SOURCES));
    expect(validateSarif(sarif)).toBe(true);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails.id).toBe(`colossus-compliance/${environment}/`);
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    const exceptions = reports.flatMap((r) => r.rows.filter((row) => row.status === 'suppressed'));
    const sarifSuppressed = sarif.runs[0].results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    expect(sarifSuppressed.length).toBe(exceptions.length);
    // Every result points at a TypeScript file of the repository, with a line, and keeps the address.
    for (const r of sarif.runs[0].results) {
      const physical = r.locations[0].physicalLocation;
      expect(physical.artifactLocation.uri).toMatch(/^(constructs|stacks)\/.+\.ts$/);
      expect(existsSync(join(ROOT, physical.artifactLocation.uri))).toBe(true);
      expect(physical.region.startLine).toBeGreaterThan(0);
      expect(r.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(new RegExp(`^${environment}-`));
    }
    const md = markdownReport(report, RULES);
    expect(md).toContain(`# Compliance report: ${report.stack}`);
    for (const row of report.rows.filter((r) => r.status === 'suppressed'))
      expect(md).toContain(row.suppression?.reason ?? '');
  });
});

describe('evidence by control', () => {
  const config = loadConfig({ environment: 'dev' });
  const app = Testing.app();
  const stacks = buildStacks(app, config);
  for (const stack of stacks) Testing.synth(stack);
  const dir = mkdtempSync(join(tmpdir(), 'controls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeControlReports(dir, 'dev', stackReports(stacks), RULES, 'test');
  const md = readFileSync(join(dir, 'controls.md'), 'utf8');
  const json = JSON.parse(readFileSync(join(dir, 'controls.json'), 'utf8'));

  it.each(['SC-7', 'SC-28', 'AC-6', 'AU-2', 'AU-9', 'CIS 3.1', 'CIS 5.1'])(
    'answers "show me %s" with resources',
    (control) => {
      const section = md.split(`\n## ${control}\n`)[1]?.split('\n## ')[0] ?? '';
      expect(section).toMatch(/\| (pass|fail|suppressed) \| dev-/);
      const id = control.replace('CIS ', '');
      const entry = json.controls.find((c: { id: string }) => c.id === id);
      expect(entry.evidence.length).toBeGreaterThan(0);
    },
  );

  it('resolves references to the resource they name, with its stack and address', () => {
    const sc28 = json.controls.find((c: { id: string }) => c.id === 'SC-28');
    const bucket = sc28.evidence.find(
      (e: { rule: string; stack: string }) => e.rule === 'CLX-ENC-005' && e.stack.endsWith('tenancy'),
    );
    expect(bucket.value.kms_master_key_id).toMatch(/^dev-colossus-\d-tenancy\/aws_kms_key\./);
    expect(JSON.stringify(json.controls)).not.toMatch(/"resolved":"\$\{aws_/);
  });

  it('lists the controls out of scope with a reason, and never claims the corrected mappings', () => {
    expect(json.outOfScope.map((o: { controls: string }) => o.controls)).toEqual(
      expect.arrayContaining(['2.1.3', '4.1-4.16']),
    );
    for (const o of json.outOfScope) expect(o.reason.length).toBeGreaterThan(20);
    const cis = (id: string) =>
      json.controls.find((c: { framework: string; id: string }) => c.framework.startsWith('CIS') && c.id === id);
    expect(cis('2.1.3')).toBeUndefined();
    expect(cis('2.2.1').rules).toEqual(['CLX-AUD-007']);
    expect(cis('5.6').rules).toEqual(['CLX-IMD-001']);
    for (const rule of RULES)
      for (const id of rule.controls.nist) expect([id, CONTROL_TITLES[NIST][id]]).toEqual([id, expect.any(String)]);
    for (const rule of RULES)
      for (const id of rule.controls.cis) expect([id, CONTROL_TITLES[CIS][id]]).toEqual([id, expect.any(String)]);
  });
});
