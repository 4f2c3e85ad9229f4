import { clusterCapacity } from '../config/capacity';
import { INSTANCE_TYPES } from '../config/instance-types';
import type { ClusterConfig, ColossusConfig } from '../config/schema';
import { efaInterfaces } from '../constructs/compute/efa-interfaces';
import { addContents, scaleContents, type StackContents } from './plan-cost';
import type { StackPlan } from './sharding';

/**
 * What each stack will hold, by resource type, from config alone: the size check and the plan
 * cost estimate run on it in milliseconds, before a construct is built. The counts mirror the
 * constructs; test/stacks/environments.test.ts holds them equal to the synthesized stacks of
 * every real environment, type by type.
 */

type Counts = Record<string, number>;

const of = (resources: Counts, blocks: Counts = {}): StackContents => addContents({ resources, blocks });

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

/** A VPC flow log: log group, KMS key and alias, delivery role with its boundary and policy, the flow log. */
const FLOW_LOG = of({
  aws_cloudwatch_log_group: 1,
  aws_kms_key: 1,
  aws_kms_alias: 1,
  aws_iam_policy: 1,
  aws_iam_role: 1,
  aws_iam_role_policy: 1,
  aws_flow_log: 1,
});

/** Node and EFA security groups with their rules (3 egress, 1 ingress). */
const SECURITY_GROUPS = of({
  aws_security_group: 2,
  aws_vpc_security_group_egress_rule: 3,
  aws_vpc_security_group_ingress_rule: 1,
});

/** A secure bucket: the bucket, versioning, encryption, public access block, ownership and its TLS-only policy. */
function secureBucket(bucketPolicy: number): StackContents {
  return of({
    aws_s3_bucket: 1,
    aws_s3_bucket_versioning: 1,
    aws_s3_bucket_server_side_encryption_configuration: 1,
    aws_s3_bucket_public_access_block: 1,
    aws_s3_bucket_ownership_controls: 1,
    aws_s3_bucket_policy: bucketPolicy,
  });
}

const KEY = of({ aws_kms_key: 1, aws_kms_alias: 1 });

/** One scalable unit of a cluster: every unit of a cluster is alike (tenant or spare differ only in references). */
export function unitContents(config: ColossusConfig, cluster: ClusterConfig): StackContents {
  const g = gaps(config);
  const nics = efaInterfaces(INSTANCE_TYPES[cluster.fabric.instanceType]).length;
  // A launch template and an ASG, plus: on demand, a placement group and a capacity
  // reservation; with Capacity Blocks, the unit's Capacity Reservation group.
  const capacity: Counts =
    cluster.fabric.capacity === 'on-demand-reservation'
      ? { aws_placement_group: g.placementGroup, aws_ec2_capacity_reservation: g.capacityReservation }
      : { aws_resourcegroups_group: g.capacityReservation };
  return of(
    { aws_launch_template: 1, aws_autoscaling_group: 1, ...capacity },
    { 'aws_launch_template.network_interfaces': nics },
  );
}

/** What a hall's compute holds besides its units: the spare SUs' node and EFA groups (in its first part). */
export function hallComputeContents(): StackContents {
  return SECURITY_GROUPS;
}

/** One CDU's monitors: seven alarms and, where composites exist, its "CDU down" composite. */
export function cduContents(config: ColossusConfig): StackContents {
  const g = gaps(config);
  return of({ aws_cloudwatch_metric_alarm: 7, aws_cloudwatch_composite_alarm: g.composites });
}

/** The hall's "redundancy lost" composite. */
export function hallMonitoringContents(config: ColossusConfig): StackContents {
  return of({ aws_cloudwatch_composite_alarm: gaps(config).composites });
}

