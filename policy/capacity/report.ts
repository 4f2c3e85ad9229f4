import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterCapacity, MAX_INSIGHTS_SERIES } from '../../config/capacity';
import { resilienceOf, type EnvironmentResilience } from '../../config/resilience';
import type { ColossusConfig } from '../../config/schema';
import { burnRateAlarms, errorBudgetMinutes, MONTH_MINUTES } from '../../config/slo';
import { HALL_CAPACITY_ALARMS, NODE_HEALTH_ALARMS, TENANT_CAPACITY_ALARMS } from '../../config/resource-names';
import { tenantWorstCases } from '../resilience/report';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * The capacity report of one cluster, for people: per tenant its contract, allocation, spare
 * cover per hall, the alarms and SLO that watch it and the worst single failure of the
 * resilience proof, side by side. Built from config, as the alarms are.
 */
export function capacityMarkdown(config: ColossusConfig, clusterId: string, known?: EnvironmentResilience): string {
  const cluster = config.clusters.find((c) => c.id === clusterId)!;
  const env = config.environment.name;
  const prefix = `${env}-${cluster.id}`;
  const capacity = clusterCapacity(cluster);
  const worst = new Map(tenantWorstCases(resilienceOf(config, cluster, known)).map((w) => [w.tenantId, w]));
  const lines = [
    `# Capacity of ${prefix}`,
    '',
    `${int(capacity.gpusPerUnit)} GPUs per SU (${cluster.fabric.gpusPerNode} per node). Alarms and dashboards: stack \`${prefix}-capacity\`.`,
    '',
    '## Tenants',
    '',
    '| tenant | contracted GPUs | allocated GPUs (SUs) | headroom | page below | ticket below | SLO | budget / 30 days | worst single failure (GPUs left) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const t of capacity.tenants) {
    const tenant = cluster.tenants.find((c) => c.id === t.tenantId)!;
    const w = worst.get(t.tenantId);
    lines.push(
      `| ${t.tenantId} | ${int(t.contractedGpus)} | ${int(t.allocatedGpus)} (${t.allocatedUnits}) | ${int(t.headroomGpus)} | ${int(t.contractedGpus)} | ${int(t.ticketThresholdGpus)}${t.ticketBeforePage ? '' : ' (after the page: headroom under one SU)'} | ${(tenant.slo.availabilityTarget * 100).toString()}% | ${errorBudgetMinutes(tenant.slo.availabilityTarget, MONTH_MINUTES).toFixed(1)} min | ${w ? `${w.worstScenario}: ${int(w.worstSurvivingGpus)}` : 'n/a'} |`,
    );
  }
  lines.push(
    '',
    '## Spare cover per hall',
    '',
    '| hall | SUs | spare SUs | tenants (SUs) | covers the largest single-SU loss |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const h of capacity.halls) {
    const tenants =
      Object.entries(h.tenantUnits)
        .map(([id, n]) => `${id} (${n})`)
        .join(', ') || 'none';
    lines.push(
      `| ${h.hallId} | ${h.totalUnits} | ${h.spareUnits} | ${tenants} | ${h.largestSingleLossGpus === 0 ? 'nothing to cover' : h.coversLargestSingleLoss ? 'yes' : `**no**: ${h.uncoveredTenants.join(', ')}`} |`,
    );
  }
  lines.push('', '## What watches each tenant', '');
  for (const t of capacity.tenants) {
    const tenant = cluster.tenants.find((c) => c.id === t.tenantId)!;
    const burn = burnRateAlarms(tenant.slo.availabilityTarget)
      .map((b) => `${b.window}: ${b.badMinutes} of ${b.minutes} min below contract (${b.severity})`)
      .join('; ');
    lines.push(
      `- **${t.tenantId}**: ${[...TENANT_CAPACITY_ALARMS, ...NODE_HEALTH_ALARMS].map((s) => `\`${prefix}-${t.tenantId}-${s}\``).join(', ')}; dashboard \`${prefix}-${t.tenantId}-capacity\`. Burn windows: ${burn}.`,
    );
  }
  const spare = capacity.halls.reduce((sum, h) => sum + h.spareUnits, 0);
  if (spare > 0) {
    lines.push(
      `- **spare pool** (${spare} SUs): ${NODE_HEALTH_ALARMS.map((s) => `\`${prefix}-unallocated-${s}\``).join(', ')}.${
        spare > MAX_INSIGHTS_SERIES
          ? ` **The per-SU alarms see ${MAX_INSIGHTS_SERIES} of the ${spare} spare SUs** (a Metrics Insights query returns at most ${MAX_INSIGHTS_SERIES} series); \`gpus-silent\` still counts every spare GPU.`
          : ''
      }`,
    );
  }
  const halls = capacity.halls.filter((h) => h.largestSingleLossGpus > 0);
  if (halls.length > 0) {
    lines.push(
      `- **halls**: ${halls.flatMap((h) => HALL_CAPACITY_ALARMS.map((s) => `\`${prefix}-${h.hallId}-${s}\``)).join(', ')}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes <outdir>/capacity/<env>-<cluster>.md for every cluster with tenants; returns the paths. */
export function writeCapacityReports(config: ColossusConfig, outdir: string, known?: EnvironmentResilience): string[] {
  const dir = join(outdir, 'capacity');
  mkdirSync(dir, { recursive: true });
  return config.clusters
    .filter((c) => c.tenants.length > 0)
    .map((cluster) => {
      const path = join(dir, `${config.environment.name}-${cluster.id}.md`);
      writeFileSync(path, capacityMarkdown(config, cluster.id, known));
      return path;
    });
}
