import { Construct } from 'constructs';
import { TerraformResource } from 'cdktf';
import { CustomerManagedKey } from '../encryption/customer-managed-key';
import { EfaSecurityGroup } from '../compute/efa-security-group';
import { NodeSecurityGroup } from '../compute/node-security-group';
import { SecureBucket } from '../storage/secure-bucket';
import { TenantNetwork, type TenantSubnetProps } from './tenant-network';
import { TenantRole } from './tenant-role';
import { TenantTransitRouting } from './tenant-transit-routing';

export interface TenantBoundaryProps {
  /** Cluster-scoped prefix for network names, such as prod-colossus-1-lab-alpha. */
  readonly name: string;
  /** Account-wide names of the tenant's role, key alias and data bucket. */
  readonly accountNames: { readonly role: string; readonly keyAlias: string; readonly bucket: string };
  readonly tenantId: string;
  /** The tenant's name for people, in descriptions; already escaped for Terraform by the config schema. */
  readonly displayName: string;
  readonly dataClassification: string;
  readonly cidr: string;
  readonly subnets: readonly TenantSubnetProps[];
  readonly otherTenants: readonly { readonly tenantId: string; readonly cidr: string }[];
  readonly sharedServicesCidr: string;
  readonly sharedServicesVpcRouteTableIds: Readonly<Record<string, string>>;
  readonly transitGatewayId: string;
  readonly sharedServicesAttachmentId: string;
  readonly sharedServicesRouteTableId: string;
  readonly platformAdminRoleArn: string;
  readonly accountId: string;
  readonly region: string;
  readonly logRetentionDays: number;
  /** Set the attachment's default-route-table flags to false explicitly; off only where the AWS emulator hangs on them. */
  readonly explicitAttachmentFlags?: boolean;
  /** The data bucket's deny-unless-TLS policy; off only where the AWS emulator denies every request under it. */
  readonly tlsOnlyBucketPolicy?: boolean;
}

type Taggable = TerraformResource & { tags: Record<string, string> | undefined; tagsInput?: Record<string, string> };

/** Adds the tenant's tags to every taggable resource under a scope, keeping their own tags. */
export function tagTenantResources(scope: Construct, tags: Record<string, string>): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof TerraformResource && 'tagsInput' in child) {
      const resource = child as Taggable;
      resource.tags = { ...(resource.tagsInput ?? {}), ...tags };
    }
  }
}

const KEY_USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
const KEY_ADMIN = [
  'kms:Describe*',
  'kms:Get*',
  'kms:List*',
  'kms:Create*',
  'kms:Put*',
  'kms:Update*',
  'kms:Enable*',
  'kms:Disable*',
  'kms:Revoke*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/**
 * Everything that keeps one tenant apart in one cluster: its network, its Transit Gateway
 * route table, its key, role and data bucket, and the security groups its SUs use.
 */
export class TenantBoundary extends Construct {
  readonly network: TenantNetwork;
  readonly routing: TenantTransitRouting;
  readonly key: CustomerManagedKey;
  readonly role: TenantRole;
  readonly bucket: SecureBucket;
  readonly efaSecurityGroup: EfaSecurityGroup;
  readonly nodeSecurityGroup: NodeSecurityGroup;

  constructor(scope: Construct, id: string, props: TenantBoundaryProps) {
    super(scope, id);
    const tags = { tenant: props.tenantId, 'data-classification': props.dataClassification };

    this.network = new TenantNetwork(this, 'network', {
      name: props.name,
      tenantId: props.tenantId,
      cidr: props.cidr,
      subnets: props.subnets,
      sharedServicesCidr: props.sharedServicesCidr,
      otherTenants: props.otherTenants,
      transitGatewayId: props.transitGatewayId,
      region: props.region,
      accountId: props.accountId,
      flowLogRetentionDays: props.logRetentionDays,
      explicitAttachmentFlags: props.explicitAttachmentFlags,
    });
    this.routing = new TenantTransitRouting(this, 'transit', {
      name: props.name,
      tenantId: props.tenantId,
      cidr: props.cidr,
      transitGatewayId: props.transitGatewayId,
      tenantAttachmentId: this.network.attachment.id,
      sharedServicesAttachmentId: props.sharedServicesAttachmentId,
      sharedServicesRouteTableId: props.sharedServicesRouteTableId,
      sharedServicesCidr: props.sharedServicesCidr,
      sharedServicesVpcRouteTableIds: props.sharedServicesVpcRouteTableIds,
      otherTenants: props.otherTenants,
      replaceExistingAssociation: props.explicitAttachmentFlags,
    });

    const bucketName = props.accountNames.bucket;
    this.role = new TenantRole(this, 'role', {
      name: props.accountNames.role,
      tenantId: props.tenantId,
      accountId: props.accountId,
      region: props.region,
      bucketName,
      tags,
    });
    this.key = new CustomerManagedKey(this, 'key', {
      alias: props.accountNames.keyAlias,
      description: `Encrypts the data of tenant ${props.tenantId} (${props.displayName})`,
      accountId: props.accountId,
      tags,
      statements: [
        {
          Sid: 'TenantRoleUsesKey',
          Effect: 'Allow',
          Principal: { AWS: this.role.role.arn },
          Action: [...KEY_USE, 'kms:DescribeKey'],
          Resource: '*',
        },
        {
          // By condition, not principal: the key policy stays valid before the admin role exists.
          Sid: 'PlatformAdminAdministersKey',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
          Action: KEY_ADMIN,
          Resource: '*',
          Condition: { ArnEquals: { 'aws:PrincipalArn': props.platformAdminRoleArn } },
        },
        {
          // The root statement delegates to IAM; this keeps the data readable by the tenant alone.
          Sid: 'OnlyTenantRoleUsesKey',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: KEY_USE,
          Resource: '*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': this.role.role.arn } },
        },
      ],
    });
    this.bucket = new SecureBucket(this, 'data', {
      bucketName,
      kmsKeyArn: this.key.key.arn,
      tags,
      tlsOnlyPolicy: props.tlsOnlyBucketPolicy,
    });

    this.efaSecurityGroup = new EfaSecurityGroup(this, 'efa-sg', {
      name: `${props.name}-efa`,
      vpcId: this.network.vpc.id,
      description: `EFA fabric of tenant ${props.tenantId}: members only`,
      tags,
    });
    this.nodeSecurityGroup = new NodeSecurityGroup(this, 'node-sg', {
      name: `${props.name}-node`,
      vpcId: this.network.vpc.id,
      s3PrefixListId: this.network.s3Endpoint.prefixListId,
      platformCidr: props.sharedServicesCidr,
      tags,
    });

    // Everything under the boundary is the tenant's: billing and the audits read these tags.
    tagTenantResources(this, tags);
  }
}
