/**
 * AWS's own rules for what the stacks create, checked on the config before anything is
 * built. Each rule cites the AWS page it comes from; when AWS changes a rule, change it here
 * (and the table in docs/operating.md, "Configuration limits").
 */

/**
 * Regions and their availability zone letters that environments may use. A zone name's
 * letter maps to a physical zone per account, but the set of letters a region offers is
 * fixed. Source: "Regions and Availability Zones" (AWS Regions and Availability Zones User
 * Guide, https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)
 * and `aws ec2 describe-availability-zones --region <region>`.
 * To add a region: append it here with its zone letters from describe-availability-zones,
 * then run `npx jest test/config`.
 */
export const AWS_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['a', 'b', 'c', 'd', 'e', 'f'],
  'us-east-2': ['a', 'b', 'c'],
  'us-west-1': ['a', 'b', 'c'],
  'us-west-2': ['a', 'b', 'c', 'd'],
  'ca-central-1': ['a', 'b', 'd'],
  'eu-west-1': ['a', 'b', 'c'],
  'eu-west-2': ['a', 'b', 'c'],
  'eu-west-3': ['a', 'b', 'c'],
  'eu-central-1': ['a', 'b', 'c'],
  'eu-north-1': ['a', 'b', 'c'],
  'ap-northeast-1': ['a', 'c', 'd'],
  'ap-northeast-2': ['a', 'b', 'c', 'd'],
  'ap-southeast-1': ['a', 'b', 'c'],
  'ap-southeast-2': ['a', 'b', 'c'],
  'ap-south-1': ['a', 'b', 'c'],
  'sa-east-1': ['a', 'b', 'c'],
};

/**
 * VPC primary and secondary IPv4 blocks: "The allowed block size is between a /16 netmask
 * and /28 netmask". Source: "VPC CIDR blocks", Amazon VPC User Guide,
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
 */
export const VPC_PREFIX = { widest: 16, narrowest: 28 } as const;

/**
 * Strict dotted-quad IPv4 CIDR: four decimal octets 0-255 without leading zeros, prefix 0-32.
 * AWS APIs reject the short (10.4.0/20), zero-padded (10.4.0.00/20) and hex (0xa.4.0.0/20)
 * forms that inet_aton-style parsers accept. Source: "IP addressing for your VPCs and subnets",
 * Amazon VPC User Guide, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html
 */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
