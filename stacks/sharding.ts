import type { ClusterConfig, ColossusConfig, HallConfig } from '../config/schema';
import {
  PLAN_BUDGET_SECONDS,
  PLAN_COST,
  addContents,
  estimatePlanSeconds,
  scaleContents,
  totalResources,
  type PlanCostModel,
  type StackContents,
} from './plan-cost';
import { cduContents, hallComputeContents, hallMonitoringContents, unitContents } from './stack-contents';

/**
 * The one place that decides how stacks are cut. Terraform plan time grows with the
 * resources in one state, so compute is sharded by hall: a change to one hall plans
 * only that hall. A hall whose compute would plan longer than PLAN_BUDGET_SECONDS (the
 * estimate of stacks/plan-cost.ts) or hold more than MAX_RESOURCES_PER_STACK is cut into
 * parts of consecutive SUs; part 1 keeps the hall's stack name and the hall's security groups.
 */
export const MAX_RESOURCES_PER_STACK = 1000;

/** A run of a hall's SUs: positions first..first+count-1 of scalableUnitSlots (which are SU indexes). */
export interface UnitRange {
  readonly first: number;
  readonly count: number;
}

export type StackPlan =
  | { readonly layer: 'bootstrap'; readonly name: string }
  | { readonly layer: 'network'; readonly name: string; readonly cluster: ClusterConfig }
  | { readonly layer: 'tenancy'; readonly name: string; readonly cluster: ClusterConfig }
  | {
      readonly layer: 'compute';
      readonly name: string;
      readonly cluster: ClusterConfig;
      readonly hall: HallConfig;
      /** 1-based; part 1 holds the hall's security groups and keeps the hall's stack name. */
      readonly part: number;
      readonly parts: number;
      readonly units: UnitRange;
      /** Part 1's stack name: later parts read the hall's security groups from its outputs. */
      readonly hallStack: string;
    }
  | { readonly layer: 'alerting'; readonly name: string; readonly cluster: ClusterConfig }
  | {
      readonly layer: 'monitoring';
      readonly name: string;
      readonly cluster: ClusterConfig;
      readonly hall: HallConfig;
      /** 1-based; part 1 holds the hall's "redundancy lost" composite and keeps the hall's stack name. */
      readonly part: number;
      /** The hall's parts in order (one for a hall that is not split), with the CDUs each holds. */
      readonly hallParts: readonly { readonly name: string; readonly cdus: UnitRange }[];
      /** This part's CDUs: positions in cduIds(cluster.cooling). */
      readonly cdus: UnitRange;
    }
  | { readonly layer: 'capacity'; readonly name: string; readonly cluster: ClusterConfig }
  | { readonly layer: 'audit'; readonly name: string };

export type Layer = StackPlan['layer'];

/** <env>-<cluster>-<layer>[-<hall>] */
export function stackName(
  environment: string,
  cluster: string,
  layer: Exclude<Layer, 'bootstrap' | 'audit'>,
  hall?: string,
): string {
  return [environment, cluster, layer, hall].filter(Boolean).join('-');
}

/** Part 2 and on of a split hall: <env>-<cluster>-<layer>-<hall>-part-<n>; part 1 keeps the hall's name. */
export function hallPartName(
  environment: string,
  cluster: string,
  layer: 'compute' | 'monitoring',
  hall: string,
  part: number,
): string {
  const name = stackName(environment, cluster, layer, hall);
  return part === 1 ? name : `${name}-part-${part}`;
}

/** Consecutive ranges of the given sizes. */
function ranges(sizes: readonly number[]): UnitRange[] {
  let first = 0;
  return sizes.map((count) => {
    const range = { first, count };
    first += count;
    return range;
  });
}

/**
 * How many consecutive units each part takes, front first: each part takes as many units as
 * fit the budget (and the resource limit). Filling from the front gives the fewest parts for
 * units that cost alike, and a hall that grows only grows its last part: no SU already placed
 * changes stack. A unit that fits nowhere alone still gets a part of its own; the preflight
 * check refuses that stack as over budget.
 */
