import { gpusPerScalableUnit, scalableUnitSlots, type ScalableUnitSlot } from './capacity';
import { cduIds, coolingCapacityKw, hallLiquidHeatKw } from './cooling';
import { ColossusError } from './errors';
import { configSourceOf } from './load';
import { domainLoadKw, feedsCapacityKw, powerDomains, scalableUnitKw } from './power';
import type { ClusterConfig, ColossusConfig } from './schema';

/**
 * The single-failure model. Every scenario takes one thing away (a power feed, or one CDU
 * of one hall), or nothing (the baseline). When what survives cannot carry the load, whole
 * SUs are shed until it can, in shedOrder(); each tenant keeps the GPUs of its unshed SUs.
 */

export type FailureKind = 'baseline' | 'feed' | 'cdu';

export interface HallImpact {
  /** The halls that share the lost capacity: a power domain, or one hall for a CDU. */
  readonly hallIds: readonly string[];
  readonly resource: 'power' | 'cooling';
  readonly loadKw: number;
  readonly survivingCapacityKw: number;
  /** Surviving capacity minus load; negative means SUs are shed. */
  readonly marginKw: number;
  /** Load of one SU on this resource (IT kW for power, liquid heat kW for cooling). */
  readonly unitLoadKw: number;
  readonly shedSpareUnits: number;
  readonly shedTenantUnits: Readonly<Record<string, number>>;
}

export interface TenantOutcome {
  readonly tenantId: string;
  readonly allocatedGpus: number;
  readonly survivingGpus: number;
  readonly contractedGpus: number;
  /** survivingGpus - contractedGpus: negative breaks the contract. */
  readonly headroomGpus: number;
  readonly meetsContract: boolean;
}

export interface FailureScenario {
  readonly id: string;
  readonly kind: FailureKind;
  readonly description: string;
  readonly impacts: readonly HallImpact[];
  readonly tenants: readonly TenantOutcome[];
}

export interface ClusterResilience {
  readonly environment: string;
  readonly clusterId: string;
  readonly redundancy: string;
  readonly gpusPerScalableUnit: number;
  readonly scenarios: readonly FailureScenario[];
}

/**
 * Who goes dark first when a domain must shed: spare SUs (no tenant loses anything), then
 * tenant SUs. Within each group the last slot goes first: the most recently placed SU, so
 * the rule follows the stable slot layout of scalableUnitSlots() and needs no extra config.
 */
export function shedOrder(slots: readonly ScalableUnitSlot[]): ScalableUnitSlot[] {
  const reversed = [...slots].reverse();
  return [...reversed.filter((s) => s.tenantId === undefined), ...reversed.filter((s) => s.tenantId !== undefined)];
}

/** SUs to switch off so that load fits capacity, never more than exist. */
export function unitsToShed(loadKw: number, capacityKw: number, unitKw: number, available: number): number {
  if (capacityKw >= loadKw) return 0;
  return Math.min(available, Math.ceil((loadKw - capacityKw) / unitKw - 1e-9));
}

function impactOf(
  cluster: ClusterConfig,
  hallIds: readonly string[],
  resource: HallImpact['resource'],
  loadKw: number,
  survivingCapacityKw: number,
  unitLoadKw: number,
): { impact: HallImpact; shed: ScalableUnitSlot[] } {
  const slots = cluster.halls.filter((h) => hallIds.includes(h.id)).flatMap((h) => scalableUnitSlots(cluster, h));
  const shed = shedOrder(slots).slice(0, unitsToShed(loadKw, survivingCapacityKw, unitLoadKw, slots.length));
  const shedTenantUnits: Record<string, number> = {};
  for (const slot of shed)
    if (slot.tenantId) shedTenantUnits[slot.tenantId] = (shedTenantUnits[slot.tenantId] ?? 0) + 1;
  return {
    impact: {
      hallIds,
      resource,
      loadKw,
      survivingCapacityKw,
      marginKw: survivingCapacityKw - loadKw,
      unitLoadKw,
      shedSpareUnits: shed.filter((s) => s.tenantId === undefined).length,
      shedTenantUnits,
    },
    shed,
  };
}

function outcomes(cluster: ClusterConfig, shed: readonly ScalableUnitSlot[]): TenantOutcome[] {
  const perUnit = gpusPerScalableUnit(cluster.fabric);
  return cluster.tenants.map((tenant) => {
    const allocatedUnits = tenant.allocations.reduce((sum, a) => sum + a.scalableUnits, 0);
    const lost = shed.filter((s) => s.tenantId === tenant.id).length;
    const survivingGpus = (allocatedUnits - lost) * perUnit;
    return {
      tenantId: tenant.id,
      allocatedGpus: allocatedUnits * perUnit,
      survivingGpus,
      contractedGpus: tenant.contractedGpus,
      headroomGpus: survivingGpus - tenant.contractedGpus,
      meetsContract: survivingGpus >= tenant.contractedGpus,
    };
  });
}

