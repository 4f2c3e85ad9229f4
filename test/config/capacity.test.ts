import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { problemsOf } from './config-problems';
import { clusterCapacity, hallSpareCover, tenantCapacity, type ScalableUnitSlot } from '../../config/capacity';
import { loadConfig } from '../../config/load';
import type { ClusterConfig } from '../../config/schema';

/** Expected values are worked out here from the raw config fields, not through config/capacity.ts. */
const ENVIRONMENTS = ['dev', 'staging', 'prod', 'emulator'] as const;

function gpusPerUnit(cluster: ClusterConfig): number {
  const f = cluster.fabric;
  return f.gpusPerNode * f.nodesPerRack * f.racksPerScalableUnit;
}

describe.each(ENVIRONMENTS)('capacity arithmetic from config: %s', (environment) => {
  const config = loadConfig({ environment });

  it.each(config.clusters.map((c) => [c.id, c] as const))('%s: every tenant', (_id, cluster) => {
    for (const tenant of cluster.tenants) {
      const capacity = tenantCapacity(cluster, tenant);
      const units = tenant.allocations.reduce((n, a) => n + a.scalableUnits, 0);
      const allocated = units * gpusPerUnit(cluster);
      expect(capacity).toMatchObject({
        tenantId: tenant.id,
        contractedGpus: tenant.contractedGpus,
        allocatedUnits: units,
        allocatedGpus: allocated,
        gpusPerNode: cluster.fabric.gpusPerNode,
        nodesPerUnit: cluster.fabric.nodesPerRack * cluster.fabric.racksPerScalableUnit,
        headroomGpus: allocated - tenant.contractedGpus,
        ticketThresholdGpus: allocated - gpusPerUnit(cluster),
        ticketBeforePage: allocated - gpusPerUnit(cluster) >= tenant.contractedGpus,
      });
      // The SUs are exactly the allocations' runs, in the order of the halls in the file.
      const expected: ScalableUnitSlot[] = cluster.halls.flatMap((hall) =>
        tenant.allocations
          .filter((a) => a.hall === hall.id)
          .flatMap((a) =>
            Array.from({ length: a.scalableUnits }, (_, i) => ({
              index: a.firstUnit + i,
              hallId: hall.id,
              tenantId: tenant.id,
            })),
          )
          .sort((a, b) => a.index - b.index),
      );
      expect(capacity.units).toEqual(expected);
      // In-service nodes x GPUs per node over the SUs equals the allocation when every node runs.
      expect(capacity.units.length * capacity.nodesPerUnit * capacity.gpusPerNode).toBe(allocated);
      const perHall: Record<string, number> = {};
      for (const a of tenant.allocations) perHall[a.hall] = (perHall[a.hall] ?? 0) + a.scalableUnits;
      expect(capacity.unitsPerHall).toEqual(perHall);
    }
  });

  it.each(config.clusters.map((c) => [c.id, c] as const))('%s: every hall spare pool', (_id, cluster) => {
    for (const hall of cluster.halls) {
      const cover = hallSpareCover(cluster, hall);
      const inHall = cluster.tenants
        .map(
          (t) =>
            [t.id, t.allocations.filter((a) => a.hall === hall.id).reduce((n, a) => n + a.scalableUnits, 0)] as const,
        )
        .filter(([, n]) => n > 0);
      const spare = hall.scalableUnits - inHall.reduce((n, [, u]) => n + u, 0);
      expect(cover).toEqual({
        hallId: hall.id,
        totalUnits: hall.scalableUnits,
        spareUnits: spare,
        spareGpus: spare * gpusPerUnit(cluster),
        tenantUnits: Object.fromEntries(inHall),
        largestSingleLossGpus: inHall.length > 0 ? gpusPerUnit(cluster) : 0,
        coversLargestSingleLoss: inHall.length === 0 || spare >= 1,
        uncoveredTenants: spare >= 1 ? [] : inHall.map(([id]) => id),
      });
    }
  });

  it('gathers every tenant and hall of each cluster, in config order', () => {
    for (const cluster of config.clusters) {
      const capacity = clusterCapacity(cluster);
      expect(capacity.clusterId).toBe(cluster.id);
      expect(capacity.gpusPerUnit).toBe(gpusPerUnit(cluster));
      expect(capacity.tenants.map((t) => t.tenantId)).toEqual(cluster.tenants.map((t) => t.id));
      expect(capacity.halls.map((h) => h.hallId)).toEqual(cluster.halls.map((h) => h.id));
    }
  });
});

