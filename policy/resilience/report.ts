import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  resilienceOf,
  type EnvironmentResilience,
  contractBreaches,
  type ClusterResilience,
  type FailureScenario,
} from '../../config/resilience';
import type { ColossusConfig } from '../../config/schema';

/** Renders the single-failure model of a cluster for people (Markdown) and tools (JSON). */

export interface TenantWorstCase {
  readonly tenantId: string;
  readonly contractedGpus: number;
  readonly allocatedGpus: number;
  readonly worstSurvivingGpus: number;
  readonly worstHeadroomGpus: number;
  readonly worstScenario: string;
}

export function tenantWorstCases(resilience: ClusterResilience): TenantWorstCase[] {
  const worst = new Map<string, TenantWorstCase>();
  for (const scenario of resilience.scenarios) {
    for (const t of scenario.tenants) {
      const seen = worst.get(t.tenantId);
      if (!seen || t.headroomGpus < seen.worstHeadroomGpus) {
        worst.set(t.tenantId, {
          tenantId: t.tenantId,
          contractedGpus: t.contractedGpus,
          allocatedGpus: t.allocatedGpus,
          worstSurvivingGpus: t.survivingGpus,
          worstHeadroomGpus: t.headroomGpus,
          worstScenario: scenario.id,
        });
      }
    }
  }
  return [...worst.values()];
}

export function resilienceJson(resilience: ClusterResilience): string {
  const breaches = contractBreaches(resilience);
  return `${JSON.stringify(
    {
      environment: resilience.environment,
      cluster: resilience.clusterId,
      redundancy: resilience.redundancy,
      gpusPerScalableUnit: resilience.gpusPerScalableUnit,
      verdict: breaches.length === 0 ? 'pass' : 'fail',
      breaches,
      tenants: tenantWorstCases(resilience),
      scenarios: resilience.scenarios,
    },
    null,
    2,
  )}\n`;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const signed = (n: number): string => (n > 0 ? `+${int(n)}` : int(n));
const kw = (n: number): string => (Math.abs(n) >= 10000 ? `${(n / 1000).toFixed(1)} MW` : `${int(n)} kW`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Scenarios with the same outcome (identical CDUs of a hall, twin feeds) print as one group. */
export function groupScenarios(scenarios: readonly FailureScenario[]): FailureScenario[][] {
  const groups = new Map<string, FailureScenario[]>();
  for (const s of scenarios) {
    const key = JSON.stringify([s.kind, s.impacts, s.tenants]);
    const group = groups.get(key) ?? [];
    group.push(s);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function groupTitle(group: readonly FailureScenario[]): string {
  const first = group[0];
  if (!first) return '';
  if (group.length === 1) return first.description;
  const ids = group.map((s) => s.id);
  const listed = group.length <= 4 ? ids.join(', ') : `${ids[0]} … ${ids[ids.length - 1]}`;
  return `${group.length} scenarios with the same outcome: ${listed}`;
}

export function resilienceMarkdown(resilience: ClusterResilience): string {
  const breaches = contractBreaches(resilience);
  const failures = resilience.scenarios.filter((s) => s.kind !== 'baseline');
  const lines: string[] = [
    `# Resilience report: ${resilience.environment} ${resilience.clusterId}`,
    '',
    `Power redundancy ${resilience.redundancy}; one SU = ${int(resilience.gpusPerScalableUnit)} GPUs. ` +
      `${failures.length} single failures checked (${failures.filter((s) => s.kind === 'feed').length} power feeds, ` +
      `${failures.filter((s) => s.kind === 'cdu').length} CDUs), plus the baseline.`,
    '',
    breaches.length === 0
      ? '**Verdict: pass.** Every tenant keeps at least its contracted GPUs under every single failure.'
      : `**Verdict: FAIL.** ${breaches.length} tenant contract(s) broken:\n\n${breaches.map((b) => `- ${b}`).join('\n')}`,
    '',
    '## Tenants at their worst single failure',
    '',
    table(
      ['tenant', 'contracted GPUs', 'allocated GPUs', 'worst surviving GPUs', 'worst headroom', 'worst scenario'],
      tenantWorstCases(resilience).map((t) => [
        t.tenantId,
        int(t.contractedGpus),
        int(t.allocatedGpus),
        int(t.worstSurvivingGpus),
        signed(t.worstHeadroomGpus),
        t.worstScenario === 'baseline' ? 'none: no single failure costs it a GPU' : `\`${t.worstScenario}\``,
      ]),
    ),
    '',
    '## Scenarios',
    '',
    'Each scenario lists the capacity that must carry the affected halls (power: the feeds of the',
    'power domain; cooling: the CDUs of the hall), the margin left, and the SUs shed when the margin',
    'is negative (spare SUs first, then tenant SUs, last placed first); "SUs more" is how many more',
    "SUs' load the margin would carry. Headroom is surviving GPUs",
    'minus contracted GPUs; below zero breaks the contract.',
  ];
  for (const group of groupScenarios(resilience.scenarios)) {
    const s = group[0];
    if (!s) continue;
    lines.push(
      '',
      `### ${groupTitle(group)}`,
      '',
      table(
        ['halls', 'resource', 'load', 'surviving capacity', 'margin', 'SUs shed (spare / tenant)'],
        s.impacts.map((i) => [
          i.hallIds.join(', '),
          i.resource,
          kw(i.loadKw),
          kw(i.survivingCapacityKw),
          i.marginKw >= 0
            ? `${kw(i.marginKw)} (${int(Math.floor(i.marginKw / i.unitLoadKw))} SUs more)`
            : kw(i.marginKw),
          `${i.shedSpareUnits} / ${Object.values(i.shedTenantUnits).reduce((a, b) => a + b, 0)}`,
        ]),
      ),
      '',
      table(
        ['tenant', 'contracted GPUs', 'surviving GPUs', 'headroom', 'contract'],
        s.tenants.map((t) => [
          t.tenantId,
          int(t.contractedGpus),
          int(t.survivingGpus),
          signed(t.headroomGpus),
          t.meetsContract ? 'met' : '**BROKEN**',
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes <outdir>/resilience/<env>-<cluster>.{json,md} for every cluster; returns the paths. */
export function writeResilienceReports(
  config: ColossusConfig,
  outdir: string,
  known?: EnvironmentResilience,
): string[] {
  const dir = join(outdir, 'resilience');
  mkdirSync(dir, { recursive: true });
  return config.clusters.flatMap((cluster) => {
    const resilience = resilienceOf(config, cluster, known);
    const base = join(dir, `${config.environment.name}-${cluster.id}`);
    writeFileSync(`${base}.json`, resilienceJson(resilience));
    writeFileSync(`${base}.md`, resilienceMarkdown(resilience));
    return [`${base}.json`, `${base}.md`];
  });
}