export function splitUnits(
  hall: StackContents,
  unit: StackContents,
  units: number,
  budgetSeconds: number = PLAN_BUDGET_SECONDS,
  model: PlanCostModel = PLAN_COST,
): number[] {
  const fits = (fixed: StackContents, n: number) => {
    const contents = addContents(fixed, scaleContents(unit, n));
    return estimatePlanSeconds(contents, model) <= budgetSeconds && totalResources(contents) <= MAX_RESOURCES_PER_STACK;
  };
  const empty: StackContents = { resources: {}, blocks: {} };
  const parts: number[] = [];
  let left = units;
  while (left > 0 || parts.length === 0) {
    const fixed = parts.length === 0 ? hall : empty;
    let n = 0;
    while (n < left && fits(fixed, n + 1)) n += 1;
    n = Math.max(n, Math.min(1, left));
    parts.push(n);
    left -= n;
    if (n === 0) break;
  }
  return parts;
}

/** <env>-bootstrap: the state bucket of an environment, deployed once before any other stack. */
export function bootstrapStackName(environment: string): string {
  return `${environment}-bootstrap`;
}

/** <env>-audit: the environment's CloudTrail, AWS Config and region-wide settings. */
export function auditStackName(environment: string): string {
  return `${environment}-audit`;
}

/** Every stack of an environment, upstream stacks before the stacks that read them. */
export function planStacks(config: ColossusConfig): StackPlan[] {
  const env = config.environment.name;
  const plans: StackPlan[] = [];
  // An S3 backend needs its bucket before any state can be stored; a local one needs nothing.
  if (config.environment.backend.type === 's3') plans.push({ layer: 'bootstrap', name: bootstrapStackName(env) });
  for (const cluster of config.clusters) {
    plans.push({ layer: 'network', name: stackName(env, cluster.id, 'network'), cluster });
    // Tenant VPCs and the Transit Gateway read the cluster VPC; compute reads the tenant subnets.
    if (cluster.tenants.length > 0) {
      plans.push({ layer: 'tenancy', name: stackName(env, cluster.id, 'tenancy'), cluster });
    }
    for (const hall of cluster.halls) {
      const sizes = splitUnits(hallComputeContents(), unitContents(config, cluster), hall.scalableUnits);
      const hallStack = hallPartName(env, cluster.id, 'compute', hall.id, 1);
      // Part 1 first: later parts read the hall's security groups from it.
      ranges(sizes).forEach((units, i) => {
        const part = i + 1;
        const name = hallPartName(env, cluster.id, 'compute', hall.id, part);
        plans.push({ layer: 'compute', name, cluster, hall, part, parts: sizes.length, units, hallStack });
      });
    }
    // Alerting holds the topics (and the cluster-wide power alarms); each hall's cooling monitors send to them.
    plans.push({ layer: 'alerting', name: stackName(env, cluster.id, 'alerting'), cluster });
    for (const hall of cluster.halls) {
      const sizes = splitUnits(hallMonitoringContents(config), cduContents(config), cluster.cooling.cdusPerHall);
      const hallParts = ranges(sizes).map((cdus, i) => ({
        name: hallPartName(env, cluster.id, 'monitoring', hall.id, i + 1),
        cdus,
      }));
      // Later parts first: part 1's "redundancy lost" composite reads their CDU alarm names.
      for (const part of [...hallParts.keys()].slice(1).concat(0)) {
        const { name, cdus } = hallParts[part]!;
        plans.push({ layer: 'monitoring', name, cluster, hall, part: part + 1, hallParts, cdus });
      }
    }
    // Tenants' capacity as it runs: reads the alerting topics; selects the SUs by tag, not by state.
    if (cluster.tenants.length > 0) {
      plans.push({ layer: 'capacity', name: stackName(env, cluster.id, 'capacity'), cluster });
    }
  }
  plans.push({ layer: 'audit', name: auditStackName(env) });
  return plans;
}
