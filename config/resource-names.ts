import { clusterCapacity } from './capacity';
import { gpuNodeRoleName, tenantAccountNames } from './account-names';
import { NAME_RULES, nameProblems, type NameKind } from './aws-limits';
import { cduIds } from './cooling';
import type { ColossusConfig } from './schema';
import { auditBucketNames, deliveryNames } from './account-names';

/**
 * Every name the stacks give an AWS resource, derived from config in one place so the config
 * rules check exactly the names that will be created (test/config/resource-names.test.ts
 * compares them with a synthesized environment). Each name carries the config field that
 * shapes it, for the error message.
 */
export interface ResourceName {
  readonly kind: NameKind;
  readonly name: string;
  /** The config field to change to fix the name. */
  readonly path: (string | number)[];
}

/** Alarm signals of one feed (constructs/power/feed-monitor.ts) and one CDU (constructs/cooling/cdu-monitor.ts). */
export const FEED_ALARM_SIGNALS = [
  'load-warn',
  'load-critical',
  'ups-on-battery',
  'battery-charge-warn',
  'battery-charge-critical',
  'breaker-tripped',
] as const;
/** The capacity stack's alarm suffixes (constructs/capacity/*). */
export const HALL_CAPACITY_ALARMS = ['spare-pool-short', 'reservation-unplaced'] as const;
export const TENANT_CAPACITY_ALARMS = [
  'below-contract',
  'spare-not-covering',
  'slo-fast-burn',
  'slo-slow-burn',
] as const;
export const NODE_HEALTH_ALARMS = ['su-gpus-silent', 'gpus-silent', 'gpu-hot'] as const;

export const CDU_ALARM_SIGNALS = [
  'supply-temp-warn',
  'supply-temp-critical',
  'return-temp-warn',
  'return-temp-critical',
  'flow-low',
  'delta-t-high',
  'leak',
] as const;

/** The names a VPC flow log builds from its owner's name (constructs/network/flow-log.ts). */
function flowLogNames(base: string, path: (string | number)[]): ResourceName[] {
  return [
    { kind: 'logGroup', name: `/colossus/flow-logs/${base}`, path },
    { kind: 'kmsAlias', name: `alias/${base}-flow-logs`, path },
    { kind: 'iamPolicy', name: `${base}-flow-logs-boundary`, path },
    { kind: 'iamRole', name: `${base}-flow-logs`, path },
  ];
}

/** The role and boundary of one owner's GPU nodes (constructs/compute/gpu-node-role.ts). */
function gpuNodeNames(
  environment: string,
  clusterId: string,
  owner: string,
  path: (string | number)[],
): ResourceName[] {
  const role = gpuNodeRoleName(environment, clusterId, owner);
  return [
    { kind: 'iamRole', name: role, path },
    { kind: 'iamPolicy', name: `${role}-boundary`, path },
  ];
}

/**
 * every: list each SU's names. By default only the first and last SU of a hall are listed:
 * the others differ only in the number, and the last is the longest, so the checks stay fast
 * for any hall size.
 */
