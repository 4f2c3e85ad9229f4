import type { RuleContext } from '../../../policy/model';
import type { SynthesizedStackJson } from '../../../policy/stack-model';
import { goodKey, ref, type Resources } from '../../policy/fixtures';
import { CAPACITY_BENIGN, CAPACITY_CANARIES } from './capacity';

/**
 * The rule pack's mutation test: deliberately non-compliant resources, each spelled as an
 * attacker (or a hurried engineer) would, and each must fail the rule it names. Benign
 * neighbours beside them must pass, so the rules are not just failing everything.
 */
export interface Canary {
  readonly rule: string;
  /** How the violation is spelled. */
  readonly spelling: string;
  readonly resources: Resources;
  readonly extra?: Partial<SynthesizedStackJson>;
  readonly context?: RuleContext;
}

export interface Benign extends Omit<Canary, 'rule'> {
  /** Rules that must report no failure on it. */
  readonly rules: readonly string[];
}

const KEY = ref('aws_kms_key', 'k', 'arn');
const key = { aws_kms_key: { k: goodKey } };
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown = 'arn:aws:s3:::data/*', more: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...more,
});
const trust = (Principal: unknown, Condition?: unknown) =>
  doc({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) });
const role = (assume_role_policy: unknown, more: Record<string, unknown> = {}) => ({
  aws_iam_role: {
    r: { name: 'r', assume_role_policy, permissions_boundary: 'arn:aws:iam::111111111111:policy/b', ...more },
  },
});
const bucket = { aws_s3_bucket: { b: { bucket: 'data-bucket', lifecycle: { prevent_destroy: true } } } };
const BUCKET = ref('aws_s3_bucket', 'b');
const BUCKET_ARN = ref('aws_s3_bucket', 'b', 'arn');
const tlsDeny = (over: Record<string, unknown> = {}) => ({
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  ...over,
});
const remote = (name: string, stack: string) => ({
  data: { terraform_remote_state: { [name]: { backend: 'local', config: { path: `../${stack}.tfstate` } } } },
});
const network = (resources: Resources): RuleContext => ({
  tenants: new Map(),
  stack: () => ({
    name: 'net',
    resources: [],
    backend: {},
    byAddress: new Map(
      Object.entries(resources).flatMap(([type, byName]) =>
        Object.entries(byName).map(([n, attrs]) => [
          `${type}.${n}`,
          { type, name: n, address: `${type}.${n}`, path: `net/${n}`, attrs, taggable: true, effectiveTags: {} },
        ]),
      ),
    ),
    outputs: new Map([
      ['vpc_id', ref('aws_vpc', 'v')],
      ['igw_id', ref('aws_internet_gateway', 'g')],
    ]),
    remoteStates: new Map(),
    data: new Map(),
  }),
});
const lt = (extra: Record<string, unknown>) => ({
  aws_launch_template: {
    lt: { name: 'lt', metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 }, ...extra },
  },
});
const encryptedRoot = { device_name: '/dev/sda1', ebs: { encrypted: true, kms_key_id: KEY } };
const alarm = (name: string, metric: string, dims: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  alarm_name: name,
  metric_name: metric,
  namespace: 'Colossus/Facility',
  dimensions: dims,
  treat_missing_data: 'breaching',
  alarm_actions: [ref('aws_sns_topic', 't', 'arn')],
  ...extra,
});
const topic = { aws_sns_topic: { t: { name: 't', kms_master_key_id: KEY } }, ...key };
const CDU = ['SupplyTemperature', 'ReturnTemperature', 'FlowRate', 'DeltaT', 'LeakDetected'];
const FEED = ['LoadPercent', 'UpsOnBattery', 'BatteryStateOfCharge', 'BreakerTripped'];
const cduAlarms = (cdu: string, metrics: readonly string[]) =>
  Object.fromEntries(metrics.map((m) => [`${cdu}-${m}`, alarm(`${cdu} ${m}`, m, { Hall: 'a', Cdu: cdu })]));
const feedAlarms = (feed: string, metrics: readonly string[]) =>
  Object.fromEntries(metrics.map((m) => [`${feed}-${m}`, alarm(`${feed} ${m}`, m, { Feed: feed })]));
const expect = (units: Record<string, unknown>): RuleContext => ({ tenants: new Map(), expected: () => units });
const trail = {
  name: 't',
  s3_bucket_name: BUCKET,
  is_multi_region_trail: true,
  enable_log_file_validation: true,
  kms_key_id: KEY,
  event_selector: [
    { read_write_type: 'All', data_resource: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::data-bucket/'] }] },
  ],
};
const sg = (ingress: unknown[], egress: unknown[] = []) => ({
  aws_security_group: { s: { name: 's', description: 'd', vpc_id: 'vpc-1', ingress, egress } },
});
const open = { from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] };

