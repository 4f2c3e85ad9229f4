import { RULES } from '../../policy/rules';
import { CAPACITY_BENIGN, CAPACITY_CANARIES } from '../compliance/canaries/capacity';
import type { RuleContext } from '../../policy/model';
import type { SynthesizedStackJson } from '../../policy/stack-model';
import { goodKey, keyPolicy, model, ref, rowsOf, type Resources } from './fixtures';

const KEY = ref('aws_kms_key', 'k', 'arn');
const tenants: RuleContext = { tenants: new Map([['lab-alpha', 'confidential']]) };

const bucket = (extra: Record<string, unknown> = {}) => ({
  b: { bucket: 'data', lifecycle: { prevent_destroy: true }, ...extra },
});
const BUCKET = ref('aws_s3_bucket', 'b');
const tlsPolicy = JSON.stringify({
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});
const scoped = (action: string | string[], resource: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });
const goodTrail = {
  name: 't',
  s3_bucket_name: BUCKET,
  is_multi_region_trail: true,
  include_global_service_events: true,
  enable_log_file_validation: true,
  kms_key_id: KEY,
  event_selector: [
    {
      read_write_type: 'All',
      include_management_events: true,
      data_resource: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::tenant-data/'] }],
    },
  ],
};
const lt = (extra: Record<string, unknown>) => ({
  aws_launch_template: {
    lt: { name: 'lt', metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 }, ...extra },
  },
});
const allTags = { environment: 'e', cluster: 'c', owner: 'o', 'data-classification': 'internal' };
const alarm = (name: string, metric: string, dims: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  alarm_name: name,
  metric_name: metric,
  namespace: 'Colossus/Facility',
  dimensions: dims,
  treat_missing_data: 'breaching',
  alarm_actions: [ref('aws_sns_topic', 't', 'arn')],
  ...extra,
});
const topic = { aws_sns_topic: { t: { name: 't', kms_master_key_id: KEY } }, aws_kms_key: { k: goodKey } };
const cduAlarms = (metrics: string[]) =>
  Object.fromEntries(
    metrics.map((m) => [`cdu-1-${m}`, alarm(`hall-a cdu-1 ${m}`, m, { Cluster: 'c', Hall: 'a', Cdu: 'cdu-1' })]),
  );
const feedAlarms = (metrics: string[]) =>
  Object.fromEntries(metrics.map((m) => [`feed-a-${m}`, alarm(`feed-a ${m}`, m, { Cluster: 'c', Feed: 'feed-a' })]));
const CDU_METRICS = ['SupplyTemperature', 'ReturnTemperature', 'CoolantFlow', 'DeltaT', 'LeakDetected'];
const FEED_METRICS = ['LoadPercent', 'UpsOnBattery', 'BatteryStateOfCharge', 'BreakerTrips'];

interface Case {
  readonly bad: Resources;
  readonly good: Resources;
  readonly context?: RuleContext;
  readonly extraBad?: Partial<SynthesizedStackJson>;
  readonly extraGood?: Partial<SynthesizedStackJson>;
}

