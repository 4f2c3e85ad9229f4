import { z } from 'zod';
import { INSTANCE_TYPE_NAMES } from './instance-types';
import { isCanonicalIpv4Cidr } from './cidr';
import { checkClusterRules, checkEnvironmentRules } from './rules';

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
});

export const configSchema = z
  .strictObject({
    environment: environmentSchema,
    clusters: z.array(clusterSchema).min(1),
  })
  .superRefine((config, ctx) => {
    for (const problem of checkEnvironmentRules(config)) ctx.addIssue({ code: 'custom', ...problem });
    config.clusters.forEach((cluster, index) => {
      for (const problem of checkClusterRules(cluster, config.environment, ['clusters', index])) {
        ctx.addIssue({ code: 'custom', ...problem });
      }
    });
  });

export type ColossusConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = ColossusConfig['environment'];
export type BackendConfig = EnvironmentConfig['backend'];
export type ClusterConfig = ColossusConfig['clusters'][number];
export type HallConfig = ClusterConfig['halls'][number];
export type FabricConfig = ClusterConfig['fabric'];
export type TenantConfig = ClusterConfig['tenants'][number];
export type DataClassification = TenantConfig['dataClassification'];