export const CANARIES: readonly Canary[] = [
  // Encryption
  {
    rule: 'CLX-ENC-001',
    spelling: 'rotation off',
    resources: { aws_kms_key: { k: { ...goodKey, enable_key_rotation: false } } },
  },
  {
    rule: 'CLX-ENC-001',
    spelling: 'rotation left out',
    resources: { aws_kms_key: { k: { ...goodKey, enable_key_rotation: undefined } } },
  },
  {
    rule: 'CLX-ENC-002',
    spelling: 'no key policy',
    resources: { aws_kms_key: { k: { ...goodKey, policy: undefined } } },
  },
  {
    rule: 'CLX-ENC-003',
    spelling: 'Principal "*"',
    resources: {
      aws_kms_key: {
        k: { ...goodKey, policy: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }) },
      },
    },
  },
  {
    rule: 'CLX-ENC-003',
    spelling: 'AWS "*" in a separate key policy',
    resources: {
      ...key,
      aws_kms_key_policy: {
        p: {
          key_id: ref('aws_kms_key', 'k'),
          policy: doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' }),
        },
      },
    },
  },
  {
    rule: 'CLX-ENC-004',
    spelling: 'AWS-managed alias',
    resources: { aws_sns_topic: { t: { kms_master_key_id: 'alias/aws/sns' } } },
  },
  { rule: 'CLX-ENC-004', spelling: 'no key', resources: { aws_sns_topic: { t: { name: 't' } } } },
  {
    rule: 'CLX-ENC-004',
    spelling: 'a remote state output that is a VPC id',
    resources: { aws_sns_topic: { t: { kms_master_key_id: '${data.terraform_remote_state.net.outputs.vpc_id}' } } },
    extra: remote('net', 'net'),
    context: network({ aws_vpc: { v: {} } }),
  },
  {
    rule: 'CLX-ENC-004',
    spelling: 'a remote state the guard cannot follow',
    resources: { aws_sns_topic: { t: { kms_master_key_id: '${data.terraform_remote_state.nowhere.outputs.key}' } } },
  },
  {
    rule: 'CLX-ENC-004',
    spelling: 'a reference to a VPC',
    resources: { aws_vpc: { v: {} }, aws_sns_topic: { t: { kms_master_key_id: ref('aws_vpc', 'v') } } },
  },
  {
    rule: 'CLX-ENC-004',
    spelling: 'a random string',
    resources: { aws_sns_topic: { t: { kms_master_key_id: 'my-key' } } },
  },
  {
    rule: 'CLX-ENC-005',
    spelling: 'AES256',
    resources: {
      ...bucket,
      aws_s3_bucket_server_side_encryption_configuration: {
        e: { bucket: BUCKET, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
      },
    },
  },
  {
    rule: 'CLX-ENC-005',
    spelling: 'aws:kms with the AWS-managed S3 key',
    resources: {
      ...bucket,
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: BUCKET,
          rule: [
            {
              apply_server_side_encryption_by_default: {
                sse_algorithm: 'aws:kms',
                kms_master_key_id: 'arn:aws:kms:us-east-1:111111111111:alias/aws/s3',
              },
            },
          ],
        },
      },
    },
  },
  { rule: 'CLX-ENC-005', spelling: 'no encryption configuration', resources: { ...bucket } },
  { rule: 'CLX-ENC-006', spelling: 'no key', resources: { aws_cloudwatch_log_group: { g: { name: 'g' } } } },
  {
    rule: 'CLX-ENC-006',
    spelling: 'a subnet id as key',
    resources: { aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: 'subnet-0123' } } },
  },
  {
    rule: 'CLX-ENC-007',
    spelling: 'encrypted false',
    resources: lt({ block_device_mappings: [{ device_name: '/dev/sda1', ebs: { encrypted: false } }] }),
  },
  {
    rule: 'CLX-ENC-007',
    spelling: 'encrypted left out',
    resources: lt({ block_device_mappings: [{ device_name: '/dev/sda1', ebs: { volume_size: 100 } }] }),
  },
  { rule: 'CLX-ENC-007', spelling: 'no block device mapping at all', resources: lt({}) },
  {
    rule: 'CLX-ENC-008',
    spelling: 'volume',
    resources: { aws_ebs_volume: { v: { availability_zone: 'a', size: 1 } } },
  },
  {
    rule: 'CLX-ENC-008',
    spelling: 'instance root',
    resources: { aws_instance: { i: { ami: 'ami-1', root_block_device: { encrypted: false } } } },
  },
  {
    rule: 'CLX-ENC-008',
    spelling: 'instance ebs_block_device',
    resources: {
      aws_instance: {
        i: {
          ami: 'ami-1',
          root_block_device: { encrypted: true },
          ebs_block_device: [{ device_name: '/dev/sdf', encrypted: false }],
        },
      },
    },
  },
  {
    rule: 'CLX-ENC-009',
    spelling: 'encrypt false',
    resources: {},
    extra: { terraform: { backend: { s3: { bucket: 'b', key: 'k', encrypt: false } } } },
  },
  {
    rule: 'CLX-ENC-010',
    spelling: 'log group alias/aws',
    resources: { aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: 'alias/aws/logs' } } },
  },
  {
    rule: 'CLX-ENC-010',
    spelling: 'key inside a launch template block device',
    resources: lt({
      block_device_mappings: [
        {
          device_name: '/dev/sda1',
          ebs: { encrypted: true, kms_key_id: 'arn:aws:kms:us-east-1:111111111111:alias/aws/ebs' },
        },
      ],
    }),
  },
  // Network
  { rule: 'CLX-NET-001', spelling: 'inline ingress', resources: sg([open]) },
  {
    rule: 'CLX-NET-001',
    spelling: 'IPv6 rule resource',
    resources: {
      aws_vpc_security_group_ingress_rule: { i: { security_group_id: 'sg-1', cidr_ipv6: '::/0', ip_protocol: '-1' } },
    },
  },
  {
    rule: 'CLX-NET-001',
    spelling: 'legacy aws_security_group_rule',
    resources: {
      aws_security_group_rule: {
        i: {
          type: 'ingress',
          security_group_id: 'sg-1',
          cidr_blocks: ['0.0.0.0/0'],
          from_port: 22,
          to_port: 22,
          protocol: 'tcp',
        },
      },
    },
  },
  {
    rule: 'CLX-NET-001',
    spelling: 'default security group ingress',
    resources: { aws_default_security_group: { d: { vpc_id: 'vpc-1', ingress: [open] } } },
  },
  {
    rule: 'CLX-NET-002',
    spelling: 'inline NACL ssh',
    resources: {
      aws_network_acl: {
        n: {
          vpc_id: 'v',
          ingress: [
            { action: 'allow', cidr_block: '0.0.0.0/0', from_port: 22, to_port: 22, protocol: 'tcp', rule_no: 1 },
          ],
        },
      },
    },
  },
  {
    rule: 'CLX-NET-002',
    spelling: 'NACL rule, all protocols, IPv6',
    resources: {
      aws_network_acl_rule: {
        r: {
          network_acl_id: 'n',
          rule_action: 'allow',
          egress: false,
          ipv6_cidr_block: '::/0',
          protocol: '-1',
          rule_number: 1,
        },
      },
    },
  },
  {
    rule: 'CLX-NET-003',
    spelling: 'public IP on launch',
    resources: { aws_subnet: { s: { vpc_id: 'v', cidr_block: '10.0.0.0/24', map_public_ip_on_launch: 'true' } } },
  },
  {
    rule: 'CLX-NET-004',
    spelling: 'launch template NIC',
    resources: lt({ network_interfaces: [{ associate_public_ip_address: true }] }),
  },
  {
    rule: 'CLX-NET-004',
    spelling: 'instance',
    resources: { aws_instance: { i: { associate_public_ip_address: true } } },
  },
  {
    rule: 'CLX-NET-005',
    spelling: 'default SG not adopted',
    resources: { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } },
  },
  {
    rule: 'CLX-NET-005',
    spelling: 'default SG with an egress rule',
    resources: {
      aws_vpc: { v: { cidr_block: '10.0.0.0/16' } },
      aws_default_security_group: {
        d: { vpc_id: ref('aws_vpc', 'v'), egress: [{ protocol: '-1', cidr_blocks: ['10.0.0.0/8'] }] },
      },
    },
  },
  {
    rule: 'CLX-NET-006',
    spelling: 'VPC without flow log',
    resources: { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } },
  },
  { rule: 'CLX-NET-007', spelling: 'rejects only', resources: { aws_flow_log: { f: { traffic_type: 'REJECT' } } } },
  { rule: 'CLX-NET-008', spelling: 'no description', resources: { aws_security_group: { s: { name: 's' } } } },
  {
    rule: 'CLX-NET-009',
    spelling: 'inline egress all',
    resources: sg([], [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }]),
  },
  {
    rule: 'CLX-NET-009',
    spelling: 'legacy egress rule',
    resources: {
      aws_security_group_rule: {
        e: {
          type: 'egress',
          security_group_id: 'sg-1',
          cidr_blocks: ['0.0.0.0/0'],
          protocol: '-1',
          from_port: 0,
          to_port: 0,
        },
      },
    },
  },
  {
    rule: 'CLX-NET-009',
    spelling: 'tcp on all ports, IPv6',
    resources: {
      aws_vpc_security_group_egress_rule: {
        e: { security_group_id: 'sg-1', cidr_ipv6: '::/0', ip_protocol: 'tcp', from_port: 0, to_port: 65535 },
      },
    },
  },
  {
    rule: 'CLX-NET-010',
    spelling: 'internet gateway resource',
    resources: { aws_internet_gateway: { g: { vpc_id: 'v' } } },
  },
  {
    rule: 'CLX-NET-010',
    spelling: 'literal igw- id',
    resources: {
      aws_route: { r: { route_table_id: 'rtb-1', destination_cidr_block: '0.0.0.0/0', gateway_id: 'igw-0abc' } },
    },
  },
  {
    rule: 'CLX-NET-010',
    spelling: 'gateway from remote state',
    resources: {
      aws_route: {
        r: {
          route_table_id: 'rtb-1',
          destination_cidr_block: '0.0.0.0/0',
          gateway_id: '${data.terraform_remote_state.net.outputs.igw_id}',
        },
      },
    },
    extra: remote('net', 'net'),
    context: network({ aws_internet_gateway: { g: {} } }),
  },
  {
    rule: 'CLX-NET-010',
    spelling: 'egress-only gateway',
    resources: {
      aws_route: {
        r: { route_table_id: 'rtb-1', destination_ipv6_cidr_block: '::/0', egress_only_gateway_id: 'eigw-0abc' },
      },
    },
  },
  {
    rule: 'CLX-NET-010',
    spelling: 'inline route in a default route table',
    resources: {
      aws_default_route_table: {
        t: { default_route_table_id: 'rtb-1', route: [{ cidr_block: '0.0.0.0/0', gateway_id: 'igw-1' }] },
      },
    },
  },
  { rule: 'CLX-NET-011', spelling: 'defaults left on', resources: { aws_ec2_transit_gateway: { t: {} } } },
  // Instance metadata
  {
    rule: 'CLX-IMD-001',
    spelling: 'IMDSv1 optional',
    resources: {
      aws_launch_template: { lt: { metadata_options: { http_tokens: 'optional', http_put_response_hop_limit: 1 } } },
    },
  },
  {
    rule: 'CLX-IMD-001',
    spelling: 'no metadata options on an instance',
    resources: { aws_instance: { i: { ami: 'a' } } },
  },
  {
    rule: 'CLX-IMD-002',
    spelling: 'hop limit 2',
    resources: {
      aws_launch_template: { lt: { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2 } } },
    },
  },
  // IAM
  {
    rule: 'CLX-IAM-001',
    spelling: 'Action "*" on "*"',
    resources: { aws_iam_policy: { p: { policy: doc(allow('*', '*')) } } },
  },
  {
    rule: 'CLX-IAM-001',
    spelling: 'in a role inline_policy block',
    resources: role(trust({ Service: 'ec2.amazonaws.com' }), {
      inline_policy: [{ name: 'x', policy: doc(allow(['*'], ['*'])) }],
    }),
  },
  {
    rule: 'CLX-IAM-001',
    spelling: 'from a policy-document data source',
    resources: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.d.json}' } } },
    extra: { data: { aws_iam_policy_document: { d: { statement: [{ actions: ['*'], resources: ['*'] }] } } } },
  },
  {
    rule: 'CLX-IAM-001',
    spelling: 'unreadable data source reference',
    resources: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.missing.json}' } } },
  },
  {
    rule: 'CLX-IAM-001',
    spelling: 'a variable',
    resources: { aws_iam_role_policy: { p: { role: 'r', policy: '${var.policy}' } } },
  },
  {
    rule: 'CLX-IAM-002',
    spelling: 'tenant role without boundary',
    resources: { aws_iam_role: { r: { name: 'r', assume_role_policy: '{}', tags: { tenant: 'lab-alpha' } } } },
  },
  {
    rule: 'CLX-IAM-002',
    spelling: 'tenant role whose boundary is a variable',
    resources: {
      aws_iam_role: {
        r: { name: 'r', assume_role_policy: '{}', tags: { tenant: 'lab-alpha' }, permissions_boundary: '${var.b}' },
      },
    },
  },
  { rule: 'CLX-IAM-003', spelling: 'AWS "*"', resources: role(trust({ AWS: '*' })) },
  { rule: 'CLX-IAM-003', spelling: 'every account root', resources: role(trust({ AWS: 'arn:aws:iam::*:root' })) },
  { rule: 'CLX-IAM-003', spelling: 'bare account id', resources: role(trust({ AWS: '111111111111' })) },
  {
    rule: 'CLX-IAM-003',
    spelling: 'root with StringLike "*"',
    resources: role(
      trust({ AWS: 'arn:aws:iam::111111111111:root' }, { StringLike: { 'aws:PrincipalTag/tenant': '*' } }),
    ),
  },
  {
    rule: 'CLX-IAM-003',
    spelling: 'root with an unrelated condition',
    resources: role(
      trust({ AWS: 'arn:aws:iam::111111111111:root' }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
    ),
  },
  {
    rule: 'CLX-IAM-003',
    spelling: 'root built from a reference',
    resources: role(trust({ AWS: 'arn:aws:iam::${data.aws_caller_identity.c.account_id}:root' })),
  },
  {
    rule: 'CLX-IAM-003',
    spelling: 'NotPrincipal',
    resources: role(
      doc({ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/x' }, Action: 'sts:AssumeRole' }),
    ),
  },
  {
    rule: 'CLX-IAM-003',
    spelling: 'jsonencode() with Principal "*"',
    resources: role(
      '${jsonencode({"Statement" = [{"Effect" = "Allow", "Principal" = "*", "Action" = "sts:AssumeRole"}]})}',
    ),
  },
  {
    rule: 'CLX-IAM-004',
    spelling: 'service trust without source',
    resources: role(trust({ Service: 'logs.amazonaws.com' })),
  },
  {
    rule: 'CLX-IAM-005',
    spelling: 'user policy',
    resources: { aws_iam_user_policy: { p: { user: 'u', policy: doc(allow('s3:GetObject')) } } },
  },
  {
    rule: 'CLX-IAM-005',
    spelling: 'user attachment',
    resources: {
      aws_iam_user_policy_attachment: { a: { user: 'u', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
    },
  },
  {
    rule: 'CLX-IAM-005',
    spelling: 'aws_iam_policy_attachment with users',
    resources: {
      aws_iam_policy_attachment: {
        a: { name: 'a', users: ['u'], policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      },
    },
  },
  {
    rule: 'CLX-IAM-006',
    spelling: 'role attachment',
    resources: {
      aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
    },
  },
  {
    rule: 'CLX-IAM-006',
    spelling: 'user attachment',
    resources: {
      aws_iam_user_policy_attachment: { a: { user: 'u', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
    },
  },
  {
    rule: 'CLX-IAM-006',
    spelling: 'managed_policy_arns',
    resources: role(trust({ Service: 'ec2.amazonaws.com' }), {
      managed_policy_arns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    }),
  },
  {
    rule: 'CLX-IAM-007',
    spelling: 'iam:*',
    resources: { aws_iam_policy: { p: { policy: doc(allow('iam:*', 'arn:aws:iam::111111111111:role/x')) } } },
  },
  {
    rule: 'CLX-IAM-007',
    spelling: 'S3:* in a role policy',
    resources: { aws_iam_role_policy: { p: { role: 'r', policy: doc(allow(['s3:GetObject', 'S3:*'])) } } },
  },
  {
    rule: 'CLX-IAM-008',
    spelling: 's3:GetObject on "*"',
    resources: { aws_iam_policy: { p: { policy: doc(allow('s3:GetObject', '*')) } } },
  },
  {
    rule: 'CLX-IAM-008',
    spelling: 'kms:Decrypt on ["*"] in a group policy',
    resources: { aws_iam_group_policy: { p: { group: 'g', policy: doc(allow(['kms:Decrypt'], ['*'])) } } },
  },
  {
    rule: 'CLX-IAM-009',
    spelling: 'NotAction on "*"',
    resources: { aws_iam_policy: { p: { policy: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }) } } },
  },
  {
    rule: 'CLX-IAM-009',
    spelling: 'NotResource',
    resources: {
      aws_iam_policy: {
        p: { policy: doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::other/*' }) },
      },
    },
  },
  {
    rule: 'CLX-IAM-009',
    spelling: 'not_actions in a data source',
    resources: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.d.json}' } } },
    extra: { data: { aws_iam_policy_document: { d: { statement: [{ not_actions: ['iam:*'], resources: ['*'] }] } } } },
  },
  {
    rule: 'CLX-IAM-010',
    spelling: 'iam:PassRole + ec2:RunInstances',
    resources: {
      aws_iam_policy: {
        p: { policy: doc(allow(['iam:PassRole', 'ec2:RunInstances'], 'arn:aws:iam::111111111111:role/x')) },
      },
    },
  },
  {
    rule: 'CLX-IAM-010',
    spelling: 'iam:CreatePolicyVersion',
    resources: {
      aws_iam_policy: { p: { policy: doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::111111111111:policy/x')) } },
    },
  },
  {
    rule: 'CLX-IAM-010',
    spelling: 'wildcard iam:Put*Policy + sts',
    resources: {
      aws_iam_policy: { p: { policy: doc(allow(['iam:Put*', 'sts:AssumeRole'], 'arn:aws:iam::111111111111:role/x')) } },
    },
  },
  {
    rule: 'CLX-IAM-010',
    spelling: 'split across two policies of one role',
    resources: {
      ...role(trust({ Service: 'ec2.amazonaws.com' })),
      aws_iam_role_policy: {
        a: {
          role: ref('aws_iam_role', 'r', 'name'),
          policy: doc(allow('iam:PassRole', 'arn:aws:iam::111111111111:role/x')),
        },
        b: {
          role: ref('aws_iam_role', 'r', 'name'),
          policy: doc(allow('ec2:RunInstances', 'arn:aws:ec2:us-east-1:111111111111:instance/*')),
        },
      },
    },
  },
  {
    rule: 'CLX-IAM-011',
    spelling: 'role without boundary',
    resources: { aws_iam_role: { r: { name: 'r', assume_role_policy: '{}' } } },
  },
  {
    rule: 'CLX-IAM-012',
    spelling: 'bucket policy Principal "*"',
    resources: {
      aws_s3_bucket_policy: { p: { bucket: 'b', policy: doc(allow('s3:GetObject', '*', { Principal: '*' })) } },
    },
  },
  {
    rule: 'CLX-IAM-012',
    spelling: 'topic policy AWS "*"',
    resources: {
      aws_sns_topic_policy: { p: { arn: 't', policy: doc(allow('SNS:Publish', '*', { Principal: { AWS: '*' } })) } },
    },
  },
  {
    rule: 'CLX-IAM-013',
    spelling: 'tenant in config, no role',
    resources: {},
    context: { tenants: new Map(), expected: () => ({ tenants: ['lab-alpha'] }) },
  },
  // Lifecycle
  {
    rule: 'CLX-LIF-001',
    spelling: 'key without prevent_destroy',
    resources: { aws_kms_key: { k: { ...goodKey, lifecycle: undefined } } },
  },
  {
    rule: 'CLX-LIF-002',
    spelling: 'log group without prevent_destroy',
    resources: { aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: KEY } } },
  },
  {
    rule: 'CLX-LIF-003',
    spelling: 'bucket without prevent_destroy',
    resources: { aws_s3_bucket: { b: { bucket: 'x' } } },
  },
  {
    rule: 'CLX-LIF-004',
    spelling: '7-day window',
    resources: { aws_kms_key: { k: { ...goodKey, deletion_window_in_days: 7 } } },
  },
  {
    rule: 'CLX-LIF-005',
    spelling: '30-day retention',
    resources: { aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 30 } } },
  },
  {
    rule: 'CLX-LIF-006',
    spelling: 'versioning suspended',
    resources: {
      ...bucket,
      aws_s3_bucket_versioning: { v: { bucket: BUCKET, versioning_configuration: { status: 'Suspended' } } },
    },
  },
  // Storage
  {
    rule: 'CLX-STO-001',
    spelling: 'one block off',
    resources: {
      ...bucket,
      aws_s3_bucket_public_access_block: {
        p: {
          bucket: BUCKET,
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: false,
        },
      },
    },
  },
  { rule: 'CLX-STO-001', spelling: 'no public access block', resources: { ...bucket } },
  {
    rule: 'CLX-STO-002',
    spelling: 'TLS deny for one action',
    resources: {
      ...bucket,
      aws_s3_bucket_policy: { p: { bucket: BUCKET, policy: doc(tlsDeny({ Action: 's3:GetObject' })) } },
    },
  },
  {
    rule: 'CLX-STO-002',
    spelling: 'TLS deny for one role',
    resources: {
      ...bucket,
      aws_s3_bucket_policy: {
        p: { bucket: BUCKET, policy: doc(tlsDeny({ Principal: { AWS: 'arn:aws:iam::111111111111:role/x' } })) },
      },
    },
  },
  {
    rule: 'CLX-STO-002',
    spelling: 'TLS deny on objects only',
    resources: {
      ...bucket,
      aws_s3_bucket_policy: { p: { bucket: BUCKET, policy: doc(tlsDeny({ Resource: `${BUCKET_ARN}/*` })) } },
    },
  },
  {
    rule: 'CLX-STO-002',
    spelling: 'TLS deny narrowed by another condition',
    resources: {
      ...bucket,
      aws_s3_bucket_policy: {
        p: {
          bucket: BUCKET,
          policy: doc(
            tlsDeny({
              Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:PrincipalTag/x': 'y' } },
            }),
          ),
        },
      },
    },
  },
  {
    rule: 'CLX-STO-003',
    spelling: 'ObjectWriter',
    resources: {
      ...bucket,
      aws_s3_bucket_ownership_controls: { o: { bucket: BUCKET, rule: { object_ownership: 'ObjectWriter' } } },
    },
  },
  // Tagging
  { rule: 'CLX-TAG-001', spelling: 'untagged ASG', resources: { aws_autoscaling_group: { a: { tag: [] } } } },
  {
    rule: 'CLX-TAG-002',
    spelling: 'ASG without cluster',
    resources: { aws_autoscaling_group: { a: { tag: [{ key: 'environment', value: 'e' }] } } },
  },
  { rule: 'CLX-TAG-003', spelling: 'blank owner', resources: { aws_vpc: { v: { tags: { owner: ' ' } } } } },
  {
    rule: 'CLX-TAG-004',
    spelling: 'unknown classification',
    resources: { aws_vpc: { v: { tags: { 'data-classification': 'top-secret' } } } },
  },
  {
    rule: 'CLX-TAG-005',
    spelling: 'tenant with the wrong classification',
    resources: { aws_vpc: { v: { tags: { tenant: 'lab-alpha', 'data-classification': 'internal' } } } },
    context: { tenants: new Map([['lab-alpha', 'confidential']]) },
  },
  {
    rule: 'CLX-TAG-006',
    spelling: 'launch template without tag specifications',
    resources: lt({ block_device_mappings: [encryptedRoot] }),
  },
  // Monitoring
  {
    rule: 'CLX-MON-001',
    spelling: 'no actions',
    resources: { aws_cloudwatch_metric_alarm: { a: alarm('a', 'm', {}, { alarm_actions: [] }) } },
  },
  {
    rule: 'CLX-MON-001',
    spelling: 'topic keyed with a non-key string',
    resources: {
      aws_sns_topic: { t: { kms_master_key_id: 'not-a-key' } },
      aws_cloudwatch_metric_alarm: { a: alarm('a', 'm', {}) },
    },
  },
  {
    rule: 'CLX-MON-002',
    spelling: 'CDU missing leak',
    resources: {
      ...topic,
      aws_cloudwatch_metric_alarm: cduAlarms(
        'cdu-01',
        CDU.filter((m) => m !== 'LeakDetected'),
      ),
    },
  },
  {
    rule: 'CLX-MON-002',
    spelling: 'every alarm of a CDU deleted',
    resources: { ...topic, aws_cloudwatch_metric_alarm: cduAlarms('cdu-01', CDU) },
    context: expect({ cdus: ['cdu-01', 'cdu-02'] }),
  },
  {
    rule: 'CLX-MON-002',
    spelling: 'an alarm renamed "leak" that watches supply temperature',
    resources: {
      ...topic,
      aws_cloudwatch_metric_alarm: {
        ...cduAlarms(
          'cdu-01',
          CDU.filter((m) => m !== 'LeakDetected'),
        ),
        fake: alarm('cdu-01 leak', 'SupplyTemperature', { Hall: 'a', Cdu: 'cdu-01' }),
      },
    },
  },
  {
    rule: 'CLX-MON-003',
    spelling: 'feed missing breaker',
    resources: {
      ...topic,
      aws_cloudwatch_metric_alarm: feedAlarms(
        'feed-a',
        FEED.filter((m) => m !== 'BreakerTripped'),
      ),
    },
  },
  {
    rule: 'CLX-MON-003',
    spelling: 'every alarm of a feed deleted',
    resources: { ...topic, aws_cloudwatch_metric_alarm: feedAlarms('feed-a', FEED) },
    context: expect({ feeds: ['feed-a', 'feed-b'] }),
  },
  {
    rule: 'CLX-MON-004',
    spelling: 'missing data ignored',
    resources: {
      ...topic,
      aws_cloudwatch_metric_alarm: {
        a: alarm('a', 'LeakDetected', { Cdu: 'c' }, { treat_missing_data: 'notBreaching' }),
      },
    },
  },
  {
    rule: 'CLX-MON-005',
    spelling: 'AWS namespace',
    resources: {
      ...topic,
      aws_cloudwatch_metric_alarm: { a: alarm('a', 'LeakDetected', { Cdu: 'c' }, { namespace: 'AWS/EC2' }) },
    },
  },
  {
    rule: 'CLX-MON-006',
    spelling: 'a scalable unit deleted',
    resources: { aws_ec2_capacity_reservation: { c: {} }, aws_autoscaling_group: { a: { tag: [] } } },
    context: expect({ scalableUnits: 2 }),
  },
  {
    rule: 'CLX-MON-007',
    spelling: 'group metrics left out',
    resources: { aws_autoscaling_group: { a: { name: 'a' } } },
  },
  {
    rule: 'CLX-MON-007',
    spelling: 'desired capacity only',
    resources: { aws_autoscaling_group: { a: { name: 'a', enabled_metrics: ['GroupDesiredCapacity'] } } },
  },
  {
    rule: 'CLX-MON-007',
    spelling: 'five-minute granularity',
    resources: {
      aws_autoscaling_group: {
        a: {
          name: 'a',
          enabled_metrics: ['GroupInServiceInstances', 'GroupDesiredCapacity'],
          metrics_granularity: '5Minute',
        },
      },
    },
  },
  {
    rule: 'CLX-MON-007',
    spelling: 'metrics from a local',
    resources: { aws_autoscaling_group: { a: { name: 'a', enabled_metrics: '${local.group_metrics}' } } },
  },
  // Audit trail
  {
    rule: 'CLX-AUD-001',
    spelling: 'single-region trail',
    resources: { aws_cloudtrail: { t: { ...trail, is_multi_region_trail: false } } },
  },
  {
    rule: 'CLX-AUD-001',
    spelling: 'logging stopped',
    resources: { aws_cloudtrail: { t: { ...trail, enable_logging: false } } },
  },
  {
    rule: 'CLX-AUD-001',
    spelling: 'no trail in the audit stack',
    resources: {},
    context: expect({ audit: { tenantBuckets: [] } }),
  },
  {
    rule: 'CLX-AUD-001',
    spelling: 'write-only management events',
    resources: { aws_cloudtrail: { t: { ...trail, event_selector: [{ read_write_type: 'WriteOnly' }] } } },
  },
  {
    rule: 'CLX-AUD-002',
    spelling: 'validation left out',
    resources: { aws_cloudtrail: { t: { ...trail, enable_log_file_validation: undefined } } },
  },
  {
    rule: 'CLX-AUD-003',
    spelling: 'no key',
    resources: { aws_cloudtrail: { t: { ...trail, kms_key_id: undefined } } },
  },
  {
    rule: 'CLX-AUD-003',
    spelling: 'AWS-managed alias',
    resources: { aws_cloudtrail: { t: { ...trail, kms_key_id: 'alias/aws/cloudtrail' } } },
  },
  {
    rule: 'CLX-AUD-004',
    spelling: 'a trail bucket without access logging',
    resources: { ...bucket, aws_cloudtrail: { t: trail } },
  },
  {
    rule: 'CLX-AUD-004',
    spelling: 'a trail writing to a literal outside bucket',
    resources: { aws_cloudtrail: { t: { ...trail, s3_bucket_name: 'somewhere-else' } } },
  },
  {
    rule: 'CLX-AUD-005',
    spelling: 'a tenant bucket missing from data events',
    resources: { aws_cloudtrail: { t: trail } },
    context: expect({ audit: { tenantBuckets: ['data-bucket', 'other-tenant-data'] } }),
  },
  {
    rule: 'CLX-AUD-005',
    spelling: 'write-only data events',
    resources: {
      aws_cloudtrail: {
        t: {
          ...trail,
          event_selector: [
            {
              read_write_type: 'WriteOnly',
              data_resource: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::data-bucket/'] }],
            },
          ],
        },
      },
    },
    context: expect({ audit: { tenantBuckets: ['data-bucket'] } }),
  },
  {
    rule: 'CLX-AUD-006',
    spelling: 'global types left out',
    resources: { aws_config_configuration_recorder: { r: { name: 'r', recording_group: { all_supported: true } } } },
  },
  {
    rule: 'CLX-AUD-006',
    spelling: 'no recorder in the audit stack',
    resources: {},
    context: expect({ audit: { tenantBuckets: [] } }),
  },
  {
    rule: 'CLX-AUD-007',
    spelling: 'disabled',
    resources: { aws_ebs_encryption_by_default: { e: { enabled: false } } },
  },
  {
    rule: 'CLX-AUD-007',
    spelling: 'absent from the audit stack',
    resources: {},
    context: expect({ audit: { tenantBuckets: [] } }),
  },
  ...CAPACITY_CANARIES,
];

export const BENIGN: readonly Benign[] = [
  { rules: ['CLX-ENC-004', 'CLX-ENC-010'], spelling: 'topic keyed by a key of the stack', resources: topic },
  {
    rules: ['CLX-ENC-004'],
    spelling: 'topic keyed by a literal key ARN',
    resources: {
      aws_sns_topic: {
        t: { kms_master_key_id: 'arn:aws:kms:us-east-1:111111111111:key/0123abcd-0123-4567-89ab-0123456789ab' },
      },
    },
  },
  {
    rules: ['CLX-ENC-004'],
    spelling: 'topic keyed by a customer alias',
    resources: { aws_sns_topic: { t: { kms_master_key_id: 'alias/colossus-alerts' } } },
  },
  {
    rules: ['CLX-STO-001', 'CLX-STO-002', 'CLX-STO-003', 'CLX-LIF-006', 'CLX-ENC-005'],
    spelling: 'bucket configured by literal name',
    resources: {
      ...key,
      ...bucket,
      aws_s3_bucket_public_access_block: {
        p: {
          bucket: 'data-bucket',
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      },
      aws_s3_bucket_policy: {
        p: {
          bucket: 'data-bucket',
          policy: doc(tlsDeny({ Resource: ['arn:aws:s3:::data-bucket', 'arn:aws:s3:::data-bucket/*'] })),
        },
      },
      aws_s3_bucket_ownership_controls: {
        o: { bucket: 'data-bucket', rule: { object_ownership: 'BucketOwnerEnforced' } },
      },
      aws_s3_bucket_versioning: { v: { bucket: 'data-bucket', versioning_configuration: { status: 'Enabled' } } },
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: 'data-bucket',
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY } }],
        },
      },
    },
  },
  {
    rules: ['CLX-IAM-001', 'CLX-IAM-007', 'CLX-IAM-008', 'CLX-IAM-009', 'CLX-IAM-010'],
    spelling: 'the tenant boundary shape: prefix wildcards on named resources, GetCallerIdentity on "*"',
    resources: {
      aws_iam_policy: {
        p: {
          policy: doc(
            allow(['s3:GetObject*', 's3:PutObject*'], 'arn:aws:s3:::data/*'),
            allow(['kms:Decrypt', 'kms:ReEncrypt*'], 'arn:aws:kms:us-east-1:111111111111:key/*', {
              Condition: { StringEquals: { 'aws:ResourceTag/tenant': 'a' } },
            }),
            allow('sts:GetCallerIdentity', '*'),
          ),
        },
      },
    },
  },
  {
    rules: ['CLX-IAM-001', 'CLX-IAM-007', 'CLX-IAM-009'],
    spelling: 'a readable policy-document data source',
    resources: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.d.json}' } } },
    extra: {
      data: {
        aws_iam_policy_document: {
          d: { statement: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }] },
        },
      },
    },
  },
  {
    rules: ['CLX-IAM-001', 'CLX-IAM-007', 'CLX-IAM-008'],
    spelling: 'jsonencode() with a reference inside',
    resources: {
      aws_iam_policy: {
        p: {
          policy:
            '${jsonencode({"Statement" = [{"Effect" = "Allow", "Action" = ["s3:GetObject"], "Resource" = aws_s3_bucket.b.arn}]})}',
        },
      },
    },
  },
  {
    rules: ['CLX-IAM-003'],
    spelling: 'root trust narrowed by StringEquals on a principal tag',
    resources: role(
      trust({ AWS: 'arn:aws:iam::111111111111:root' }, { StringEquals: { 'aws:PrincipalTag/tenant': 'lab-alpha' } }),
    ),
  },
  {
    rules: ['CLX-IAM-003'],
    spelling: 'trust in a named role of the stack',
    resources: {
      ...role(trust({ AWS: ref('aws_iam_role', 'o', 'arn') })),
      aws_iam_role: {
        r: {
          name: 'r',
          assume_role_policy: trust({ AWS: ref('aws_iam_role', 'o', 'arn') }),
          permissions_boundary: 'arn:aws:iam::111111111111:policy/b',
        },
        o: {
          name: 'o',
          assume_role_policy: trust({ AWS: 'arn:aws:iam::111111111111:role/admin' }),
          permissions_boundary: 'arn:aws:iam::111111111111:policy/b',
        },
      },
    },
  },
  {
    rules: ['CLX-IAM-012'],
    spelling: 'TLS deny with Principal "*"',
    resources: { ...bucket, aws_s3_bucket_policy: { p: { bucket: BUCKET, policy: doc(tlsDeny()) } } },
  },
  {
    rules: ['CLX-NET-010'],
    spelling: 'route to a virtual private gateway and a transit gateway',
    resources: {
      aws_route: {
        r: { route_table_id: 'rtb-1', destination_cidr_block: '10.0.0.0/8', gateway_id: 'vgw-0abc' },
        t: { route_table_id: 'rtb-1', destination_cidr_block: '10.1.0.0/16', transit_gateway_id: 'tgw-1' },
      },
    },
  },
  {
    rules: ['CLX-NET-009'],
    spelling: 'egress to HTTPS anywhere is a named port, not all traffic',
    resources: sg([], [{ protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] }]),
  },
  {
    rules: ['CLX-NET-001'],
    spelling: 'ingress from the VPC only',
    resources: sg([{ ...open, cidr_blocks: ['10.0.0.0/8'] }]),
  },
  {
    rules: ['CLX-ENC-007', 'CLX-ENC-010'],
    spelling: 'encrypted root with a key of the stack',
    resources: { ...key, ...lt({ block_device_mappings: [encryptedRoot] }) },
  },
  {
    rules: ['CLX-MON-002'],
    spelling: 'every CDU the config names, fully alarmed',
    resources: { ...topic, aws_cloudwatch_metric_alarm: { ...cduAlarms('cdu-01', CDU), ...cduAlarms('cdu-02', CDU) } },
    context: expect({ cdus: ['cdu-01', 'cdu-02'] }),
  },
  {
    rules: ['CLX-MON-003'],
    spelling: 'every feed the config names, fully alarmed',
    resources: {
      ...topic,
      aws_cloudwatch_metric_alarm: { ...feedAlarms('feed-a', FEED), ...feedAlarms('feed-b', FEED) },
    },
    context: expect({ feeds: ['feed-a', 'feed-b'] }),
  },
  {
    rules: ['CLX-AUD-001', 'CLX-AUD-002', 'CLX-AUD-003', 'CLX-AUD-004', 'CLX-AUD-005'],
    spelling: 'a complete trail with a logged bucket',
    resources: {
      ...key,
      aws_s3_bucket: { ...bucket.aws_s3_bucket, l: { bucket: 'logs' } },
      aws_s3_bucket_logging: { g: { bucket: BUCKET, target_bucket: ref('aws_s3_bucket', 'l') } },
      aws_cloudtrail: { t: trail },
    },
    context: expect({ audit: { tenantBuckets: ['data-bucket'] } }),
  },
  {
    rules: ['CLX-MON-007'],
    spelling: 'group metrics at the provider default granularity',
    resources: {
      aws_autoscaling_group: {
        a: { name: 'a', enabled_metrics: ['GroupTotalInstances', 'GroupDesiredCapacity', 'GroupInServiceInstances'] },
      },
    },
  },
  ...CAPACITY_BENIGN,
];
