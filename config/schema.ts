import { z } from 'zod';
import { INSTANCE_TYPE_NAMES } from './instance-types';
import { isCanonicalIpv4Cidr, parseIpv4Cidr } from './cidr';
import { AWS_REGIONS, DOTTED_QUAD_CIDR, EBS_VOLUME_GIB, ROOT_VOLUME_TYPE, TAG_LIMITS, VPC_PREFIX } from './aws-limits';
import { terraformLiteral } from './terraform-literal';
import { checkFabricRules } from './fabric-rules';
import { checkClusterRules, checkEnvironmentRules } from './rules';
import { checkPowerRules, powerSchema } from './power';
import { checkCoolingRules, coolingSchema } from './cooling';
import { checkPlacementRules } from './placement';
import { DEFAULT_SLO, sloSchema } from './slo';
import { checkCapacityRules } from './capacity';

// Ids end up in stack names, resource names and tags, so they stay DNS-label shaped.
const slug = z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, {
  message: 'must be lowercase letters, digits and hyphens (2-32 chars, starting with a letter)',
});

// Strict dotted quad first: the address library also takes 10.4.0/20 and 0xa.4.0.0/20, AWS does not.
const ipv4Cidr = z
  .string()
  .regex(DOTTED_QUAD_CIDR, {
    message:
      'must be an IPv4 CIDR block written as four decimal octets without leading zeros and a prefix, such as 10.0.0.0/16 (AWS accepts no other form)',
  })
  .refine(isCanonicalIpv4Cidr, {
    message: 'must be an IPv4 CIDR block with no host bits set, such as 10.0.0.0/16',
  });

/** A VPC primary or secondary block: AWS allows /16 to /28 (Amazon VPC User Guide, "VPC CIDR blocks"). */
const vpcCidr = ipv4Cidr.refine(
  (cidr) => {
    const block = parseIpv4Cidr(cidr);
    return !block || (block.prefix >= VPC_PREFIX.widest && block.prefix <= VPC_PREFIX.narrowest);
  },
  {
    message: `must be a /${VPC_PREFIX.widest} to /${VPC_PREFIX.narrowest} block: AWS allows VPC blocks from /${VPC_PREFIX.widest} to /${VPC_PREFIX.narrowest} (Amazon VPC User Guide, VPC CIDR blocks)`,
  },
);

const KNOWN_REGIONS = Object.keys(AWS_REGIONS) as [string, ...string[]];
const awsRegion = z.enum(KNOWN_REGIONS, {
  error: (issue) =>
    `unknown AWS region ${JSON.stringify(issue.input)}; known regions: ${KNOWN_REGIONS.join(', ')} (to add one, see AWS_REGIONS in config/aws-limits.ts)`,
});

/**
 * Tag keys the stacks set on every resource (provider default tags and resource tags). A
 * user tag with one of these keys would be silently replaced, so it is refused; and they
 * count against AWS's 50 tags per resource.
 */
export const PROJECT_TAG_KEYS = [
  'environment',
  'cluster',
  'owner',
  'data-classification',
  'managed-by',
  'stack',
  'hall',
  'tenant',
  'scalable-unit',
  'Name',
  // Set on an SU's Capacity Reservation group (constructs/compute/scalable-unit.ts).
  'capacity-model',
  'instance-type',
  'instance-count',
  'availability-zone',
] as const;

const MAX_USER_TAGS = TAG_LIMITS.maxTagsPerResource - PROJECT_TAG_KEYS.length;

// Tag keys stay ASCII words (no "$" or "%", so no Terraform template can start in one).
const tagKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$/, {
    message: `must be a tag key: a letter, then up to 127 letters, digits or _ . : / = + @ - (${TAG_LIMITS.source})`,
  })
  .refine((key) => !key.toLowerCase().startsWith(TAG_LIMITS.reservedPrefix), {
    message: `must not start with "${TAG_LIMITS.reservedPrefix}": AWS reserves that prefix for its own tags (${TAG_LIMITS.source})`,
  })
  .refine((key) => !(PROJECT_TAG_KEYS as readonly string[]).includes(key), {
    message: `is a tag colossus-infra sets on every resource (${PROJECT_TAG_KEYS.join(', ')}); choose another key`,
  });

const tagValue = z
  .string()
  .max(TAG_LIMITS.maxValueLength, {
    message: `must be at most ${TAG_LIMITS.maxValueLength} characters (${TAG_LIMITS.source})`,
  })
  .regex(TAG_LIMITS.characters, {
    message: `must hold only letters, digits, spaces and _ . : / = + - @ (${TAG_LIMITS.source})`,
  });

const positiveInt = z.number().int().positive();

export const backendSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('local'),
  }),
  z.strictObject({
    type: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      message: 'must be a valid S3 bucket name (Amazon S3 User Guide, General purpose bucket naming rules)',
    }),
    region: awsRegion,
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

/**
 * The GitHub repository whose Actions workflows plan and deploy the environment, through
 * GitHub's OIDC tokens and the two roles of the bootstrap stack (constructs/delivery/).
 * Name rules, so a typo fails here rather than as a role nobody can assume:
 * - owner: letters, digits and single hyphens, not at either end, at most 39 characters
 *   (GitHub Docs, "Creating an account on GitHub": username rules);
 * - repository: ASCII letters, digits, ".", "-" and "_", at most 100 characters, not "." or ".."
 *   (GitHub Docs, "Creating a new repository"; the REST API refuses longer names);
 * - GitHub environment: at most 255 characters (GitHub Docs, "Managing environments for
 *   deployment"); held here to letters, digits, ".", "-" and "_", which the OIDC `sub` claim
 *   carries verbatim and IAM compares exactly.
 */