export function resourceNames(config: ColossusConfig, options: { everyUnit?: boolean } = {}): ResourceName[] {
  const env = config.environment;
  const names: ResourceName[] = [];
  if (env.backend.type === 's3') {
    const path = ['environment', 'backend', 'bucket'];
    names.push({ kind: 's3Bucket', name: env.backend.bucket, path });
    names.push({ kind: 'kmsAlias', name: `alias/${env.backend.bucket}`, path });
    if (env.delivery) {
      // The delivery roles and policies of the bootstrap stack (constructs/delivery/).
      const delivery = deliveryNames(env.name);
      const at = ['environment', 'name'];
      names.push(
        { kind: 'iamRole', name: delivery.planRole, path: at },
        { kind: 'iamPolicy', name: delivery.planPolicy, path: at },
        { kind: 'iamRole', name: delivery.deployRole, path: at },
        { kind: 'iamPolicy', name: delivery.deployBoundary, path: at },
      );
    }
  }
  // The audit stack (<env>-audit): the trail's and access logs' buckets, the trail key's alias and
  // the Config recorder's role.
  {
    const path = ['environment', 'name'];
    const audit = auditBucketNames(env.name, env.accountId);
    names.push(
      { kind: 's3Bucket', name: audit.trail, path },
      { kind: 's3Bucket', name: audit.accessLogs, path },
      { kind: 'kmsAlias', name: `alias/${env.name}-audit-trail`, path },
      { kind: 'iamRole', name: `${env.name}-audit-config`, path },
    );
  }
  const composites = !env.emulatorGaps.includes('composite-alarms');
  const placementGroups = !env.emulatorGaps.includes('cluster-placement-groups');
  const reservations = !env.emulatorGaps.includes('capacity-reservations');
  config.clusters.forEach((cluster, c) => {
    const prefix = `${env.name}-${cluster.id}`;
    const clusterPath = ['clusters', c, 'id'];
    // Network stack.
    names.push(...flowLogNames(prefix, clusterPath));
    // Tenancy stack.
    cluster.tenants.forEach((tenant, t) => {
      const path = ['clusters', c, 'tenants', t, 'id'];
      const account = tenantAccountNames(env.name, tenant.id, env.accountId);
      names.push(
        { kind: 'iamRole', name: account.role, path },
        { kind: 'iamPolicy', name: `${account.role}-boundary`, path },
        { kind: 'kmsAlias', name: `alias/${account.keyAlias}`, path },
        { kind: 's3Bucket', name: account.bucket, path },
        { kind: 'securityGroup', name: `${prefix}-${tenant.id}-efa`, path },
        { kind: 'securityGroup', name: `${prefix}-${tenant.id}-node`, path },
        // The tenant flow-log role (64-character limit) is the longest name a tenant id shapes.
        ...flowLogNames(`${prefix}-${tenant.id}`, path),
        ...gpuNodeNames(env.name, cluster.id, tenant.id, path),
      );
    });
    // The spare pool's GPU nodes ("unallocated", a reserved tenant id).
    names.push(...gpuNodeNames(env.name, cluster.id, 'unallocated', clusterPath));
    // Compute stacks, per SU: a launch template and an ASG, with a placement group (capacity
    // reserved on demand) or a Capacity Reservation group (Capacity Blocks bought outside Terraform).
    const onDemand = cluster.fabric.capacity === 'on-demand-reservation';
    cluster.halls.forEach((hall, h) => {
      const path = ['clusters', c, 'halls', h, 'id'];
      names.push(
        { kind: 'securityGroup', name: `${prefix}-${hall.id}-efa`, path },
        { kind: 'securityGroup', name: `${prefix}-${hall.id}-node`, path },
      );
      const units = Array.from({ length: hall.scalableUnits }, (_, i) => i).filter(
        (i) => options.everyUnit || i === 0 || i === hall.scalableUnits - 1,
      );
      for (const i of units) {
        const unit = `${prefix}-${hall.id}-su-${String(i).padStart(3, '0')}`;
        if (onDemand && placementGroups) names.push({ kind: 'placementGroup', name: unit, path });
        if (!onDemand && reservations) names.push({ kind: 'resourceGroup', name: unit, path });
        names.push({ kind: 'launchTemplate', name: unit, path }, { kind: 'autoScalingGroup', name: unit, path });
      }
    });
    // Alerting stack: topics, feed alarms, the redundancy page, the dashboard.
    names.push(
      { kind: 'kmsAlias', name: `alias/${prefix}-alerts`, path: clusterPath },
      { kind: 'snsTopic', name: `${prefix}-page`, path: clusterPath },
      { kind: 'snsTopic', name: `${prefix}-ticket`, path: clusterPath },
      { kind: 'dashboard', name: `${prefix}-facility`, path: clusterPath },
    );
    cluster.power.feeds.forEach((feed, f) => {
      const path = ['clusters', c, 'power', 'feeds', f, 'id'];
      for (const signal of FEED_ALARM_SIGNALS) {
        names.push({ kind: 'alarm', name: `${prefix}-power-${feed.id}-${signal}`, path });
      }
    });
    if (composites) names.push({ kind: 'alarm', name: `${prefix}-power-redundancy-lost`, path: clusterPath });
    // Monitoring stacks: every CDU's alarms and the hall's page.
    cluster.halls.forEach((hall, h) => {
      const path = ['clusters', c, 'halls', h, 'id'];
      for (const cdu of cduIds(cluster.cooling)) {
        for (const signal of CDU_ALARM_SIGNALS) {
          names.push({ kind: 'alarm', name: `${prefix}-${hall.id}-${cdu}-${signal}`, path });
        }
        if (composites) names.push({ kind: 'alarm', name: `${prefix}-${hall.id}-${cdu}-out-of-service`, path });
      }
      if (composites) names.push({ kind: 'alarm', name: `${prefix}-${hall.id}-cooling-redundancy-lost`, path });
    });
    // Capacity stack (stacks/capacity-stack.ts): per hall with tenant SUs, per tenant, the spare pool.
    if (cluster.tenants.length === 0) return;
    const capacity = clusterCapacity(cluster);
    capacity.halls.forEach((hall, h) => {
      if (hall.largestSingleLossGpus === 0) return;
      const path = ['clusters', c, 'halls', h, 'id'];
      for (const signal of HALL_CAPACITY_ALARMS)
        names.push({ kind: 'alarm', name: `${prefix}-${hall.hallId}-${signal}`, path });
    });
    const owners = cluster.tenants.map((t, i) => ({
      id: t.id,
      path: ['clusters', c, 'tenants', i, 'id'],
      tenant: true,
    }));
    if (capacity.halls.some((h) => h.spareUnits > 0))
      owners.push({ id: 'unallocated', path: clusterPath, tenant: false });
    for (const owner of owners) {
      const signals = owner.tenant ? [...TENANT_CAPACITY_ALARMS, ...NODE_HEALTH_ALARMS] : NODE_HEALTH_ALARMS;
      for (const signal of signals)
        names.push({ kind: 'alarm', name: `${prefix}-${owner.id}-${signal}`, path: owner.path });
      if (owner.tenant) names.push({ kind: 'dashboard', name: `${prefix}-${owner.id}-capacity`, path: owner.path });
    }
  });
  return names;
}

/** Each built name that breaks an AWS naming rule, reported once per name at the field that shapes it. */
export function checkResourceNames(config: ColossusConfig): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  for (const { kind, name, path } of resourceNames(config)) {
    const key = `${kind}:${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const broken = nameProblems(kind, name);
    if (broken.length > 0) {
      problems.push({ path, message: `makes the ${NAME_RULES[kind].what} "${name}", which ${broken.join('; ')}` });
    }
  }
  return problems;
}