/** For every rule: a small stack that breaks it and one that keeps it. */
const CASES: Record<string, Case> = {
  'CLX-ENC-001': {
    bad: { aws_kms_key: { k: { ...goodKey, enable_key_rotation: false } } },
    good: { aws_kms_key: { k: goodKey } },
  },
  'CLX-ENC-002': {
    bad: { aws_kms_key: { k: { ...goodKey, policy: undefined } } },
    good: { aws_kms_key: { k: goodKey } },
  },
  'CLX-ENC-003': {
    bad: {
      aws_kms_key: {
        k: {
          ...goodKey,
          policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] }),
        },
      },
    },
    good: { aws_kms_key: { k: goodKey } },
  },
  'CLX-ENC-004': {
    bad: { aws_sns_topic: { t: { name: 't', kms_master_key_id: 'alias/aws/sns' } } },
    good: { aws_sns_topic: { t: { name: 't', kms_master_key_id: KEY } }, aws_kms_key: { k: goodKey } },
  },
  'CLX-ENC-005': {
    bad: {
      aws_s3_bucket: bucket(),
      aws_s3_bucket_server_side_encryption_configuration: {
        e: { bucket: BUCKET, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
      },
    },
    good: {
      aws_kms_key: { k: goodKey },
      aws_s3_bucket: bucket(),
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: BUCKET,
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY } }],
        },
      },
    },
  },
  'CLX-ENC-006': {
    bad: { aws_cloudwatch_log_group: { g: { name: 'g' } } },
    good: { aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: KEY } }, aws_kms_key: { k: goodKey } },
  },
  'CLX-ENC-007': {
    bad: lt({ block_device_mappings: [{ device_name: '/dev/xvda', ebs: { volume_size: 10, encrypted: 'false' } }] }),
    good: lt({ block_device_mappings: [{ device_name: '/dev/xvda', ebs: { volume_size: 10, encrypted: 'true' } }] }),
  },
  'CLX-ENC-008': {
    bad: { aws_ebs_volume: { v: { size: 10 } } },
    good: { aws_ebs_volume: { v: { size: 10, encrypted: true } } },
  },
  'CLX-ENC-009': {
    bad: {},
    good: {},
    extraBad: { terraform: { backend: { s3: { bucket: 'state', key: 'x' } } } },
    extraGood: { terraform: { backend: { s3: { bucket: 'state', key: 'x', encrypt: true } } } },
  },
  'CLX-ENC-010': {
    bad: {
      aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: 'arn:aws:kms:us-east-1:111111111111:alias/aws/logs' } },
    },
    good: { aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: KEY } }, aws_kms_key: { k: goodKey } },
  },
  'CLX-NET-001': {
    bad: {
      aws_vpc_security_group_ingress_rule: {
        r: { cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
      },
    },
    good: {
      aws_vpc_security_group_ingress_rule: {
        r: { cidr_ipv4: '10.0.0.0/16', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
      },
    },
  },
  'CLX-NET-002': {
    bad: {
      aws_network_acl_rule: {
        r: {
          rule_action: 'allow',
          egress: false,
          protocol: 'tcp',
          from_port: 22,
          to_port: 22,
          cidr_block: '0.0.0.0/0',
        },
      },
    },
    good: {
      aws_network_acl_rule: {
        r: {
          rule_action: 'allow',
          egress: false,
          protocol: 'tcp',
          from_port: 22,
          to_port: 22,
          cidr_block: '10.0.0.0/8',
        },
      },
    },
  },
  'CLX-NET-003': {
    bad: { aws_subnet: { s: { cidr_block: '10.0.0.0/24', map_public_ip_on_launch: true } } },
    good: { aws_subnet: { s: { cidr_block: '10.0.0.0/24', map_public_ip_on_launch: false } } },
  },
  'CLX-NET-004': {
    bad: lt({ network_interfaces: [{ device_index: 0, associate_public_ip_address: 'true' }] }),
    good: lt({ network_interfaces: [{ device_index: 0, associate_public_ip_address: 'false' }] }),
  },
  'CLX-NET-005': {
    bad: {
      aws_vpc: { v: { cidr_block: '10.0.0.0/16' } },
      aws_default_security_group: {
        d: { vpc_id: ref('aws_vpc', 'v'), ingress: [{ protocol: '-1', self: true, from_port: 0, to_port: 0 }] },
      },
    },
    good: {
      aws_vpc: { v: { cidr_block: '10.0.0.0/16' } },
      aws_default_security_group: { d: { vpc_id: ref('aws_vpc', 'v') } },
    },
  },
  'CLX-NET-006': {
    bad: { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } },
    good: {
      aws_vpc: { v: { cidr_block: '10.0.0.0/16' } },
      aws_flow_log: { f: { vpc_id: ref('aws_vpc', 'v'), traffic_type: 'ALL' } },
    },
  },
  'CLX-NET-007': {
    bad: { aws_flow_log: { f: { vpc_id: 'vpc-1', traffic_type: 'REJECT' } } },
    good: { aws_flow_log: { f: { vpc_id: 'vpc-1', traffic_type: 'ALL' } } },
  },
  'CLX-NET-008': {
    bad: { aws_security_group: { s: { name: 's' } } },
    good: { aws_security_group: { s: { name: 's', description: 'GPU nodes' } } },
  },
  'CLX-NET-009': {
    bad: {
      aws_vpc_security_group_egress_rule: { r: { cidr_ipv4: '0.0.0.0/0', ip_protocol: '-1', description: 'all' } },
    },
    good: {
      aws_vpc_security_group_egress_rule: {
        r: { cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
      },
    },
  },
  'CLX-NET-010': {
    bad: {
      aws_internet_gateway: { igw: { vpc_id: 'vpc-1' } },
      aws_route: {
        r: {
          route_table_id: 'rt',
          destination_cidr_block: '0.0.0.0/0',
          gateway_id: ref('aws_internet_gateway', 'igw'),
        },
      },
    },
    good: {
      aws_route: { r: { route_table_id: 'rt', destination_cidr_block: '10.8.0.0/16', transit_gateway_id: 'tgw-1' } },
    },
  },
  'CLX-NET-011': {
    bad: { aws_ec2_transit_gateway: { t: { description: 'hub' } } },
    good: {
      aws_ec2_transit_gateway: {
        t: {
          auto_accept_shared_attachments: 'disable',
          default_route_table_association: 'disable',
          default_route_table_propagation: 'disable',
        },
      },
    },
  },
  'CLX-IMD-001': {
    bad: lt({ metadata_options: { http_tokens: 'optional', http_put_response_hop_limit: 1 } }),
    good: lt({}),
  },
  'CLX-IMD-002': {
    bad: lt({ metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2 } }),
    good: lt({}),
  },
  'CLX-IAM-001': {
    bad: {
      aws_iam_policy: {
        p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
      },
    },
    good: {
      aws_iam_policy: {
        p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) },
      },
    },
  },
  'CLX-IAM-002': {
    bad: { aws_iam_role: { r: { name: 'r', assume_role_policy: '{}', tags: { tenant: 'lab-alpha' } } } },
    good: {
      aws_iam_role: {
        r: {
          name: 'r',
          assume_role_policy: '{}',
          tags: { tenant: 'lab-alpha' },
          permissions_boundary: ref('aws_iam_policy', 'b', 'arn'),
        },
      },
      aws_iam_policy: { b: { policy: scoped('s3:GetObject', 'arn:aws:s3:::data/*') } },
    },
  },
  'CLX-IAM-003': {
    bad: {
      aws_iam_role: {
        r: {
          assume_role_policy: JSON.stringify({
            Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
          }),
        },
      },
    },
    good: {
      aws_iam_role: {
        r: {
          assume_role_policy: JSON.stringify({
            Statement: [
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/x' }, Action: 'sts:AssumeRole' },
            ],
          }),
        },
      },
    },
  },
  'CLX-IAM-007': {
    bad: { aws_iam_policy: { p: { policy: scoped('iam:*', 'arn:aws:iam::111111111111:role/x') } } },
    good: { aws_iam_policy: { p: { policy: scoped('iam:GetRole', 'arn:aws:iam::111111111111:role/x') } } },
  },
  'CLX-IAM-008': {
    bad: { aws_iam_role_policy: { p: { role: 'r', policy: scoped('s3:GetObject', '*') } } },
    good: { aws_iam_role_policy: { p: { role: 'r', policy: scoped('sts:GetCallerIdentity', '*') } } },
  },
  'CLX-IAM-009': {
    bad: {
      aws_iam_policy: {
        p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }) },
      },
    },
    good: {
      aws_iam_policy: {
        p: { policy: JSON.stringify({ Statement: [{ Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }] }) },
      },
    },
  },
  'CLX-IAM-010': {
    bad: {
      aws_iam_policy: {
        p: { policy: scoped(['iam:PassRole', 'ec2:RunInstances'], 'arn:aws:iam::111111111111:role/x') },
      },
    },
    good: { aws_iam_policy: { p: { policy: scoped(['iam:GetRole'], 'arn:aws:iam::111111111111:role/x') } } },
  },
  'CLX-IAM-011': {
    bad: { aws_iam_role: { r: { name: 'r', assume_role_policy: '{}' } } },
    good: {
      aws_iam_role: {
        r: { name: 'r', assume_role_policy: '{}', permissions_boundary: 'arn:aws:iam::111111111111:policy/b' },
      },
    },
  },
  'CLX-IAM-012': {
    bad: {
      aws_s3_bucket_policy: {
        p: {
          bucket: 'data',
          policy: JSON.stringify({
            Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
          }),
        },
      },
    },
    good: { aws_s3_bucket_policy: { p: { bucket: 'data', policy: tlsPolicy } } },
  },
  'CLX-IAM-013': {
    bad: { aws_iam_role: { r: { name: 'r', assume_role_policy: '{}', tags: { tenant: 'lab-beta' } } } },
    good: {
      aws_iam_role: {
        r: {
          name: 'r',
          assume_role_policy: '{}',
          tags: { tenant: 'lab-alpha' },
          permissions_boundary: ref('aws_iam_policy', 'b', 'arn'),
        },
      },
      aws_iam_policy: { b: { policy: scoped('s3:GetObject', 'arn:aws:s3:::data/*') } },
    },
    context: { tenants: new Map(), expected: () => ({ tenants: ['lab-alpha'] }) },
  },
  'CLX-MON-006': {
    bad: { aws_ec2_capacity_reservation: { c: {} }, aws_autoscaling_group: { a: { tag: [] } } },
    good: {
      aws_ec2_capacity_reservation: { c: {}, d: {} },
      aws_autoscaling_group: { a: { tag: [] }, b: { tag: [] } },
    },
    context: { tenants: new Map(), expected: () => ({ scalableUnits: 2 }) },
  },
  'CLX-AUD-001': {
    bad: { aws_cloudtrail: { t: { ...goodTrail, is_multi_region_trail: false } } },
    good: { aws_cloudtrail: { t: goodTrail } },
  },
  'CLX-AUD-002': {
    bad: { aws_cloudtrail: { t: { ...goodTrail, enable_log_file_validation: false } } },
    good: { aws_cloudtrail: { t: goodTrail } },
  },
  'CLX-AUD-003': {
    bad: { aws_cloudtrail: { t: { ...goodTrail, kms_key_id: undefined } } },
    good: { aws_cloudtrail: { t: goodTrail }, aws_kms_key: { k: goodKey } },
  },
  'CLX-AUD-004': {
    bad: { aws_cloudtrail: { t: goodTrail }, aws_s3_bucket: bucket() },
    good: {
      aws_cloudtrail: { t: goodTrail },
      aws_s3_bucket: { ...bucket(), l: { bucket: 'logs' } },
      aws_s3_bucket_logging: { g: { bucket: BUCKET, target_bucket: ref('aws_s3_bucket', 'l') } },
    },
  },
  'CLX-AUD-005': {
    bad: { aws_cloudtrail: { t: { ...goodTrail, event_selector: [{ read_write_type: 'All' }] } } },
    good: { aws_cloudtrail: { t: goodTrail } },
    context: { tenants: new Map(), expected: () => ({ audit: { tenantBuckets: ['tenant-data'] } }) },
  },
  'CLX-AUD-006': {
    bad: { aws_config_configuration_recorder: { r: { name: 'r', recording_group: { all_supported: true } } } },
    good: {
      aws_config_configuration_recorder: {
        r: { name: 'r', recording_group: { all_supported: true, include_global_resource_types: true } },
      },
      aws_config_delivery_channel: { c: { s3_bucket_name: 'b' } },
      aws_config_configuration_recorder_status: {
        s: { name: ref('aws_config_configuration_recorder', 'r', 'name'), is_enabled: true },
      },
    },
  },
  'CLX-AUD-007': {
    bad: { aws_ebs_encryption_by_default: { e: { enabled: false } } },
    good: { aws_ebs_encryption_by_default: { e: { enabled: true } } },
  },
  'CLX-IAM-004': {
    bad: {
      aws_iam_role: {
        r: {
          assume_role_policy: JSON.stringify({
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          }),
        },
      },
    },
    good: {
      aws_iam_role: {
        r: {
          assume_role_policy: JSON.stringify({
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'aws:SourceAccount': '1' } },
              },
            ],
          }),
        },
      },
    },
  },
  'CLX-IAM-005': {
    bad: {
      aws_iam_user_policy_attachment: { a: { user: 'alice', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
    },
    good: {
      aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
    },
  },
  'CLX-IAM-006': {
    bad: {
      aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
    },
    good: {
      aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
    },
  },
  'CLX-LIF-001': {
    bad: { aws_kms_key: { k: { ...goodKey, lifecycle: undefined } } },
    good: { aws_kms_key: { k: goodKey } },
  },
  'CLX-LIF-002': {
    bad: { aws_cloudwatch_log_group: { g: { name: 'g' } } },
    good: { aws_cloudwatch_log_group: { g: { name: 'g', lifecycle: { prevent_destroy: true } } } },
  },
  'CLX-LIF-003': { bad: { aws_s3_bucket: { b: { bucket: 'x' } } }, good: { aws_s3_bucket: bucket() } },
  'CLX-LIF-004': {
    bad: { aws_kms_key: { k: { ...goodKey, deletion_window_in_days: 7 } } },
    good: { aws_kms_key: { k: goodKey } },
  },
  'CLX-LIF-005': {
    bad: { aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 90 } } },
    good: { aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 365 } } },
  },
  'CLX-LIF-006': {
    bad: {
      aws_s3_bucket: bucket(),
      aws_s3_bucket_versioning: { v: { bucket: BUCKET, versioning_configuration: { status: 'Suspended' } } },
    },
    good: {
      aws_s3_bucket: bucket(),
      aws_s3_bucket_versioning: { v: { bucket: BUCKET, versioning_configuration: { status: 'Enabled' } } },
    },
  },
  'CLX-STO-001': {
    bad: {
      aws_s3_bucket: bucket(),
      aws_s3_bucket_public_access_block: { p: { bucket: BUCKET, block_public_acls: true } },
    },
    good: {
      aws_s3_bucket: bucket(),
      aws_s3_bucket_public_access_block: {
        p: {
          bucket: BUCKET,
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      },
    },
  },
  'CLX-STO-002': {
    bad: { aws_s3_bucket: bucket() },
    good: { aws_s3_bucket: bucket(), aws_s3_bucket_policy: { p: { bucket: BUCKET, policy: tlsPolicy } } },
  },
  'CLX-STO-003': {
    bad: {
      aws_s3_bucket: bucket(),
      aws_s3_bucket_ownership_controls: { o: { bucket: BUCKET, rule: { object_ownership: 'ObjectWriter' } } },
    },
    good: {
      aws_s3_bucket: bucket(),
      aws_s3_bucket_ownership_controls: { o: { bucket: BUCKET, rule: { object_ownership: 'BucketOwnerEnforced' } } },
    },
  },
  // Provider default tags carry all four; an auto scaling group gets none of them.
  'CLX-TAG-001': {
    bad: { aws_autoscaling_group: { a: { tag: [] } } },
    good: { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } },
  },
  'CLX-TAG-002': {
    bad: { aws_autoscaling_group: { a: { tag: [{ key: 'environment', value: 'e', propagate_at_launch: false }] } } },
    good: {
      aws_autoscaling_group: {
        a: { tag: Object.entries(allTags).map(([key, value]) => ({ key, value, propagate_at_launch: false })) },
      },
    },
  },
  'CLX-TAG-003': {
    bad: { aws_vpc: { v: { cidr_block: '10.0.0.0/16', tags: { owner: '' } } } },
    good: { aws_vpc: { v: { cidr_block: '10.0.0.0/16', tags: { owner: 'someone-else' } } } },
  },
  'CLX-TAG-004': {
    bad: { aws_vpc: { v: { cidr_block: '10.0.0.0/16', tags: { 'data-classification': 'secret-ish' } } } },
    good: { aws_vpc: { v: { cidr_block: '10.0.0.0/16', tags: { 'data-classification': 'restricted' } } } },
  },
  'CLX-TAG-005': {
    bad: { aws_vpc: { v: { cidr_block: '10.0.0.0/16', tags: { tenant: 'lab-alpha' } } } },
    good: {
      aws_vpc: {
        v: { cidr_block: '10.0.0.0/16', tags: { tenant: 'lab-alpha', 'data-classification': 'confidential' } },
      },
    },
    context: tenants,
  },
  'CLX-TAG-006': {
    bad: lt({ tag_specifications: [{ resource_type: 'instance', tags: { Name: 'x' } }] }),
    good: lt({ tag_specifications: ['instance', 'volume'].map((resource_type) => ({ resource_type, tags: allTags })) }),
  },
  'CLX-MON-001': {
    bad: { ...topic, aws_cloudwatch_metric_alarm: { a: alarm('x', 'm', {}, { alarm_actions: [] }) } },
    good: { ...topic, aws_cloudwatch_metric_alarm: { a: alarm('x', 'm', {}) } },
  },
  'CLX-MON-002': {
    bad: { ...topic, aws_cloudwatch_metric_alarm: cduAlarms(CDU_METRICS.filter((m) => m !== 'DeltaT')) },
    good: { ...topic, aws_cloudwatch_metric_alarm: cduAlarms(CDU_METRICS) },
  },
  'CLX-MON-003': {
    bad: { ...topic, aws_cloudwatch_metric_alarm: feedAlarms(FEED_METRICS.slice(1)) },
    good: { ...topic, aws_cloudwatch_metric_alarm: feedAlarms(FEED_METRICS) },
  },
  'CLX-MON-007': {
    bad: { aws_autoscaling_group: { g: { name: 'g', enabled_metrics: ['GroupTotalInstances'] } } },
    good: {
      aws_autoscaling_group: {
        g: {
          name: 'g',
          enabled_metrics: ['GroupInServiceInstances', 'GroupDesiredCapacity'],
          metrics_granularity: '1Minute',
        },
      },
    },
  },
  'CLX-MON-004': {
    bad: {
      aws_cloudwatch_metric_alarm: {
        a: alarm('leak', 'LeakDetected', { Cdu: 'c1' }, { treat_missing_data: 'notBreaching' }),
      },
    },
    good: { aws_cloudwatch_metric_alarm: { a: alarm('leak', 'LeakDetected', { Cdu: 'c1' }) } },
  },
  'CLX-MON-005': {
    bad: { aws_cloudwatch_metric_alarm: { a: alarm('leak', 'LeakDetected', { Cdu: 'c1' }, { namespace: 'AWS/EC2' }) } },
    good: { aws_cloudwatch_metric_alarm: { a: alarm('leak', 'LeakDetected', { Cdu: 'c1' }) } },
  },
  // The capacity rules: the synthesized dev capacity stack, and its first canary per rule.
  ...Object.fromEntries(
    [...new Set(CAPACITY_CANARIES.map((c) => c.rule))].map((rule) => {
      const bad = CAPACITY_CANARIES.find((c) => c.rule === rule)!;
      const good = CAPACITY_BENIGN[0]!;
      return [rule, { bad: bad.resources, good: good.resources, context: bad.context }];
    }),
  ),
};

