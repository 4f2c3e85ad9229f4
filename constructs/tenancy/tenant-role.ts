import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';

export interface TenantRoleProps {
  /** Role name, account-wide, such as prod-lab-alpha-tenant. */
  readonly name: string;
  readonly tenantId: string;
  readonly accountId: string;
  readonly region: string;
  readonly bucketName: string;
  readonly tags?: Record<string, string>;
}

const KEY_USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const BUCKET_USE = ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'];
const OBJECT_USE = [
  's3:GetObject*',
  's3:PutObject*',
  's3:DeleteObject*',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
];

/**
 * The tenant's IAM role. A permission boundary caps it at the tenant's own bucket and the keys
 * tagged with the tenant, whatever policy is attached later. Principals of the account tagged
 * with the tenant may assume it.
 */
export class TenantRole extends Construct {
  readonly role: IamRole;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: TenantRoleProps) {
    super(scope, id);
    const bucketArn = `arn:aws:s3:::${props.bucketName}`;
    // By tag, not by ARN: the key's policy names this role, so the role cannot name the key.
    const tenantKeys = {
      Resource: `arn:aws:kms:${props.region}:${props.accountId}:key/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/tenant': props.tenantId } },
    };
    this.boundary = new IamPolicy(this, 'boundary', {
      name: `${props.name}-boundary`,
      description: `Permission boundary of tenant ${props.tenantId}: its own data bucket and keys only`,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'TenantBucket', Effect: 'Allow', Action: BUCKET_USE, Resource: bucketArn },
          { Sid: 'TenantObjects', Effect: 'Allow', Action: OBJECT_USE, Resource: `${bucketArn}/*` },
          { Sid: 'TenantKeys', Effect: 'Allow', Action: KEY_USE, ...tenantKeys },
          { Sid: 'WhoAmI', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
        ],
      }),
      tags: props.tags,
    });
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: `Workloads and people of tenant ${props.tenantId}`,
      permissionsBoundary: this.boundary.arn,
      maxSessionDuration: 3600,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { StringEquals: { 'aws:PrincipalTag/tenant': props.tenantId } },
          },
        ],
      }),
      tags: props.tags,
    });
    new IamRolePolicy(this, 'data-access', {
      role: this.role.name,
      name: 'tenant-data',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'TenantBucket', Effect: 'Allow', Action: BUCKET_USE, Resource: bucketArn },
          { Sid: 'TenantObjects', Effect: 'Allow', Action: OBJECT_USE, Resource: `${bucketArn}/*` },
          { Sid: 'TenantKeys', Effect: 'Allow', Action: KEY_USE, ...tenantKeys },
        ],
      }),
    });
  }
}