export const DOTTED_QUAD_CIDR = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12][0-9]|[0-9])$`);

/**
 * Name rules per named resource: length and characters, from each service's API reference.
 * The ids in config are lowercase slugs, so the characters always pass; the lengths are what
 * long environment, cluster, hall and tenant ids can break.
 */
export interface NameRule {
  readonly what: string;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  readonly source: string;
}

export const NAME_RULES = {
  // IAM "CreateRole" / "CreatePolicy" API reference and "IAM and AWS STS quotas":
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
  iamRole: {
    what: 'IAM role name',
    min: 1,
    max: 64,
    pattern: /^[\w+=,.@-]+$/,
    source: 'IAM API Reference, CreateRole (RoleName: 1-64, [\\w+=,.@-]+)',
  },
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
  iamPolicy: {
    what: 'IAM policy name',
    min: 1,
    max: 128,
    pattern: /^[\w+=,.@-]+$/,
    source: 'IAM API Reference, CreatePolicy (PolicyName: 1-128, [\\w+=,.@-]+)',
  },
  // "General purpose bucket naming rules", Amazon S3 User Guide (prefixes and suffixes below).
  s3Bucket: {
    what: 'S3 bucket name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    source: 'Amazon S3 User Guide, General purpose bucket naming rules',
  },
  // KMS "CreateAlias": AliasName 1-256 including "alias/", ^[a-zA-Z0-9/_-]+$.
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
  kmsAlias: {
    what: 'KMS alias name',
    min: 1,
    max: 256,
    pattern: /^alias\/[a-zA-Z0-9/_-]+$/,
    source: 'AWS KMS API Reference, CreateAlias (AliasName: 1-256, ^[a-zA-Z0-9/_-]+$)',
  },
  // CloudWatch Logs "CreateLogGroup": 1-512, [\.\-_/#A-Za-z0-9]+.
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
  logGroup: {
    what: 'CloudWatch log group name',
    min: 1,
    max: 512,
    pattern: /^[.\-_/#A-Za-z0-9]+$/,
    source: 'CloudWatch Logs API Reference, CreateLogGroup (logGroupName: 1-512)',
  },
  // SNS "CreateTopic": up to 256 alphanumerics, hyphens and underscores.
  // https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
  snsTopic: {
    what: 'SNS topic name',
    min: 1,
    max: 256,
    pattern: /^[A-Za-z0-9_-]+$/,
    source: 'Amazon SNS API Reference, CreateTopic (Name: 1-256, [A-Za-z0-9_-])',
  },
  // EC2 "CreateLaunchTemplate": LaunchTemplateName 3-128, [a-zA-Z0-9\(\)\.\-/_]+.
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html
  launchTemplate: {
    what: 'launch template name',
    min: 3,
    max: 128,
    pattern: /^[a-zA-Z0-9().\-/_]+$/,
    source: 'Amazon EC2 API Reference, CreateLaunchTemplate (LaunchTemplateName: 3-128)',
  },
  // EC2 Auto Scaling "CreateAutoScalingGroup": AutoScalingGroupName 1-255.
  // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html
  autoScalingGroup: {
    what: 'auto scaling group name',
    min: 1,
    max: 255,
    pattern: /^[\x20-\x7e]+$/,
    source: 'Amazon EC2 Auto Scaling API Reference, CreateAutoScalingGroup (1-255)',
  },
  // EC2 "CreatePlacementGroup": GroupName up to 255 ASCII characters.
  placementGroup: {
    what: 'placement group name',
    min: 1,
    max: 255,
    pattern: /^[\x20-\x7e]+$/,
    source: 'Amazon EC2 User Guide, Placement groups (name up to 255 ASCII characters)',
  },
  // AWS Resource Groups "CreateGroup": Name 1-300 of letters, digits, _ . -; names starting with
  // "AWS" or "aws" are reserved. https://docs.aws.amazon.com/ARG/latest/APIReference/API_CreateGroup.html
  resourceGroup: {
    what: 'capacity reservation group name',
    min: 1,
    max: 300,
    pattern: /^(?![Aa][Ww][Ss])[A-Za-z0-9_.-]+$/,
    source: 'AWS Resource Groups API Reference, CreateGroup (Name: 1-300 of [a-zA-Z0-9_.-], no "AWS"/"aws" prefix)',
  },
  // CloudWatch "PutMetricAlarm" / "PutCompositeAlarm": AlarmName 1-255.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
  alarm: {
    what: 'CloudWatch alarm name',
    min: 1,
    max: 255,
    pattern: /^[\x20-\x7e]+$/,
    source: 'CloudWatch API Reference, PutMetricAlarm (AlarmName: 1-255)',
  },
  // CloudWatch "PutDashboard": up to 255 alphanumerics, "-" and "_".
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
  dashboard: {
    what: 'CloudWatch dashboard name',
    min: 1,
    max: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    source: 'CloudWatch API Reference, PutDashboard (DashboardName: 1-255, [A-Za-z0-9_-])',
  },
  // EC2 "CreateSecurityGroup": GroupName up to 255 characters, not starting with sg-.
  securityGroup: {
    what: 'security group name',
    min: 1,
    max: 255,
    pattern: /^(?!sg-)[\x20-\x7e]+$/,
    source: 'Amazon EC2 API Reference, CreateSecurityGroup (GroupName: up to 255, not sg-*)',
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/**
 * Prefixes and suffixes S3 reserves. Source: "General purpose bucket naming rules", Amazon S3
 * User Guide, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const S3_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
export const S3_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

/** Every way a name breaks its rule, as short clauses; empty when it is valid. */
export function nameProblems(kind: NameKind, name: string): string[] {
  const rule: NameRule = NAME_RULES[kind];
  const problems: string[] = [];
  if (name.length < rule.min || name.length > rule.max) {
    problems.push(`is ${name.length} characters long; AWS allows ${rule.min}-${rule.max} (${rule.source})`);
  }
  if (!rule.pattern.test(name)) problems.push(`has characters AWS does not allow (${rule.source})`);
  if (kind === 's3Bucket') {
    const s3 = 'Amazon S3 User Guide, General purpose bucket naming rules';
    const prefix = S3_RESERVED_PREFIXES.find((p) => name.startsWith(p));
    if (prefix) problems.push(`starts with "${prefix}", a prefix S3 reserves (${s3})`);
    const suffix = S3_RESERVED_SUFFIXES.find((s) => name.endsWith(s));
    if (suffix) problems.push(`ends with "${suffix}", a suffix S3 reserves (${s3})`);
    if (name.includes('..')) problems.push(`has two adjacent periods (${s3})`);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push(`is formatted as an IP address (${s3})`);
  }
  if (kind === 'kmsAlias' && name.startsWith('alias/aws/')) {
    problems.push(
      'starts with alias/aws/, which AWS reserves for AWS managed keys (AWS KMS API Reference, CreateAlias)',
    );
  }
  return problems;
}

/**
 * Tags. Source: "Tag naming limits and requirements", Tagging AWS Resources and Tag Editor
 * User Guide, https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html
 * At most 50 user tags per resource (provider default tags count); keys 1-128 and values
 * 0-256 Unicode characters of letters, digits, spaces and _ . : / = + - @; the aws: prefix
 * is reserved for AWS's own tags.
 */
export const TAG_LIMITS = {
  maxTagsPerResource: 50,
  maxKeyLength: 128,
  maxValueLength: 256,
  reservedPrefix: 'aws:',
  characters: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  source: 'Tagging AWS Resources User Guide, Tag naming limits and requirements',
} as const;

/**
 * EBS volume sizes per type, in GiB. Source: "Amazon EBS volume types", Amazon EBS User Guide,
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html (gp3 and gp2 1 GiB
 * to 16 TiB; io2 Block Express 4 GiB to 64 TiB; io1 4 GiB to 16 TiB). The launch template's
 * root volume is gp3 (constructs/compute/scalable-unit.ts).
 */
export const EBS_VOLUME_GIB = {
  gp3: { min: 1, max: 16_384 },
  gp2: { min: 1, max: 16_384 },
  io1: { min: 4, max: 16_384 },
  io2: { min: 4, max: 65_536 },
} as const;

export const ROOT_VOLUME_TYPE = 'gp3' as const satisfies keyof typeof EBS_VOLUME_GIB;
