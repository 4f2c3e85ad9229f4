import type { ClusterConfig, ColossusConfig, HallConfig } from '../config/schema';

/**
 * The one place that decides how stacks are cut. Terraform plan time grows with the
 * resources in one state, so compute is sharded by hall: a change to one hall plans
 * only that hall, and no stack grows past MAX_RESOURCES_PER_STACK.
 */
export const MAX_RESOURCES_PER_STACK = 1000;

export type StackPlan =
  | { readonly layer: 'bootstrap'; readonly name: string }
  | { readonly layer: 'network'; readonly name: string; readonly cluster: ClusterConfig }
  | { readonly layer: 'tenancy'; readonly name: string; readonly cluster: ClusterConfig }
  | { readonly layer: 'compute'; readonly name: string; readonly cluster: ClusterConfig; readonly hall: HallConfig }
  | { readonly layer: 'alerting'; readonly name: string; readonly cluster: ClusterConfig }
  | { readonly layer: 'monitoring'; readonly name: string; readonly cluster: ClusterConfig; readonly hall: HallConfig }
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
      plans.push({ layer: 'compute', name: stackName(env, cluster.id, 'compute', hall.id), cluster, hall });
    }
    // Alerting holds the topics (and the cluster-wide power alarms); each hall's cooling monitors send to them.
    plans.push({ layer: 'alerting', name: stackName(env, cluster.id, 'alerting'), cluster });
    for (const hall of cluster.halls) {
      plans.push({ layer: 'monitoring', name: stackName(env, cluster.id, 'monitoring', hall.id), cluster, hall });
    }
  }
  plans.push({ layer: 'audit', name: auditStackName(env) });
  return plans;
}