describe('capacity arithmetic on edited clusters', () => {
  const dev = loadConfig({ environment: 'dev' });
  const base = dev.clusters[0]!;
  const hall = base.halls[0]!;
  const tenant = base.tenants[0]!;
  const perUnit = gpusPerUnit(base);

  it('finds a hall whose every SU is allocated unable to cover a single-SU loss, naming the tenants', () => {
    const full: ClusterConfig = {
      ...base,
      tenants: [{ ...tenant, allocations: [{ hall: hall.id, firstUnit: 0, scalableUnits: hall.scalableUnits }] }],
    };
    const cover = hallSpareCover(full, hall);
    expect(cover.spareUnits).toBe(0);
    expect(cover.coversLargestSingleLoss).toBe(false);
    expect(cover.uncoveredTenants).toEqual([tenant.id]);
  });

  it('needs no cover in a hall with no tenant SUs', () => {
    const empty: ClusterConfig = { ...base, tenants: [] };
    const cover = hallSpareCover(empty, hall);
    expect(cover).toMatchObject({
      spareUnits: hall.scalableUnits,
      largestSingleLossGpus: 0,
      coversLargestSingleLoss: true,
    });
  });

  it('says when the ticket cannot fire before the page (headroom under one SU)', () => {
    const tight = { ...tenant, contractedGpus: perUnit * tenant.allocations[0]!.scalableUnits };
    expect(tenantCapacity(base, tight)).toMatchObject({ headroomGpus: 0, ticketBeforePage: false });
    const loose = { ...tenant, contractedGpus: 1 };
    expect(tenantCapacity({ ...base, tenants: [loose] }, loose).ticketBeforePage).toBe(
      perUnit * (tenant.allocations[0]!.scalableUnits - 1) >= 1,
    );
  });
});

describe('capacity alarms that would drop series (Metrics Insights: 500 time series a query)', () => {
  const devText = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8');
  type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary YAML under test
  function edited(hallUnits: number, tenantUnits: number): string {
    const doc = parse(devText) as Doc;
    doc.clusters[0].halls[0].scalableUnits = hallUnits;
    doc.clusters[0].tenants[0].allocations = [{ hall: 'hall-a', firstUnit: 0, scalableUnits: tenantUnits }];
    return stringify(doc);
  }
  const rule = '(rule: a Metrics Insights query returns at most 500 time series, so the alarm would not see every SU)';

  it('names the hall and the tenant that hold more than 500 SUs', () => {
    const tenant = problemsOf(edited(502, 501));
    expect(tenant).toContain(
      `clusters[colossus-1].tenants[lab-alpha].allocations: tenant lab-alpha holds 501 SUs in colossus-1, and its per-SU node-health alarm has one series per SU ${rule}; split the tenant across clusters`,
    );
    expect(tenant).toContain(
      `clusters[colossus-1].halls[hall-a].scalableUnits: hall hall-a holds 502 SUs, and its reservation alarm has one series per SU's reservation ${rule}`,
    );
    // The spare pool is not refused: its total alarm still counts every spare GPU (see config/capacity.ts).
    expect(problemsOf(edited(502, 1)).filter((p) => p.includes('spare pool'))).toEqual([]);
  });

  it('accepts 500 exactly (the quota is inclusive)', () => {
    const problems = (() => {
      try {
        return problemsOf(edited(500, 500));
      } catch {
        return [];
      }
    })();
    expect(problems.filter((p) => p.includes('Metrics Insights'))).toEqual([]);
  });
});
