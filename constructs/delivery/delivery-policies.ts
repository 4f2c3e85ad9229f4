/**
 * The documents of the delivery roles, as pure functions of the account, region and state
 * location, so tests read them directly.
 *
 * The compliance pack holds every identity policy and boundary to: no service-wide wildcard
 * (CLX-IAM-007), Resource "*" only for actions that take no resource (CLX-IAM-008, with the
 * catalogue in policy/catalogue/privilege-escalation.ts), no NotAction/NotResource (CLX-IAM-009).
 * Everything else is granted on the account's and region's ARNs. ARN formats: Service
 * Authorization Reference, the "Resource types defined by ..." table of each service.
 */

type Statement = Record<string, unknown>;

export interface DeliveryScope {
  readonly accountId: string;
  readonly region: string;
  /** ARN of the state bucket (may be a Terraform reference). */
  readonly stateBucketArn: string;
  /** ARN of the state bucket's KMS key (may be a Terraform reference). */
  readonly stateKeyArn: string;
  /** The environment's state objects live under this prefix of the bucket. */
  readonly keyPrefix: string;
}

/**
 * The boundaries a role the deploy role creates or changes may carry: the deploy role's own, and
 * the stacks' boundary policies, all named `<environment>-...-boundary` (the tenant roles' and the
 * flow-log roles'). Exact ARNs and an ArnLike pattern, since the stacks' policies are created
 * with the roles. Literal ARNs rather than references: the boundary cannot refer to itself.
 */
export interface RoleBoundaries {
  readonly own: string;
  readonly stacks: string;
  /**
   * The only roles the deploy role may pass to EC2: the GPU nodes' roles of the tenancy stacks
   * (`<environment>-<cluster>-<owner>-gpu-node`, config/account-names.ts gpuNodeRoleName).
   */
  readonly nodeRoles: string;
}

/** The boundaries of `RoleBoundaries` for an account, the deploy boundary's name and the environment. */
export function roleBoundaries(accountId: string, ownName: string, environment: string): RoleBoundaries {
  return {
    own: `arn:aws:iam::${accountId}:policy/${ownName}`,
    stacks: `arn:aws:iam::${accountId}:policy/${environment}-*-boundary`,
    nodeRoles: `arn:aws:iam::${accountId}:role/${environment}-*-gpu-node`,
  };
}

export interface ProtectedIdentities {
  /**
   * Exact ARNs of the delivery roles and policies and of the OIDC provider: no pipeline job may
   * change them. Exact, not a prefix: a tenant role could share any prefix.
   */
  readonly arns: readonly string[];
}

const arns = (s: DeliveryScope) => ({
  ec2: `arn:aws:ec2:${s.region}:${s.accountId}:*`,
  // Public and Amazon-owned AMIs have no account in their ARN (EC2 "image" resource type).
  images: `arn:aws:ec2:${s.region}::image/*`,
  autoScalingGroups: `arn:aws:autoscaling:${s.region}:${s.accountId}:autoScalingGroup:*:autoScalingGroupName/*`,
  alarms: `arn:aws:cloudwatch:${s.region}:${s.accountId}:alarm:*`,
  // Dashboards are global: no region in their ARN.
  dashboards: `arn:aws:cloudwatch::${s.accountId}:dashboard/*`,
  logGroups: `arn:aws:logs:${s.region}:${s.accountId}:log-group:*`,
  topics: `arn:aws:sns:${s.region}:${s.accountId}:*`,
  keys: `arn:aws:kms:${s.region}:${s.accountId}:key/*`,
  aliases: `arn:aws:kms:${s.region}:${s.accountId}:alias/*`,
  // Bucket ARNs carry neither account nor region; object actions are granted on the state only.
  buckets: 'arn:aws:s3:::*',
  roles: `arn:aws:iam::${s.accountId}:role/*`,
  policies: `arn:aws:iam::${s.accountId}:policy/*`,
  oidcProviders: `arn:aws:iam::${s.accountId}:oidc-provider/*`,
  trails: `arn:aws:cloudtrail:${s.region}:${s.accountId}:trail/*`,
  groups: `arn:aws:resource-groups:${s.region}:${s.accountId}:group/*`,
  // The GPU agent's configuration, one parameter per owner of nodes (constructs/compute/gpu-node-role.ts).
  parameters: `arn:aws:ssm:${s.region}:${s.accountId}:parameter/colossus/*`,
  instanceProfiles: `arn:aws:iam::${s.accountId}:instance-profile/*`,
});

