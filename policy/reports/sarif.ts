import type { ReportRow, Rule, StackReport } from '../model';
import type { SourceIndex } from './sources';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** GitHub code scanning keeps one analysis per category: one per environment. */
export function sarifCategory(environment: string): string {
  return `colossus-compliance/${environment}/`;
}

function result(row: ReportRow, report: StackReport, index: ReadonlyMap<string, number>, sources: SourceIndex) {
  const at = sources.locate(row.path, report.constructClasses);
  return {
    ruleId: row.rule,
    ruleIndex: index.get(row.rule),
    level: row.severity,
    message: {
      text: `${report.stack} ${row.address}: ${row.evidence?.attribute ?? ''} = ${JSON.stringify(row.resolved ?? row.evidence?.value ?? null)}${row.message ? ` (${row.message})` : ''}`,
    },
    locations: [
      {
        ...(at
          ? {
              physicalLocation: {
                artifactLocation: { uri: at.file, uriBaseId: '%SRCROOT%' },
                region: { startLine: at.line },
              },
            }
          : {}),
        logicalLocations: [
          { fullyQualifiedName: `${report.stack}/${row.address}`, kind: 'resource' },
          { fullyQualifiedName: row.path, kind: 'module' },
        ],
      },
    ],
    partialFingerprints: { 'colossusResource/v1': `${row.rule}:${row.path}:${row.evidence?.attribute ?? ''}` },
    ...(row.suppression
      ? {
          suppressions: [
            {
              kind: row.suppression.source === 'code' ? 'inSource' : 'external',
              status: 'accepted',
              justification: row.suppression.reason,
              ...(row.suppression.expires ? { properties: { expires: row.suppression.expires } } : {}),
            },
          ],
        }
      : {}),
  };
}

/**
 * SARIF 2.1.0 for GitHub code scanning: one run per environment (its own automationDetails
 * id, so environments do not overwrite each other), one result per failing or suppressed
 * check, located at the TypeScript line that made the resource; the synthesized address and
 * construct path are kept as logical locations.
 */
export function sarifReport(
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
  toolVersion: string,
  sources: SourceIndex,
): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = reports.flatMap((report) =>
    report.rows
      .filter((r) => r.status === 'fail' || r.status === 'suppressed')
      .map((row) => result(row, report, index, sources)),
  );
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'colossus-compliance',
            version: toolVersion,
            informationUri: 'https://github.com/',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/-/g, ''),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              defaultConfiguration: { level: r.severity },
              help: {
                text: `${r.rationale} CIS AWS Foundations v3.0.0: ${r.controls.cis.join(', ') || 'none'}. NIST 800-53 rev5: ${r.controls.nist.join(', ')}. checkov: ${r.checkov.join(', ') || 'none'}.`,
              },
              properties: {
                tags: ['compliance', ...r.controls.nist, ...r.controls.cis.map((c) => `CIS-${c}`)],
                checkov: r.checkov,
              },
            })),
          },
        },
        automationDetails: { id: sarifCategory(environment) },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The repository root' } } },
        results,
        properties: { environment, stacks: reports.map((r) => r.stack) },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