function scenario(
  cluster: ClusterConfig,
  id: string,
  kind: FailureKind,
  description: string,
  results: { impact: HallImpact; shed: ScalableUnitSlot[] }[],
): FailureScenario {
  return {
    id,
    kind,
    description,
    impacts: results.map((r) => r.impact),
    tenants: outcomes(
      cluster,
      results.flatMap((r) => r.shed),
    ),
  };
}

/** Every single failure of a cluster, baseline first, then each feed, then each CDU of each hall. */
export function enumerateFailures(cluster: ClusterConfig): FailureScenario[] {
  const unitKw = scalableUnitKw(cluster);
  const unitHeatKw = unitKw * cluster.cooling.liquidHeatFraction;
  const domains = powerDomains(cluster.power);
  const powerImpact = (domain: (typeof domains)[number], lostFeed?: string) =>
    impactOf(
      cluster,
      domain.hallIds,
      'power',
      domainLoadKw(cluster, domain),
      feedsCapacityKw(domain.feeds.filter((f) => f.id !== lostFeed)),
      unitKw,
    );
  const coolingImpact = (hall: ClusterConfig['halls'][number], cdusLost: number) =>
    impactOf(
      cluster,
      [hall.id],
      'cooling',
      hallLiquidHeatKw(cluster, hall),
      coolingCapacityKw(cluster.cooling, cdusLost),
      unitHeatKw,
    );

  const scenarios: FailureScenario[] = [
    scenario(cluster, 'baseline', 'baseline', 'nothing failed', [
      ...domains.map((d) => powerImpact(d)),
      ...cluster.halls.map((h) => coolingImpact(h, 0)),
    ]),
  ];
  for (const domain of domains) {
    for (const feed of domain.feeds) {
      scenarios.push(
        scenario(
          cluster,
          `feed:${feed.id}`,
          'feed',
          `power feed ${feed.id} lost (serves ${domain.hallIds.join(', ')})`,
          [powerImpact(domain, feed.id)],
        ),
      );
    }
  }
  for (const hall of cluster.halls) {
    for (const cdu of cduIds(cluster.cooling)) {
      scenarios.push(
        scenario(cluster, `cdu:${hall.id}:${cdu}`, 'cdu', `${cdu} of hall ${hall.id} lost`, [coolingImpact(hall, 1)]),
      );
    }
  }
  return scenarios;
}

/** Each cluster's failure scenarios, by cluster id: worked out once, read by the gate and every report. */
export type EnvironmentResilience = ReadonlyMap<string, ClusterResilience>;

export function environmentResilience(config: ColossusConfig): EnvironmentResilience {
  return new Map(config.clusters.map((cluster) => [cluster.id, clusterResilience(config, cluster)]));
}

/** A cluster's resilience from `known` when it is there, else worked out. */
export function resilienceOf(
  config: ColossusConfig,
  cluster: ClusterConfig,
  known?: EnvironmentResilience,
): ClusterResilience {
  return known?.get(cluster.id) ?? clusterResilience(config, cluster);
}

export function clusterResilience(config: ColossusConfig, cluster: ClusterConfig): ClusterResilience {
  return {
    environment: config.environment.name,
    clusterId: cluster.id,
    redundancy: cluster.power.redundancy,
    gpusPerScalableUnit: gpusPerScalableUnit(cluster.fabric),
    scenarios: enumerateFailures(cluster),
  };
}

/** One line per (scenario, tenant) that drops below its contract. */
export function contractBreaches(resilience: ClusterResilience): string[] {
  return resilience.scenarios.flatMap((s) =>
    s.tenants
      .filter((t) => !t.meetsContract)
      .map(
        (t) =>
          `clusters[${resilience.clusterId}]: ${s.description} [${s.id}] leaves tenant ${t.tenantId} ${t.survivingGpus} GPUs, below its contracted ${t.contractedGpus}`,
      ),
  );
}

/** The synth-time proof: throws, naming each failure and tenant, if any single failure breaks a contract. */
export function assertContractedCapacity(config: ColossusConfig, known?: EnvironmentResilience): void {
  const breaches = config.clusters.flatMap((cluster) => contractBreaches(resilienceOf(config, cluster, known)));
  if (breaches.length > 0) {
    throw new ColossusError(
      `a single failure takes a tenant below its contracted GPUs (in ${configSourceOf(config)})`,
      breaches,
    );
  }
}
