import type { ReportRow, Rule, StackReport } from '../model';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function level(row: ReportRow): 'error' | 'warning' {
  return row.severity;
}

/**
 * SARIF 2.1.0 for GitHub code scanning: one result per failing or suppressed check.
 * Locations point at the synthesized stack file and name the resource and construct.
 */
export function sarifReport(report: StackReport, rules: readonly Rule[], toolVersion: string): string {
  const artifact = `stacks/${report.stack}/cdk.tf.json`;
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.rows
    .filter((r) => r.status === 'fail' || r.status === 'suppressed')
    .map((row) => ({
      ruleId: row.rule,
      ruleIndex: index.get(row.rule),
      level: level(row),
      message: {
        text: `${row.address}: ${row.evidence?.attribute ?? ''} = ${JSON.stringify(row.evidence?.value ?? null)}${row.message ? ` (${row.message})` : ''}`,
      },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: artifact, uriBaseId: 'SYNTH_OUTPUT' } },
          logicalLocations: [
            { fullyQualifiedName: row.address, kind: 'resource' },
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
    }));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'colossus-compliance',
            version: toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/-/g, ''),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              defaultConfiguration: { level: r.severity },
              help: {
                text: `${r.rationale} CIS AWS Foundations v3: ${r.controls.cis.join(', ') || 'none'}. NIST 800-53 rev5: ${r.controls.nist.join(', ')}. checkov: ${r.checkov.join(', ') || 'none'}.`,
              },
              properties: {
                tags: ['compliance', ...r.controls.nist, ...r.controls.cis.map((c) => `CIS-${c}`)],
                checkov: r.checkov,
              },
            })),
          },
        },
        originalUriBaseIds: { SYNTH_OUTPUT: { description: { text: 'The cdktf synth output folder (cdktf.out)' } } },
        results,
        properties: { stack: report.stack },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
