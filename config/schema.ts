import { z } from 'zod';
import { INSTANCE_TYPE_NAMES } from './instance-types';
import { isCanonicalIpv4Cidr } from './cidr';
import { checkClusterRules, checkEnvironmentRules } from './rules';
import { checkPowerRules, powerSchema } from './power';
import { checkCoolingRules, coolingSchema } from './cooling';

// Ids end up in stack names, resource names and tags, so they stay DNS-label shaped.
const slug = z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, {
  message: 'must be lowercase letters, digits and hyphens (2-32 chars, starting with a letter)',
});

const ipv4Cidr = z.string().refine(isCanonicalIpv4Cidr, {
  message: 'must be an IPv4 CIDR block with no host bits set, such as 10.0.0.0/16',
});

const positiveInt = z.number().int().positive();

export const backendSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('local'),
  }),
  z.strictObject({
    type: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      message: 'must be a valid S3 bucket name',
    }),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region' }),
    keyPrefix: z.string().regex(/^[a-z0-9][a-z0-9/-]*[a-z0-9]$/, {
      message: 'must be a path of lowercase segments, with no leading or trailing slash',
    }),
  }),
]);

/**
 * Resources the pinned AWS emulator (moto, tools/emulator.ts) cannot create or read back.
 * An environment that runs on the emulator may switch these off; no other environment may.
 */
export const EMULATOR_GAPS = [
  'cluster-placement-groups',
  'capacity-reservations',
  'composite-alarms',
  'tgw-default-route-table-options',
  'tls-only-bucket-policies',
  'kms-rotation-period',
  'tgw-attachment-tags',
  'security-group-rule-read-back',
  'tgw-route-read-back',
  'launch-template-read-back',
  'tgw-attachment-delete',
  'aws-managed-policies',
] as const;

export const environmentSchema = z.strictObject({
  name: slug,
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region, such as us-east-1' }),
  accountId: z.string().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id, quoted as a string' }),
  owner: slug.describe('Team that owns every resource; becomes the owner tag'),
  backend: backendSchema,
  logRetentionDays: z
    .union([
      z.literal(90),
      z.literal(180),
      z.literal(365),
      z.literal(400),
      z.literal(545),
      z.literal(731),
      z.literal(1827),
      z.literal(3653),
    ])
    .default(365)
    .describe('CloudWatch retention for flow and audit logs; one of the values CloudWatch accepts'),
  tags: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$/), z.string().max(256)).default({}),
  platformAdminRole: z
    .string()
    .regex(/^[A-Za-z0-9+=,.@_-]{1,64}$/, { message: 'must be an IAM role name' })
    .default('colossus-platform-admin')
    .describe('IAM role that administers tenant KMS keys; it never reads tenant data'),
  runsOn: z
    .enum(['aws', 'emulator'])
    .default('aws')
    .describe('Where the environment is deployed; only an emulator environment may use the two fields below'),
  emulatorGaps: z
    .array(z.enum(EMULATOR_GAPS))
    .default([])
    .describe('Resources the AWS emulator cannot create, left out of this environment (runsOn: emulator only)'),
  protectStatefulResources: z
    .boolean()
    .default(true)
    .describe('prevent_destroy on state, keys, log groups and buckets; false only with runsOn: emulator'),
});

export const hallSchema = z.strictObject({
  id: slug,
  availabilityZone: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, {
    message: 'must be an availability zone name, such as us-east-1a',
  }),
  scalableUnits: positiveInt.describe('Scalable units (SUs) the hall holds'),
  fabricCidr: ipv4Cidr.describe('Secondary VPC block for the hall GPU fabric subnet'),
});

export const fabricSchema = z.strictObject({
  instanceType: z.enum(INSTANCE_TYPE_NAMES, {
    error: (issue) =>
      `unknown instance type ${JSON.stringify(issue.input)}; known types: ${INSTANCE_TYPE_NAMES.join(', ')}`,
  }),
  gpusPerNode: positiveInt,
  nodesPerRack: positiveInt,
  racksPerScalableUnit: positiveInt,
  imageSsmParameter: z.string().regex(/^\/[A-Za-z0-9_.\-/]+$/, {
    message: 'must be an SSM parameter path that holds an AMI id',
  }),
  rootVolumeGiB: positiveInt.default(512),
});

export const addressPlanSchema = z.strictObject({
  supernet: ipv4Cidr.describe('Every address of the cluster lies in this block'),
  platformCidr: ipv4Cidr.describe('The cluster (shared services) VPC primary block'),
});

export const DATA_CLASSIFICATIONS = ['internal', 'confidential', 'restricted'] as const;

export const allocationSchema = z.strictObject({
  hall: slug,
  scalableUnits: positiveInt,
});

export const tenantSchema = z.strictObject({
  id: slug,
  displayName: z.string().min(1).max(128),
  cidr: ipv4Cidr,
  allocations: z.array(allocationSchema),
  contractedGpus: positiveInt,
  dataClassification: z.enum(DATA_CLASSIFICATIONS),
});

export const CLUSTER_IDS = ['colossus-1', 'colossus-2'] as const;

export const clusterSchema = z.strictObject({
  id: z.enum(CLUSTER_IDS),
  addressPlan: addressPlanSchema,
  fabric: fabricSchema,
  halls: z.array(hallSchema).min(1),
  tenants: z.array(tenantSchema),
  power: powerSchema,
  cooling: coolingSchema,
});

// An accepted exception to one compliance rule for one construct (policy/suppressions.ts).
export const suppressionSchema = z.strictObject({
  rule: z.string().regex(/^CLX-[A-Z]{3}-\d{3}$/, { message: 'must be one rule id, such as CLX-ENC-001' }),
  path: z.string().regex(/^[^/]+\/.+$/, { message: 'must be a construct path inside a stack: <stack>/<construct>...' }),
  reason: z.string().trim().min(20, { message: 'must explain the exception in at least 20 characters' }),
  expires: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).optional(),
});

export const configSchema = z
  .strictObject({
    environment: environmentSchema,
    clusters: z.array(clusterSchema).min(1),
    compliance: z.strictObject({ suppressions: z.array(suppressionSchema).default([]) }).optional(),
  })
  .superRefine((config, ctx) => {
    for (const problem of checkEnvironmentRules(config)) ctx.addIssue({ code: 'custom', ...problem });
    config.clusters.forEach((cluster, index) => {
      for (const problem of checkClusterRules(cluster, config.environment, ['clusters', index])) {
        ctx.addIssue({ code: 'custom', ...problem });
      }
      const path = ['clusters', index];
      for (const problem of [...checkPowerRules(cluster, path), ...checkCoolingRules(cluster, path)]) {
        ctx.addIssue({ code: 'custom', ...problem });
      }
    });
  });

export type ColossusConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = ColossusConfig['environment'];
export type BackendConfig = EnvironmentConfig['backend'];
export type EmulatorGap = (typeof EMULATOR_GAPS)[number];
export type ClusterConfig = ColossusConfig['clusters'][number];
export type HallConfig = ClusterConfig['halls'][number];
export type FabricConfig = ClusterConfig['fabric'];
export type TenantConfig = ClusterConfig['tenants'][number];
export type DataClassification = TenantConfig['dataClassification'];
