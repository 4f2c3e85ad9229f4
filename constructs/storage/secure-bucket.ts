import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { suppress } from '../../policy/code-suppressions';

/** Why an emulator environment drops the TLS-only policy (README, "Deploying and state"). */
export const EMULATOR_TLS_POLICY_GAP =
  'emulator gap: moto applies a Deny whose condition it cannot evaluate to every request, so a TLS-only policy locks the bucket';

export interface SecureBucketProps {
  readonly bucketName: string;
  /** The customer-managed key of the default encryption; absent only with `sseS3Reason`. */
  readonly kmsKeyArn?: string;
  /** Why this bucket uses SSE-S3 instead (a service that cannot write under SSE-KMS); suppresses CLX-ENC-005. */
  readonly sseS3Reason?: string;
  /** Statements added to the bucket policy, for the services that write into the bucket. */
  readonly statements?: readonly Record<string, unknown>[];
  readonly tags?: Record<string, string>;
  /** The deny-unless-TLS bucket policy; off only where the AWS emulator denies every request under it. */
  readonly tlsOnlyPolicy?: boolean;
}

/**
 * A bucket that holds what must not leak or be lost (tenant data, Terraform state):
 * encrypted with a customer-managed key, versioned, owner-enforced, private, TLS only,
 * and protected from destroy.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket policy, for resources a service creates only once it may write (CloudTrail). */
  policy?: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      forceDestroy: false,
      tags: props.tags,
      // What the bucket holds outlives any single deploy.
      lifecycle: { preventDestroy: true },
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
    });
    if (!props.kmsKeyArn) {
      if (!props.sseS3Reason) throw new Error(`SecureBucket ${props.bucketName}: kmsKeyArn or sseS3Reason is required`);
      suppress(this.bucket, 'CLX-ENC-005', { reason: props.sseS3Reason });
    }
    const extra = props.statements ?? [];
    if (props.tlsOnlyPolicy === false) {
      suppress(this.bucket, 'CLX-STO-002', { reason: EMULATOR_TLS_POLICY_GAP });
      if (extra.length === 0) return;
    }
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          ...extra,
          ...(props.tlsOnlyPolicy === false
            ? []
            : [
                {
                  Sid: 'DenyInsecureTransport',
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ]),
        ],
      }),
    });
  }
}