/**
 * Read actions that take no resource, so Resource "*" is the only way to grant them; each is in
 * the compliance pack's catalogue of such actions, with its source.
 */
export const READ_WITHOUT_RESOURCE: readonly string[] = [
  'ec2:Describe*',
  'ec2:GetEbsEncryptionByDefault',
  'ec2:GetEbsDefaultKmsKeyId',
  'autoscaling:Describe*',
  'logs:DescribeLogGroups',
  'kms:ListAliases',
  'cloudtrail:DescribeTrails',
  'config:DescribeConfigurationRecorders',
  'config:DescribeConfigurationRecorderStatus',
  'config:DescribeDeliveryChannels',
  'ssm:DescribeParameters',
  'sts:GetCallerIdentity',
];

/** Write actions that take no resource (same catalogue). */
export const WRITE_WITHOUT_RESOURCE: readonly string[] = [
  'ec2:EnableEbsEncryptionByDefault',
  'ec2:DisableEbsEncryptionByDefault',
  'kms:CreateKey',
  'config:PutConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:StartConfigurationRecorder',
  'config:StopConfigurationRecorder',
  'config:PutDeliveryChannel',
  'config:DeleteDeliveryChannel',
];

/** What Terraform's refresh reads of every resource type the stacks manage: configuration, never data. */
function readStatements(s: DeliveryScope): Statement[] {
  const a = arns(s);
  return [
    { Sid: 'ReadWithoutResource', Effect: 'Allow', Action: [...READ_WITHOUT_RESOURCE], Resource: '*' },
    {
      Sid: 'ReadNetwork',
      Effect: 'Allow',
      Action: [
        'ec2:GetTransitGatewayRouteTableAssociations',
        'ec2:GetTransitGatewayRouteTablePropagations',
        'ec2:SearchTransitGatewayRoutes',
        'ec2:GetLaunchTemplateData',
      ],
      Resource: a.ec2,
    },
    {
      Sid: 'ReadAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource', 'cloudwatch:GetDashboard'],
      Resource: [a.alarms, a.dashboards],
    },
    {
      Sid: 'ReadLogs',
      Effect: 'Allow',
      Action: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
      Resource: a.logGroups,
    },
    {
      Sid: 'ReadTopics',
      Effect: 'Allow',
      Action: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
      Resource: a.topics,
    },
    {
      Sid: 'ReadKeys',
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      Resource: a.keys,
    },
    {
      Sid: 'ReadBuckets',
      Effect: 'Allow',
      Action: [
        's3:GetBucket*',
        's3:GetEncryptionConfiguration',
        's3:GetLifecycleConfiguration',
        's3:GetAccelerateConfiguration',
        's3:GetReplicationConfiguration',
      ],
      Resource: a.buckets,
    },
    {
      Sid: 'ReadIam',
      Effect: 'Allow',
      Action: [
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListRoleTags',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:ListPolicyVersions',
        'iam:ListPolicyTags',
        'iam:GetOpenIDConnectProvider',
        'iam:GetInstanceProfile',
        'iam:ListInstanceProfileTags',
      ],
      Resource: [a.roles, a.policies, a.oidcProviders, a.instanceProfiles],
    },
    {
      Sid: 'ReadTrails',
      Effect: 'Allow',
      Action: [
        'cloudtrail:GetTrail',
        'cloudtrail:GetTrailStatus',
        'cloudtrail:GetEventSelectors',
        'cloudtrail:ListTags',
      ],
      Resource: a.trails,
    },
    {
      Sid: 'ReadParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource'],
      Resource: a.parameters,
    },
    {
      Sid: 'ReadGroups',
      Effect: 'Allow',
      Action: [
        'resource-groups:GetGroup',
        'resource-groups:GetGroupConfiguration',
        'resource-groups:GetGroupQuery',
        'resource-groups:GetTags',
      ],
      Resource: a.groups,
    },
  ];
}

