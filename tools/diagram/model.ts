import { CLUSTER_IDS } from '../../config/schema';
import type { SynthesizedStacks } from '../../policy/isolation/synthesized';
import { remoteStateStacks } from '../../policy/stack-model';
import { reservationFacts, UNALLOCATED } from '../review/domain';

/** One stack as the diagram draws it. */
export interface StackNode {
  readonly name: string;
  /** The cluster the stack belongs to; undefined for environment-wide stacks (bootstrap). */
  readonly cluster?: string;
  readonly resources: number;
  /** Stacks whose state this one reads, so must be deployed first. */
  readonly reads: readonly string[];
  /** The stack that creates the bucket this stack keeps its state in, if any. */
  readonly stateIn?: string;
}

/** Scalable units and GPUs one tenant (or the spare pool) holds in one hall. */
export interface HallAllocation {
  readonly cluster: string;
  readonly hall: string;
  readonly availabilityZone: string;
  readonly tenant: string;
  readonly units: number;
  readonly gpus: number;
}

export interface DiagramModel {
  readonly stacks: readonly StackNode[];
  readonly allocations: readonly HallAllocation[];
}

function clusterOf(stack: string): string | undefined {
  return CLUSTER_IDS.find((id) => stack.includes(`-${id}-`) || stack.endsWith(`-${id}`));
}

/**
 * What the synthesized Terraform says about an environment's shape: the stacks and the
 * order their state reads impose, and who holds which capacity in which hall (from the
 * capacity reservations' tags, as the plan review reads them).
 */
export function diagramModel(stacks: SynthesizedStacks): DiagramModel {
  const bucketOwners = new Map<string, string>();
  for (const [name, json] of stacks) {
    for (const bucket of Object.values(json.resource?.aws_s3_bucket ?? {})) {
      if (typeof bucket.bucket === 'string') bucketOwners.set(bucket.bucket, name);
    }
  }
  const nodes: StackNode[] = [];
  const cells = new Map<string, { -readonly [K in keyof HallAllocation]: HallAllocation[K] }>();
  for (const [name, json] of stacks) {
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    const cluster = clusterOf(name);
    const backend = (json.terraform?.backend ?? {}) as { s3?: { bucket?: unknown } };
    const stateIn = typeof backend.s3?.bucket === 'string' ? bucketOwners.get(backend.s3.bucket) : undefined;
    nodes.push({
      name,
      ...(cluster ? { cluster } : {}),
      resources,
      reads: [...new Set(remoteStateStacks(json).values())].sort(),
      ...(stateIn && stateIn !== name ? { stateIn } : {}),
    });
    // SUs bought as Capacity Blocks hold capacity in a tagged capacity reservation group.
    const blockGroups = Object.values(json.resource?.aws_resourcegroups_group ?? {}).filter(
      (group) => (group.tags as Record<string, unknown> | undefined)?.['capacity-model'] === 'capacity-block',
    );
    for (const reservation of [...Object.values(json.resource?.aws_ec2_capacity_reservation ?? {}), ...blockGroups]) {
      const facts = reservationFacts(reservation, name);
      const key = JSON.stringify([facts.cluster, facts.hall, facts.tenant]);
      const cell = cells.get(key) ?? {
        cluster: facts.cluster,
        hall: facts.hall,
        availabilityZone: facts.availabilityZone,
        tenant: facts.tenant,
        units: 0,
        gpus: 0,
      };
      cell.units += 1;
      cell.gpus += facts.gpus ?? 0;
      cells.set(key, cell);
    }
  }
  // Tenants first in name order, the spare pool last in each hall.
  const allocations = [...cells.values()].sort(
    (a, b) =>
      a.cluster.localeCompare(b.cluster) ||
      a.hall.localeCompare(b.hall) ||
      Number(a.tenant === UNALLOCATED) - Number(b.tenant === UNALLOCATED) ||
      a.tenant.localeCompare(b.tenant),
  );
  return { stacks: nodes, allocations };
}