const githubOwner = '[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}';
const githubRepository = '(?!\\.\\.?$)[A-Za-z0-9._-]{1,100}';
export const deliverySchema = z.strictObject({
  repository: z.string().regex(new RegExp(`^${githubOwner}/${githubRepository}$`), {
    message:
      'must be <owner>/<repository> as GitHub spells it: an owner of letters, digits and single inner hyphens (at most 39), a name of letters, digits, ".", "-" and "_" (at most 100)',
  }),
  githubEnvironment: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, {
      message: 'must be a GitHub environment name of letters, digits, ".", "-" and "_" (at most 255 characters)',
    })
    .optional()
    .describe(
      'The GitHub environment whose jobs may deploy (its required reviewers approve); default: the environment name',
    ),
  defaultBranch: z
    .string()
    .regex(/^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]{1,255}$/, {
      message:
        'must be a branch name of letters, digits, ".", "-", "_" and "/", with no ".." and no leading or trailing "/"',
    })
    .default('main')
    .describe('The branch the scheduled drift check runs on (the plan role trusts it)'),
  createOidcProvider: z
    .boolean()
    .default(true)
    .describe("false when the account already has GitHub's OIDC provider (IAM holds one provider per URL per account)"),
});

export const environmentSchema = z.strictObject({
  name: slug,
  region: awsRegion,
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
  tags: z
    .record(tagKey, terraformLiteral(tagValue))
    .refine((tags) => Object.keys(tags).length <= MAX_USER_TAGS, {
      message: `at most ${MAX_USER_TAGS} tags: AWS allows ${TAG_LIMITS.maxTagsPerResource} per resource and colossus-infra sets ${PROJECT_TAG_KEYS.length} (${TAG_LIMITS.source})`,
    })
    .default({}),
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
  delivery: deliverySchema
    .optional()
    .describe('GitHub Actions delivery: the repository whose workflows may plan and deploy (S3 backend only)'),
});

export const hallSchema = z.strictObject({
  id: slug,
  availabilityZone: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, {
    message: 'must be an availability zone name, such as us-east-1a',
  }),
  scalableUnits: positiveInt.describe('Scalable units (SUs) the hall holds'),
  fabricCidr: vpcCidr.describe('Secondary VPC block for the hall GPU fabric subnet'),
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
  rootVolumeGiB: positiveInt
    .min(EBS_VOLUME_GIB[ROOT_VOLUME_TYPE].min)
    .max(EBS_VOLUME_GIB[ROOT_VOLUME_TYPE].max, {
      message: `must be at most ${EBS_VOLUME_GIB[ROOT_VOLUME_TYPE].max} GiB, the largest ${ROOT_VOLUME_TYPE} volume (Amazon EBS User Guide, Amazon EBS volume types)`,
    })
    .default(512)
    .describe(`Root volume of every node (${ROOT_VOLUME_TYPE}), in GiB`),
  capacity: z
    .enum(['on-demand-reservation', 'capacity-block'])
    .default('on-demand-reservation')
    .describe(
      'How the SUs hold capacity: on-demand-reservation (Terraform reserves it) or capacity-block (Capacity Blocks for ML bought outside Terraform, added to each SU capacity reservation group)',
    ),
});

export const addressPlanSchema = z.strictObject({
  supernet: ipv4Cidr.describe('Every address of the cluster lies in this block'),
  platformCidr: vpcCidr.describe('The cluster (shared services) VPC primary block'),
});

export const DATA_CLASSIFICATIONS = ['internal', 'confidential', 'restricted'] as const;

export const allocationSchema = z.strictObject({
  hall: slug,
  // Explicit placement: the SUs are su-<firstUnit> onwards in the hall, whatever the tenant order.
  firstUnit: z
    .number()
    .int()
    .nonnegative()
    .describe(
      'Index of the first SU of this allocation in the hall (su-000 is 0); the run is firstUnit..firstUnit+scalableUnits-1',
    ),
  scalableUnits: positiveInt,
});

export const tenantSchema = z.strictObject({
  id: slug,
  displayName: terraformLiteral(z.string().min(1).max(128)),
  cidr: vpcCidr,
  allocations: z.array(allocationSchema),
  contractedGpus: positiveInt,
  dataClassification: z.enum(DATA_CLASSIFICATIONS),
  slo: sloSchema.default(DEFAULT_SLO),
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
    isolation: z
      .strictObject({
        allowedSharedServices: z
          .array(
            z.strictObject({
              resource: z
                .string()
                .min(1)
                .describe('Terraform address (type.name or "<stack>: type.name"), or the resource name or Name tag'),
              reason: z
                .string()
                .trim()
                .min(20, { message: 'must explain why the service may be shared, in at least 20 characters' }),
            }),
          )
          .default([])
          .describe('Shared services (load balancers, endpoint services, file systems) that two tenants may reach'),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    for (const problem of checkEnvironmentRules(config)) ctx.addIssue({ code: 'custom', ...problem });
    config.clusters.forEach((cluster, index) => {
      for (const problem of checkClusterRules(cluster, config.environment, ['clusters', index])) {
        ctx.addIssue({ code: 'custom', ...problem });
      }
      const path = ['clusters', index];
      for (const problem of [
        ...checkPowerRules(cluster, path),
        ...checkCoolingRules(cluster, path),
        ...checkFabricRules(cluster, path),
        ...checkCapacityRules(cluster, path),
      ]) {
        ctx.addIssue({ code: 'custom', ...problem });
      }
      for (const problem of checkPlacementRules(cluster, path)) ctx.addIssue({ code: 'custom', ...problem });
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