const document = (statements: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/**
 * The plan role: Terraform's refresh of every stack, and the state read without a lock
 * (`-lock=false`: a lock is a write). No object of any other bucket, no decrypt with any other key.
 */
export function planPolicy(s: DeliveryScope): string {
  return document([
    { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: s.stateBucketArn },
    { Sid: 'StateRead', Effect: 'Allow', Action: 's3:GetObject', Resource: `${s.stateBucketArn}/${s.keyPrefix}/*` },
    { Sid: 'StateKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: s.stateKeyArn },
    ...readStatements(s),
  ]);
}

/** What applying the stacks takes: the reads, state writes and locks, and each managed type's writes. */
function deployStatements(s: DeliveryScope, b: RoleBoundaries): Statement[] {
  const a = arns(s);
  // IAM checks the boundary a role gets or has against this key on each action that creates a
  // role or changes its permissions (Service Authorization Reference, IAM, iam:PermissionsBoundary;
  // the catalogue is BOUNDARY_CONDITIONED_ACTIONS): a role made here is never freer than these.
  const bounded = { 'iam:PermissionsBoundary': [b.own, b.stacks] };
  return [
    { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: s.stateBucketArn },
    {
      Sid: 'StateObjects',
      Effect: 'Allow',
      // The lock is an object beside the state (use_lockfile), deleted on release.
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: `${s.stateBucketArn}/${s.keyPrefix}/*`,
    },
    {
      Sid: 'StateKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: s.stateKeyArn,
    },
    ...readStatements(s),
    { Sid: 'WriteWithoutResource', Effect: 'Allow', Action: [...WRITE_WITHOUT_RESOURCE], Resource: '*' },
    {
      Sid: 'WriteNetworkAndCompute',
      Effect: 'Allow',
      Action: [
        'ec2:Create*',
        'ec2:Delete*',
        'ec2:Modify*',
        'ec2:Associate*',
        'ec2:Disassociate*',
        'ec2:Authorize*',
        'ec2:Revoke*',
        'ec2:Replace*',
        'ec2:EnableTransitGatewayRouteTablePropagation',
        'ec2:DisableTransitGatewayRouteTablePropagation',
        'ec2:CancelCapacityReservation',
        // EC2 Auto Scaling checks that the caller may launch the group's launch template.
        'ec2:RunInstances',
      ],
      Resource: [a.ec2, a.images],
    },
    {
      Sid: 'WriteAutoScaling',
      Effect: 'Allow',
      Action: [
        'autoscaling:CreateAutoScalingGroup',
        'autoscaling:UpdateAutoScalingGroup',
        'autoscaling:DeleteAutoScalingGroup',
        'autoscaling:CreateOrUpdateTags',
        'autoscaling:DeleteTags',
      ],
      Resource: a.autoScalingGroups,
    },
    {
      Sid: 'WriteAlarms',
      Effect: 'Allow',
      Action: [
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:PutCompositeAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:PutDashboard',
        'cloudwatch:DeleteDashboards',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
      ],
      Resource: [a.alarms, a.dashboards],
    },
    {
      Sid: 'WriteLogs',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:AssociateKmsKey',
        'logs:DisassociateKmsKey',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:TagLogGroup',
        'logs:UntagLogGroup',
      ],
      Resource: a.logGroups,
    },
    {
      Sid: 'WriteTopics',
      Effect: 'Allow',
      Action: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource'],
      Resource: a.topics,
    },
    {
      Sid: 'WriteKeys',
      Effect: 'Allow',
      Action: [
        'kms:CreateAlias',
        'kms:DeleteAlias',
        'kms:UpdateAlias',
        'kms:PutKeyPolicy',
        'kms:EnableKeyRotation',
        'kms:DisableKeyRotation',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
        'kms:UpdateKeyDescription',
        'kms:TagResource',
        'kms:UntagResource',
      ],
      Resource: [a.keys, a.aliases],
    },
    {
      Sid: 'WriteBuckets',
      Effect: 'Allow',
      Action: [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:PutBucket*',
        's3:DeleteBucketPolicy',
        's3:PutEncryptionConfiguration',
        's3:PutLifecycleConfiguration',
      ],
      Resource: a.buckets,
    },
    {
      Sid: 'WriteRolesAndPolicies',
      Effect: 'Allow',
      Action: [
        'iam:DeleteRole',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
        'iam:UpdateAssumeRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:CreatePolicy',
        'iam:DeletePolicy',
        'iam:CreatePolicyVersion',
        'iam:DeletePolicyVersion',
        'iam:TagPolicy',
        'iam:UntagPolicy',
      ],
      Resource: [a.roles, a.policies],
    },
    {
      // Creating a role or changing its permissions only with one of the allowed boundaries on it;
      // removing a boundary (iam:DeleteRolePermissionsBoundary) is never granted, and denied by
      // the deploy boundary.
      Sid: 'ChangeBoundedRoles',
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'],
      Resource: a.roles,
      Condition: { ArnLike: bounded },
    },
    {
      // The stacks attach their own policies and, to the AWS Config role, AWS_ConfigRole: never
      // another AWS managed policy such as AdministratorAccess (iam:PolicyARN, Service
      // Authorization Reference, IAM condition keys).
      Sid: 'AttachStackPolicies',
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      Resource: a.roles,
      Condition: {
        ArnLike: {
          'iam:PolicyARN': [a.policies, 'arn:aws:iam::aws:policy/service-role/AWS_ConfigRole'],
          ...bounded,
        },
      },
    },
    {
      // Flow logs and AWS Config act with the roles the stacks give them; nothing else may receive one.
      Sid: 'PassServiceRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: a.roles,
      Condition: { StringEquals: { 'iam:PassedToService': ['vpc-flow-logs.amazonaws.com', 'config.amazonaws.com'] } },
    },
    {
      // The GPU nodes' instance profiles hold their owner's node role (SSM read of its own agent
      // configuration, PutMetricData to its own namespace); EC2 receives only those roles.
      Sid: 'PassNodeRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: b.nodeRoles,
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
    {
      Sid: 'WriteInstanceProfiles',
      Effect: 'Allow',
      Action: [
        'iam:CreateInstanceProfile',
        'iam:DeleteInstanceProfile',
        'iam:AddRoleToInstanceProfile',
        'iam:RemoveRoleFromInstanceProfile',
        'iam:TagInstanceProfile',
        'iam:UntagInstanceProfile',
      ],
      Resource: a.instanceProfiles,
    },
    {
      Sid: 'WriteParameters',
      Effect: 'Allow',
      Action: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
      Resource: a.parameters,
    },
    {
      Sid: 'WriteTrails',
      Effect: 'Allow',
      Action: [
        'cloudtrail:CreateTrail',
        'cloudtrail:DeleteTrail',
        'cloudtrail:UpdateTrail',
        'cloudtrail:StartLogging',
        'cloudtrail:StopLogging',
        'cloudtrail:PutEventSelectors',
        'cloudtrail:AddTags',
        'cloudtrail:RemoveTags',
      ],
      Resource: a.trails,
    },
    {
      Sid: 'WriteGroups',
      Effect: 'Allow',
      Action: [
        'resource-groups:CreateGroup',
        'resource-groups:DeleteGroup',
        'resource-groups:UpdateGroup',
        'resource-groups:UpdateGroupQuery',
        'resource-groups:PutGroupConfiguration',
        'resource-groups:Tag',
        'resource-groups:Untag',
      ],
      Resource: a.groups,
    },
  ];
}

export function deployPolicy(s: DeliveryScope, b: RoleBoundaries): string {
  return document(deployStatements(s, b));
}

/**
 * The deploy role's permission boundary: a ceiling no later policy can lift, and explicit denies
 * on what would let the role undo its own limits or lose the environment's state: the delivery
 * identities (its own role and boundary, the plan role, the OIDC provider) and the destruction
 * or re-keying of the state bucket and key. A boundary is a managed policy, held to 6,144
 * characters (IAM User Guide, "IAM and AWS STS quotas"), so the ceiling is written by verb over
 * the account's ARNs rather than repeating the policy action by action; it grants nothing by
 * itself (a boundary only limits), and it never reaches objects or keys beyond the state's.
 */
export function deployBoundary(s: DeliveryScope, b: RoleBoundaries, identities: ProtectedIdentities): string {
  const a = arns(s);
  const statements = deployStatements(s, b);
  const keep = (sid: string) => statements.find((x) => x.Sid === sid)!;
  return document([
    keep('StateList'),
    keep('StateObjects'),
    keep('StateKey'),
    keep('ReadWithoutResource'),
    keep('WriteWithoutResource'),
    // One statement for both passes, to keep the boundary under 6,144 characters: the ceiling lets
    // roles go to flow logs, AWS Config and EC2; the deploy policy narrows EC2 to the node roles.
    {
      ...keep('PassServiceRoles'),
      Sid: 'PassRoles',
      Condition: {
        StringEquals: {
          'iam:PassedToService': ['vpc-flow-logs.amazonaws.com', 'config.amazonaws.com', 'ec2.amazonaws.com'],
        },
      },
    },
    keep('AttachStackPolicies'),
    keep('ChangeBoundedRoles'),
    {
      Sid: 'Ceiling',
      Effect: 'Allow',
      Action: [
        ...[
          'Get*',
          'Search*',
          'Create*',
          'Delete*',
          'Modify*',
          'Associate*',
          'Disassociate*',
          'Authorize*',
          'Revoke*',
        ].map((v) => `ec2:${v}`),
        'ec2:Replace*',
        'ec2:*TransitGatewayRouteTablePropagation',
        'ec2:CancelCapacityReservation',
        'ec2:RunInstances',
        'autoscaling:*AutoScalingGroup',
        'autoscaling:*Tags',
        ...['Describe*', 'Get*', 'List*', 'Put*', 'Delete*', '*Resource'].map((v) => `cloudwatch:${v}`),
        ...['Create*', 'Delete*', 'Put*', 'List*', '*KmsKey', '*Resource', '*LogGroup'].map((v) => `logs:${v}`),
        ...['Get*', 'List*', 'CreateTopic', 'DeleteTopic', 'SetTopicAttributes', '*Resource'].map((v) => `sns:${v}`),
        ...[
          'Describe*',
          'Get*',
          'List*',
          '*Alias',
          'PutKeyPolicy',
          '*KeyRotation',
          '*KeyDeletion',
          'UpdateKeyDescription',
          '*Resource',
        ].map((v) => `kms:${v}`),
        ...[
          'GetBucket*',
          'Get*Configuration',
          'CreateBucket',
          'DeleteBucket',
          'PutBucket*',
          'DeleteBucketPolicy',
          'Put*Configuration',
        ].map((v) => `s3:${v}`),
        ...(keep('WriteRolesAndPolicies').Action as string[]),
        ...['Get*', 'List*', '*InstanceProfile'].map((v) => `iam:${v}`),
        // Get, Put and DeleteParameter; GetParameters; Add, Remove and ListTags...Resource.
        ...['*Parameter', 'GetParameters', '*Resource'].map((v) => `ssm:${v}`),
        ...['Get*', 'List*', '*Trail', '*Logging', 'PutEventSelectors', '*Tags'].map((v) => `cloudtrail:${v}`),
        ...['Get*', '*Group', 'UpdateGroupQuery', 'PutGroupConfiguration', 'Tag', 'Untag'].map(
          (v) => `resource-groups:${v}`,
        ),
      ],
      Resource: [
        a.ec2,
        a.images,
        a.autoScalingGroups,
        a.alarms,
        a.dashboards,
        a.logGroups,
        a.topics,
        a.keys,
        a.aliases,
        a.buckets,
        a.roles,
        a.policies,
        a.oidcProviders,
        a.instanceProfiles,
        a.trails,
        a.groups,
        a.parameters,
      ],
    },
    { Sid: 'DenyDeliveryIdentities', Effect: 'Deny', Action: 'iam:*', Resource: [...identities.arns] },
    // Whatever a later policy grants, no boundary comes off a role or user.
    {
      Sid: 'DenyBoundaryRemoval',
      Effect: 'Deny',
      Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
      Resource: '*',
    },
    {
      Sid: 'DenyStateBucketLoss',
      Effect: 'Deny',
      Action: ['s3:DeleteBucket', 's3:DeleteBucketPolicy', 's3:PutBucketPolicy', 's3:PutBucketVersioning'],
      Resource: s.stateBucketArn,
    },
    {
      Sid: 'DenyStateKeyLoss',
      Effect: 'Deny',
      Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'],
      Resource: s.stateKeyArn,
    },
  ]);
}
