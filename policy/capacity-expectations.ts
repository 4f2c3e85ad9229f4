import { clusterCapacity } from '../config/capacity';
import { burnRateAlarms } from '../config/slo';
import type { ClusterConfig, ColossusConfig } from '../config/schema';
import { gpuNamespace, SPARE_OWNER } from '../constructs/compute/gpu-telemetry';

/**
 * What config says a cluster's capacity stack must watch, worked out from config arithmetic
 * alone (config/capacity.ts, config/slo.ts), never from the constructs that build the alarms:
 * the compliance rules (policy/rules/capacity.ts) hold the synthesized alarms against it.
 */
export interface CapacityExpectation {
  readonly environment: string;
  readonly cluster: string;
  readonly tenants: readonly {
    readonly id: string;
    /** In nodes: below contractedGpus / GPUs per node, rounded up, is below contract. */
    readonly contractNodes: number;
    /** In nodes: below allocated minus one SU. */
    readonly ticketNodes: number;
    readonly burn: readonly { readonly window: string; readonly minutes: number; readonly badMinutes: number }[];
  }[];
  /** Halls with tenant SUs: each needs its spare-pool alarm, at one SU's nodes. */
  readonly halls: readonly { readonly id: string; readonly spareNodes: number }[];
  /** Every owner of nodes (tenants, and the spare pool when there is one): GPU health. */
  readonly owners: readonly {
    readonly owner: string;
    readonly namespace: string;
    readonly gpusPerUnit: number;
    readonly ownerGpus: number;
  }[];
  readonly maxTemperatureC: number;
}

export function capacityExpectation(config: ColossusConfig, cluster: ClusterConfig): CapacityExpectation {
  const env = config.environment.name;
  const capacity = clusterCapacity(cluster);
  const perNode = cluster.fabric.gpusPerNode;
  const nodes = (gpus: number) => Math.ceil(gpus / perNode);
  const spareUnits = capacity.halls.reduce((sum, h) => sum + h.spareUnits, 0);
  return {
    environment: env,
    cluster: cluster.id,
    tenants: capacity.tenants.map((t) => ({
      id: t.tenantId,
      contractNodes: nodes(t.contractedGpus),
      ticketNodes: nodes(t.ticketThresholdGpus),
      burn: burnRateAlarms(cluster.tenants.find((c) => c.id === t.tenantId)!.slo.availabilityTarget),
    })),
    halls: capacity.halls
      .filter((h) => h.largestSingleLossGpus > 0)
      .map((h) => ({ id: h.hallId, spareNodes: nodes(h.largestSingleLossGpus) })),
    owners: [
      ...capacity.tenants.map((t) => ({
        owner: t.tenantId,
        namespace: gpuNamespace(env, cluster.id, t.tenantId),
        gpusPerUnit: t.gpusPerUnit,
        ownerGpus: t.allocatedGpus,
      })),
      ...(spareUnits > 0
        ? [
            {
              owner: SPARE_OWNER,
              namespace: gpuNamespace(env, cluster.id, SPARE_OWNER),
              gpusPerUnit: capacity.gpusPerUnit,
              ownerGpus: spareUnits * capacity.gpusPerUnit,
            },
          ]
        : []),
    ],
    maxTemperatureC: cluster.cooling.gpuMaxTemperatureC,
  };
}