describe('the rule pack', () => {
  it('has at least 30 rules, each with a unique stable id, controls and a rationale', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^CLX-(ENC|NET|IMD|IAM|LIF|STO|TAG|MON|AUD|CAP)-\d{3}$/);
      expect(rule.rationale.length).toBeGreaterThan(20);
      expect(rule.controls.nist.length).toBeGreaterThan(0);
      for (const id of rule.checkov) expect(id).toMatch(/^CKV2?_AWS_\d+$/);
    }
  });

  it('has a violating and a passing case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  describe.each(RULES.map((r) => [r.id, r.title] as const))('%s %s', (id) => {
    const c = CASES[id];
    it('fails a stack that breaks it, with the evidence', () => {
      const rows = rowsOf(id, model(c.bad, c.extraBad), c.context);
      const failed = rows.filter((r) => r.status === 'fail');
      expect(failed.length).toBeGreaterThan(0);
      for (const row of failed) {
        expect(row.evidence?.attribute).toBeTruthy();
        expect(row.address).not.toBe('-');
      }
    });
    it('passes a stack that keeps it', () => {
      const rows = rowsOf(id, model(c.good, c.extraGood), c.context);
      expect(rows.filter((r) => r.status === 'fail')).toEqual([]);
      expect(rows.filter((r) => r.status === 'pass').length).toBeGreaterThan(0);
    });
  });

  it('names the path of each KMS key argument it finds at any depth (CLX-ENC-010)', () => {
    const stack = model({
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: BUCKET,
          rule: [
            { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY } },
            {
              apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'alias/aws/s3' },
            },
          ],
        },
      },
      aws_sns_topic: { t: { name: 't', kms_master_key_id: 'alias/aws/sns' } },
    });
    expect(rowsOf('CLX-ENC-010', stack).map((r) => [r.address, r.evidence?.attribute, r.status])).toEqual([
      [
        'aws_s3_bucket_server_side_encryption_configuration.e',
        'rule[0].apply_server_side_encryption_by_default.kms_master_key_id',
        'pass',
      ],
      [
        'aws_s3_bucket_server_side_encryption_configuration.e',
        'rule[1].apply_server_side_encryption_by_default.kms_master_key_id',
        'fail',
      ],
      ['aws_sns_topic.t', 'kms_master_key_id', 'fail'],
    ]);
  });

  it('reports "not applicable" when a stack has none of the resources a rule reads', () => {
    for (const id of ['CLX-MON-001', 'CLX-MON-002', 'CLX-MON-003', 'CLX-IAM-002', 'CLX-NET-011']) {
      expect(rowsOf(id, model({ aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } })).map((r) => r.status)).toEqual([
        'not applicable',
      ]);
    }
  });

  it('follows a remote state output to an encrypted topic in the stack that exports it', () => {
    const alerting = model(
      { aws_sns_topic: { t: { kms_master_key_id: KEY } }, aws_kms_key: { k: goodKey } },
      { output: { page: { value: ref('aws_sns_topic', 't', 'arn') } } },
      'env-alerting',
    );
    const plain = model(
      { aws_sns_topic: { t: {} } },
      { output: { page: { value: ref('aws_sns_topic', 't', 'arn') } } },
      'env-alerting',
    );
    const monitoring = model(
      {
        aws_cloudwatch_metric_alarm: {
          a: alarm('x', 'm', {}, { alarm_actions: ['${data.terraform_remote_state.alerting.outputs.page}'] }),
        },
      },
      {
        data: {
          terraform_remote_state: {
            alerting: { backend: 'local', config: { path: '../../../.state/env/env-alerting.tfstate' } },
          },
        },
      },
      'env-monitoring',
    );
    const status = (other: typeof alerting) =>
      rowsOf('CLX-MON-001', monitoring, {
        tenants: new Map(),
        stack: (n) => (n === 'env-alerting' ? other : undefined),
      })[0].status;
    expect(status(alerting)).toBe('pass');
    expect(status(plain)).toBe('fail');
  });

  it('reads a delta-T alarm built from metric math by its name, not as supply or return', () => {
    const metrics = CDU_METRICS.filter((m) => m !== 'DeltaT');
    const deltaT = alarm(
      'hall-a cdu-1 delta-t',
      'unused',
      {},
      {
        metric_name: undefined,
        dimensions: undefined,
        metric_query: [
          {
            id: 's',
            metric: { metric_name: 'SupplyTemperature', namespace: 'Colossus/Facility', dimensions: { Cdu: 'cdu-1' } },
          },
          {
            id: 'r',
            metric: { metric_name: 'ReturnTemperature', namespace: 'Colossus/Facility', dimensions: { Cdu: 'cdu-1' } },
          },
          { id: 'd', expression: 'r - s', return_data: true },
        ],
      },
    );
    const rows = rowsOf(
      'CLX-MON-002',
      model({ ...topic, aws_cloudwatch_metric_alarm: { ...cduAlarms(metrics), d: deltaT } }),
    );
    expect(rows.map((r) => r.status)).toEqual(['pass']);
  });

  it('fails a trust in a whole account without a condition, and passes one narrowed by a condition', () => {
    const trust = (condition?: object) =>
      model({
        aws_iam_role: {
          r: {
            assume_role_policy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::111111111111:root' },
                  Action: 'sts:AssumeRole',
                  Condition: condition,
                },
              ],
            }),
          },
        },
      });
    expect(rowsOf('CLX-IAM-003', trust())[0].status).toBe('fail');
    expect(rowsOf('CLX-IAM-003', trust({ StringEquals: { 'aws:PrincipalTag/tenant': 'lab-alpha' } }))[0].status).toBe(
      'pass',
    );
  });

  it('names the missing signals of an incomplete CDU', () => {
    const rows = rowsOf('CLX-MON-002', model({ ...topic, aws_cloudwatch_metric_alarm: cduAlarms(['LeakDetected']) }));
    expect(rows[0].message).toBe('CDU cdu-1 has no alarm for delta-t, supply-temperature, return-temperature, flow');
  });

  it('treats a key policy deny with a wildcard principal as fine, and keeps KMS key policies out of the admin rule', () => {
    const policy = JSON.stringify({
      Statement: [
        ...JSON.parse(keyPolicy).Statement,
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    });
    expect(rowsOf('CLX-ENC-003', model({ aws_kms_key: { k: { ...goodKey, policy } } }))[0].status).toBe('pass');
    expect(rowsOf('CLX-IAM-001', model({ aws_kms_key: { k: goodKey } }))[0].status).toBe('not applicable');
  });
});
