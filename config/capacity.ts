import type { ClusterConfig, FabricConfig, HallConfig, TenantConfig } from './schema';

/** Capacity arithmetic. Everything grows with scalable units (SUs), never with GPUs. */

export function nodesPerScalableUnit(fabric: FabricConfig): number {
  return fabric.nodesPerRack * fabric.racksPerScalableUnit;
}

export function gpusPerScalableUnit(fabric: FabricConfig): number {
  return nodesPerScalableUnit(fabric) * fabric.gpusPerNode;
}

export function allocatedScalableUnits(tenant: TenantConfig): number {
  return tenant.allocations.reduce((sum, allocation) => sum + allocation.scalableUnits, 0);
}

export function allocatedGpus(tenant: TenantConfig, fabric: FabricConfig): number {
  return allocatedScalableUnits(tenant) * gpusPerScalableUnit(fabric);
}

export function clusterGpus(cluster: ClusterConfig): number {
  const units = cluster.halls.reduce((sum, hall) => sum + hall.scalableUnits, 0);
  return units * gpusPerScalableUnit(cluster.fabric);
}

export interface ScalableUnitSlot {
  /** Position of the SU in its hall, from 0. Stable: it names the SU's resources. */
  readonly index: number;
  readonly hallId: string;
  /** The tenant the SU is dedicated to, or undefined for the hall's spare pool. */
  readonly tenantId: string | undefined;
}

/**
 * Lays out a hall's SUs from the explicit placement of each allocation (config/placement.ts);
 * SUs no allocation names are the hall's spare pool. Tenant order in the file plays no part.
 */
export function scalableUnitSlots(cluster: ClusterConfig, hall: HallConfig): ScalableUnitSlot[] {
  const owner = new Map<number, string>();
  for (const tenant of cluster.tenants) {
    for (const allocation of tenant.allocations) {
      if (allocation.hall !== hall.id) continue;
      for (let i = 0; i < allocation.scalableUnits; i += 1) owner.set(allocation.firstUnit + i, tenant.id);
    }
  }
  const slots: ScalableUnitSlot[] = [];
  for (let index = 0; index < hall.scalableUnits; index += 1) {
    slots.push({ index, hallId: hall.id, tenantId: owner.get(index) });
  }
  return slots;
}

/** Every SU of a cluster, hall by hall in config order, each hall's SUs by index. */
export function clusterSlots(cluster: ClusterConfig): ScalableUnitSlot[] {
  return cluster.halls.flatMap((hall) => scalableUnitSlots(cluster, hall));
}

/**
 * One tenant's capacity in one cluster, as the capacity alarms see it. Running GPUs are
 * in-service nodes x GPUs per node summed over `units`; the contract alarm pages below
 * contractedGpus, the ticket fires below ticketThresholdGpus (one SU lost: the spare pool
 * should already be replacing it).
 */
export interface TenantCapacity {
  readonly tenantId: string;
  readonly contractedGpus: number;
  readonly allocatedUnits: number;
  readonly allocatedGpus: number;
  readonly gpusPerUnit: number;
  readonly nodesPerUnit: number;
  readonly gpusPerNode: number;
  /** allocatedGpus - contractedGpus: what the tenant can lose before the contract breaks. */
  readonly headroomGpus: number;
  /** allocatedGpus minus one SU's worth of GPUs. */
  readonly ticketThresholdGpus: number;
  /**
   * False when losing one SU already breaks the contract (headroom under one SU): the ticket
   * would then fire at or after the page, so it warns of nothing the page does not say.
   */
  readonly ticketBeforePage: boolean;
  /** The tenant's SUs across halls, hall by hall in config order. */
  readonly units: readonly ScalableUnitSlot[];
  /** SUs per hall, only halls where the tenant has SUs, in config order. */
  readonly unitsPerHall: Readonly<Record<string, number>>;
}

export function tenantCapacity(cluster: ClusterConfig, tenant: TenantConfig): TenantCapacity {
  const gpusPerUnit = gpusPerScalableUnit(cluster.fabric);
  const allocatedUnits = allocatedScalableUnits(tenant);
  const allocated = allocatedUnits * gpusPerUnit;
  const units = clusterSlots(cluster).filter((slot) => slot.tenantId === tenant.id);
  const unitsPerHall: Record<string, number> = {};
  for (const slot of units) unitsPerHall[slot.hallId] = (unitsPerHall[slot.hallId] ?? 0) + 1;
  const ticketThresholdGpus = allocated - gpusPerUnit;
  return {
    tenantId: tenant.id,
    contractedGpus: tenant.contractedGpus,
    allocatedUnits,
    allocatedGpus: allocated,
    gpusPerUnit,
    nodesPerUnit: nodesPerScalableUnit(cluster.fabric),
    gpusPerNode: cluster.fabric.gpusPerNode,
    headroomGpus: allocated - tenant.contractedGpus,
    ticketThresholdGpus,
    ticketBeforePage: ticketThresholdGpus >= tenant.contractedGpus,
    units,
    unitsPerHall,
  };
}

