import { clusterSlots, type ScalableUnitSlot } from '../config/capacity';
import type { ColossusConfig } from '../config/schema';
import { planStacks, type StackPlan } from './sharding';

/**
 * Where each SU of an environment lives once the stacks are cut: the compute stack (hall part)
 * that holds it and the name of its auto scaling group. The capacity alarms select a tenant's
 * SUs by these names, so they come from the same sharding plan the stacks are built from.
 */
export interface PlacedUnit extends ScalableUnitSlot {
  readonly clusterId: string;
  /** su-NNN, the SU's id inside its hall (stacks/compute-stack.ts scalableUnitId). */
  readonly unitId: string;
  /** <env>-<cluster>-<hall>-su-NNN: the ASG, launch template and placement group name. */
  readonly name: string;
  readonly computeStack: string;
}

export function unitIdOf(index: number): string {
  return `su-${String(index).padStart(3, '0')}`;
}

export function unitNameOf(environment: string, clusterId: string, hallId: string, index: number): string {
  return `${environment}-${clusterId}-${hallId}-${unitIdOf(index)}`;
}

/** Every SU of the environment, cluster by cluster, hall by hall, by index. */
export function placeUnits(config: ColossusConfig, plans: readonly StackPlan[] = planStacks(config)): PlacedUnit[] {
  const env = config.environment.name;
  const stackOf = new Map<string, string>();
  for (const plan of plans) {
    if (plan.layer !== 'compute') continue;
    for (let i = plan.units.first; i < plan.units.first + plan.units.count; i += 1) {
      stackOf.set(`${plan.cluster.id}/${plan.hall.id}/${i}`, plan.name);
    }
  }
  return config.clusters.flatMap((cluster) =>
    clusterSlots(cluster).map((slot) => {
      const computeStack = stackOf.get(`${cluster.id}/${slot.hallId}/${slot.index}`);
      // Fail closed: an SU no compute stack holds would be watched by nothing.
      if (!computeStack) {
        throw new Error(`${cluster.id} ${slot.hallId} ${unitIdOf(slot.index)}: no compute stack holds this SU`);
      }
      return {
        ...slot,
        clusterId: cluster.id,
        unitId: unitIdOf(slot.index),
        name: unitNameOf(env, cluster.id, slot.hallId, slot.index),
        computeStack,
      };
    }),
  );
}

/** One tenant's SUs in one cluster, placed. */
export function tenantUnits(placed: readonly PlacedUnit[], clusterId: string, tenantId: string): PlacedUnit[] {
  return placed.filter((unit) => unit.clusterId === clusterId && unit.tenantId === tenantId);
}
