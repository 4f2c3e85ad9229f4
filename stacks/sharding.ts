import type { ClusterConfig, ColossusConfig, HallConfig } from '../config/schema';

/**
 * The one place that decides how stacks are cut. Terraform plan time grows with the
 * resources in one state, so compute is sharded by hall: a change to one hall plans
 * only that hall, and no stack grows past MAX_RESOURCES_PER_STACK.
 */
export const MAX_RESOURCES_PER_STACK = 1000;

export type StackPlan =
  | { readonly layer: 'network'; readonly name: string; readonly cluster: ClusterConfig }
  | { readonly layer: 'compute'; readonly name: string; readonly cluster: ClusterConfig; readonly hall: HallConfig };

export type Layer = StackPlan['layer'];

/** <env>-<cluster>-<layer>[-<hall>] */
export function stackName(environment: string, cluster: string, layer: Layer, hall?: string): string {
  return [environment, cluster, layer, hall].filter(Boolean).join('-');
}

/** Every stack of an environment, upstream stacks before the stacks that read them. */
export function planStacks(config: ColossusConfig): StackPlan[] {
  const env = config.environment.name;
  const plans: StackPlan[] = [];
  for (const cluster of config.clusters) {
    plans.push({ layer: 'network', name: stackName(env, cluster.id, 'network'), cluster });
    for (const hall of cluster.halls) {
      plans.push({ layer: 'compute', name: stackName(env, cluster.id, 'compute', hall.id), cluster, hall });
    }
  }
  return plans;
}