/**
 * A hall's spare pool against the largest single-SU loss of each tenant in it. Every SU of a
 * cluster has the same fabric, so a tenant's largest single loss is one SU's GPUs, and one
 * spare SU in the hall replaces it. A hall without tenant SUs needs no cover.
 */
export interface HallSpareCover {
  readonly hallId: string;
  readonly totalUnits: number;
  readonly spareUnits: number;
  readonly spareGpus: number;
  /** Tenant SUs in this hall, per tenant with SUs here, in config order. */
  readonly tenantUnits: Readonly<Record<string, number>>;
  /** The largest GPUs any one tenant of the hall loses with one SU (0 when no tenant is here). */
  readonly largestSingleLossGpus: number;
  readonly coversLargestSingleLoss: boolean;
  /** Tenants of the hall whose single-SU loss the spare pool cannot replace. */
  readonly uncoveredTenants: readonly string[];
}

export function hallSpareCover(cluster: ClusterConfig, hall: HallConfig): HallSpareCover {
  const gpusPerUnit = gpusPerScalableUnit(cluster.fabric);
  const slots = scalableUnitSlots(cluster, hall);
  const spareUnits = slots.filter((s) => s.tenantId === undefined).length;
  const tenantUnits: Record<string, number> = {};
  for (const tenant of cluster.tenants) {
    const count = slots.filter((s) => s.tenantId === tenant.id).length;
    if (count > 0) tenantUnits[tenant.id] = count;
  }
  const tenants = Object.keys(tenantUnits);
  const spareGpus = spareUnits * gpusPerUnit;
  // One SU is the most a tenant loses to one node-group failure; the list stays per tenant so a
  // future mixed-size fabric only changes the loss per tenant here.
  const uncoveredTenants = tenants.filter(() => spareGpus < gpusPerUnit);
  return {
    hallId: hall.id,
    totalUnits: slots.length,
    spareUnits,
    spareGpus,
    tenantUnits,
    largestSingleLossGpus: tenants.length > 0 ? gpusPerUnit : 0,
    coversLargestSingleLoss: uncoveredTenants.length === 0,
    uncoveredTenants,
  };
}

/** Per tenant and per hall, the numbers the capacity alarms and report are built from. */
export interface ClusterCapacity {
  readonly clusterId: string;
  readonly gpusPerUnit: number;
  readonly tenants: readonly TenantCapacity[];
  readonly halls: readonly HallSpareCover[];
}

export function clusterCapacity(cluster: ClusterConfig): ClusterCapacity {
  return {
    clusterId: cluster.id,
    gpusPerUnit: gpusPerScalableUnit(cluster.fabric),
    tenants: cluster.tenants.map((tenant) => tenantCapacity(cluster, tenant)),
    halls: cluster.halls.map((hall) => hallSpareCover(cluster, hall)),
  };
}

/**
 * A Metrics Insights query returns at most 500 time series ("Metrics Insights quotas",
 * CloudWatch User Guide); past that an alarm evaluates PARTIAL_DATA and some contributors go
 * unseen. The per-SU node-health alarms have one series per SU of a tenant and the reservation
 * alarm one per reservation of a hall: both are refused past the quota. The spare pool's per-SU
 * alarms are not: a pool past 500 SUs (only in the benchmark's doubled prod) is still counted
 * whole by its total alarm (gpus-silent), and the capacity report says how many SUs the per-SU
 * alarms see.
 */
export const MAX_INSIGHTS_SERIES = 500;

/** SU counts that would make a capacity alarm drop series, as config problems. */
export function checkCapacityRules(
  cluster: ClusterConfig,
  base: (string | number)[],
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const rule = `(rule: a Metrics Insights query returns at most ${MAX_INSIGHTS_SERIES} time series, so the alarm would not see every SU)`;
  cluster.tenants.forEach((tenant, t) => {
    const units = allocatedScalableUnits(tenant);
    if (units > MAX_INSIGHTS_SERIES) {
      problems.push({
        path: [...base, 'tenants', t, 'allocations'],
        message: `tenant ${tenant.id} holds ${units} SUs in ${cluster.id}, and its per-SU node-health alarm has one series per SU ${rule}; split the tenant across clusters`,
      });
    }
  });
  cluster.halls.forEach((hall, h) => {
    if (hall.scalableUnits > MAX_INSIGHTS_SERIES) {
      problems.push({
        path: [...base, 'halls', h, 'scalableUnits'],
        message: `hall ${hall.id} holds ${hall.scalableUnits} SUs, and its reservation alarm has one series per SU's reservation ${rule}`,
      });
    }
  });
  return problems;
}
