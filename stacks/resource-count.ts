import type { ClusterConfig, ColossusConfig } from '../config/schema';
import { MAX_RESOURCES_PER_STACK, planStacks, type StackPlan } from './sharding';

/**
 * How many Terraform resources each stack will hold, from config alone, so an environment
 * too large for one state is refused in milliseconds, before a construct is built. The
 * counts mirror the constructs; test/stacks/resource-count.test.ts holds them equal to the
 * synthesized stacks of dev, staging and prod.
 */

interface Counts {
  /** The config field to change when the stack is too large. */
  readonly path: (string | number)[];
  readonly count: number;
}

/** A VPC flow log: log group, KMS key and alias, delivery role and its policy, the flow log. */
const FLOW_LOG = 6;
/** Node and EFA security groups with their rules (3 egress, 1 ingress). */
const SECURITY_GROUPS = 6;
const FEED_ALARMS = 6;
const CDU_ALARMS = 7;

function gaps(config: ColossusConfig) {
  const lacks = (gap: (typeof config.environment.emulatorGaps)[number]) =>
    config.environment.emulatorGaps.includes(gap);
  return {
    composites: lacks('composite-alarms') ? 0 : 1,
    placementGroup: lacks('cluster-placement-groups') ? 0 : 1,
    capacityReservation: lacks('capacity-reservations') ? 0 : 1,
    bucketPolicy: lacks('tls-only-bucket-policies') ? 0 : 1,
  };
}

/** A secure bucket: the bucket, versioning, encryption, public access block, ownership and its TLS-only policy. */
function secureBucket(bucketPolicy: number): number {
  return 5 + bucketPolicy;
}

export function stackResourceCount(config: ColossusConfig, plan: StackPlan): Counts {
  const g = gaps(config);
  if (plan.layer === 'bootstrap') {
    // State key and alias, and the state bucket.
    return { path: ['environment', 'backend'], count: 2 + secureBucket(g.bucketPolicy) };
  }
  if (plan.layer === 'audit') {
    // The trail's key and alias, its log bucket and access-log bucket (each with a policy
    // CloudTrail and S3 logging need), bucket logging and the trail; the Config role (with the
    // AWS managed policy unless the emulator lacks it), recorder, delivery channel and status;
    // EBS encryption by default.
    const managedPolicy = config.environment.emulatorGaps.includes('aws-managed-policies') ? 0 : 1;
    return { path: ['environment'], count: 2 + 2 * secureBucket(1) + 2 + 1 + managedPolicy + 3 + 1 };
  }
  const cluster: ClusterConfig = plan.cluster;
  const c = config.clusters.indexOf(cluster);
  switch (plan.layer) {
    case 'network': {
      // VPC, default security group, S3 endpoint, flow log; per hall: fabric block
      // association, front-end and fabric subnets, their route tables and associations.
      const halls = cluster.halls.length;
      return { path: ['clusters', c, 'halls'], count: 3 + FLOW_LOG + 7 * halls };
    }
    case 'tenancy': {
      const t = cluster.tenants.length;
      const h = cluster.halls.length;
      const subnets = cluster.tenants.reduce((sum, tenant) => sum + tenant.allocations.length, 0);
      // Transit Gateway; shared-services and per-tenant route tables, associations, attachments;
      // per tenant a propagation and a route per tenant (its own, blackholes to the others).
      const hub = 1 + 3 * (t + 1) + t + t * t;
      // Per tenant: VPC, default SG, route table, S3 endpoint, NACL; a flow log whose role has a
      // boundary; the tenant role with its boundary and policy; data key and alias; the data
      // bucket; node and EFA groups with their rules.
      const perTenant = 5 + (FLOW_LOG + 1) + 3 + 2 + secureBucket(g.bucketPolicy) + SECURITY_GROUPS;
      // NACL rules: allow in and out, deny in and out per other tenant. Routes: one to shared
      // services in the tenant VPC, one return route per cluster hall. Per subnet: the subnet,
      // its route table and NACL associations.
      const count = hub + t * perTenant + 2 * t * t + t * (1 + h) + 3 * subnets;
      return { path: ['clusters', c, 'tenants'], count };
    }
    case 'compute': {
      const h = cluster.halls.indexOf(plan.hall);
      // A launch template and an ASG, plus: on demand, a placement group and a capacity
      // reservation; with Capacity Blocks, the unit's Capacity Reservation group.
      const perUnit =
        cluster.fabric.capacity === 'on-demand-reservation'
          ? 2 + g.placementGroup + g.capacityReservation
          : 2 + g.capacityReservation;
      return {
        path: ['clusters', c, 'halls', h, 'scalableUnits'],
        count: SECURITY_GROUPS + plan.hall.scalableUnits * perUnit,
      };
    }
    case 'alerting': {
      // Topic key and alias, two topics and their policies, the dashboard; per feed its alarms.
      const count = 2 + 4 + 1 + cluster.power.feeds.length * FEED_ALARMS + g.composites;
      return { path: ['clusters', c, 'power', 'feeds'], count };
    }
    case 'monitoring': {
      const cdus = cluster.cooling.cdusPerHall;
      return {
        path: ['clusters', c, 'cooling', 'cdusPerHall'],
        count: cdus * (CDU_ALARMS + g.composites) + g.composites,
      };
    }
  }
}

/** Each stack's name and resource count, in plan order. */
export function stackResourceCounts(
  config: ColossusConfig,
): { name: string; path: (string | number)[]; count: number }[] {
  return planStacks(config).map((plan) => ({ name: plan.name, ...stackResourceCount(config, plan) }));
}

/** Stacks that would exceed MAX_RESOURCES_PER_STACK, as config problems. */
export function oversizedStacks(config: ColossusConfig): { path: (string | number)[]; message: string }[] {
  return stackResourceCounts(config)
    .filter((s) => s.count > MAX_RESOURCES_PER_STACK)
    .map((s) => ({
      path: s.path,
      message: `makes stack ${s.name} ${s.count} resources, over the limit of ${MAX_RESOURCES_PER_STACK} per stack (rule: stack size; Terraform plan time grows with the resources in one state); split the hall or reduce it`,
    }));
}
