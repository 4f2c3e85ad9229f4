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