export function stackContents(config: ColossusConfig, plan: StackPlan): StackContents {
  const g = gaps(config);
  switch (plan.layer) {
    case 'bootstrap': {
      // State key and alias, and the state bucket; with delivery, the GitHub OIDC provider (unless
      // the account has it), the plan role, its read policy and attachment, the deploy role, its
      // boundary and inline policy.
      const delivery = config.environment.delivery;
      const pipeline = delivery
        ? of({
            aws_iam_openid_connect_provider: delivery.createOidcProvider ? 1 : 0,
            aws_iam_role: 2,
            aws_iam_policy: 2,
            aws_iam_role_policy_attachment: 1,
            aws_iam_role_policy: 1,
          })
        : of({});
      return addContents(KEY, secureBucket(g.bucketPolicy), pipeline);
    }
    case 'audit': {
      // The trail's key and alias, its log bucket and access-log bucket (each with a policy
      // CloudTrail and S3 logging need), bucket logging and the trail; the Config role (with the
      // AWS managed policy unless the emulator lacks it), recorder, delivery channel and status;
      // EBS encryption by default.
      const managedPolicy = config.environment.emulatorGaps.includes('aws-managed-policies') ? 0 : 1;
      return addContents(
        KEY,
        scaleContents(secureBucket(1), 2),
        of({
          aws_s3_bucket_logging: 1,
          aws_cloudtrail: 1,
          aws_iam_role: 1,
          aws_iam_role_policy_attachment: managedPolicy,
          aws_config_configuration_recorder: 1,
          aws_config_delivery_channel: 1,
          aws_config_configuration_recorder_status: 1,
          aws_ebs_encryption_by_default: 1,
        }),
      );
    }
    case 'network': {
      // VPC, default security group, S3 endpoint, flow log; per hall: fabric block
      // association, front-end and fabric subnets, their route tables and associations.
      const h = plan.cluster.halls.length;
      return addContents(
        of({ aws_vpc: 1, aws_default_security_group: 1, aws_vpc_endpoint: 1 }),
        FLOW_LOG,
        of({
          aws_vpc_ipv4_cidr_block_association: h,
          aws_subnet: 2 * h,
          aws_route_table: 2 * h,
          aws_route_table_association: 2 * h,
        }),
      );
    }
    case 'tenancy': {
      const { cluster } = plan;
      const t = cluster.tenants.length;
      const h = cluster.halls.length;
      const subnets = cluster.tenants.reduce((sum, tenant) => sum + tenant.allocations.length, 0);
      // Transit Gateway; shared-services and per-tenant route tables, associations, attachments;
      // per tenant a propagation and a route per tenant (its own, blackholes to the others).
      const hub = of({
        aws_ec2_transit_gateway: 1,
        aws_ec2_transit_gateway_route_table: t + 1,
        aws_ec2_transit_gateway_route_table_association: t + 1,
        aws_ec2_transit_gateway_vpc_attachment: t + 1,
        aws_ec2_transit_gateway_route_table_propagation: t,
        aws_ec2_transit_gateway_route: t * t,
      });
      // Per tenant: VPC, default SG, route table, S3 endpoint, NACL; a flow log; the tenant role
      // with its boundary and policy; data key and alias; the data bucket; node and EFA groups
      // with their rules.
      const perTenant = addContents(
        of({ aws_vpc: 1, aws_default_security_group: 1, aws_route_table: 1, aws_vpc_endpoint: 1, aws_network_acl: 1 }),
        FLOW_LOG,
        of({ aws_iam_policy: 1, aws_iam_role: 1, aws_iam_role_policy: 1 }),
        KEY,
        secureBucket(g.bucketPolicy),
        SECURITY_GROUPS,
      );
      // Per owner (each tenant, and the spare pool): what its GPU nodes run as, a parameter with
      // their agent configuration, the role with its boundary and policy, the instance profile.
      const gpuNodes = of({
        aws_ssm_parameter: 1,
        aws_iam_policy: 1,
        aws_iam_role: 1,
        aws_iam_role_policy: 1,
        aws_iam_instance_profile: 1,
      });
      // NACL rules: allow in and out, deny in and out per other tenant. Routes: one to shared
      // services in the tenant VPC, one return route per cluster hall. Per subnet: the subnet,
      // its route table and NACL associations.
      return addContents(
        hub,
        scaleContents(perTenant, t),
        scaleContents(gpuNodes, t + 1),
        of({
          aws_network_acl_rule: 2 * t * t,
          aws_route: t * (1 + h),
          aws_subnet: subnets,
          aws_route_table_association: subnets,
          aws_network_acl_association: subnets,
        }),
      );
    }
    case 'compute': {
      const units = scaleContents(unitContents(config, plan.cluster), plan.units.count);
      return plan.part === 1 ? addContents(hallComputeContents(), units) : units;
    }
    case 'alerting': {
      // Topic key and alias, two topics and their policies, the dashboard; per feed its alarms.
      const feeds = plan.cluster.power.feeds.length;
      return addContents(
        KEY,
        of({
          aws_sns_topic: 2,
          aws_sns_topic_policy: 2,
          aws_cloudwatch_dashboard: 1,
          aws_cloudwatch_metric_alarm: 6 * feeds,
          aws_cloudwatch_composite_alarm: g.composites,
        }),
      );
    }
    case 'monitoring': {
      const cdus = scaleContents(cduContents(config), plan.cdus.count);
      return plan.part === 1 ? addContents(hallMonitoringContents(config), cdus) : cdus;
    }
    case 'capacity': {
      // Per tenant 4 contract and SLO alarms, 3 node-health alarms and a dashboard; per hall
      // with tenant SUs 2 alarms; the spare pool's 3 node-health alarms (capacity-stack.ts).
      const capacity = clusterCapacity(plan.cluster);
      const t = capacity.tenants.length;
      const halls = capacity.halls.filter((h) => h.largestSingleLossGpus > 0).length;
      const spare = capacity.halls.some((h) => h.spareUnits > 0) ? 1 : 0;
      return of({ aws_cloudwatch_metric_alarm: 7 * t + 2 * halls + 3 * spare, aws_cloudwatch_dashboard: t });
    }
  }
}
