import { Construct } from 'constructs';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { CustomerManagedKey } from '../encryption/customer-managed-key';
import { SecureBucket } from '../storage/secure-bucket';

export interface AuditTrailProps {
  /** Environment-scoped prefix, such as prod-audit. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** Globally unique names of the trail bucket and of the bucket its access logs go to. */
  readonly trailBucket: string;
  readonly accessLogBucket: string;
  /** Tenant data buckets whose object reads and writes the trail records (CIS 3.8, 3.9). */
  readonly dataBuckets: readonly string[];
  /** The deny-unless-TLS bucket policies; off only where the AWS emulator denies every request under them. */
  readonly tlsOnlyPolicy?: boolean;
}

/**
 * The environment's audit trail: one multi-region CloudTrail with log file validation,
 * encrypted with its own key, writing to a protected bucket whose every access is itself
 * logged, and recording S3 object reads and writes of every tenant data bucket.
 */
export class AuditTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly key: CustomerManagedKey;
  readonly bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const trailArn = `arn:aws:cloudtrail:${props.region}:${props.accountId}:trail/${props.name}`;
    const fromThisTrail = { StringEquals: { 'aws:SourceArn': trailArn } };
    // CloudTrail encrypts log files under the key for this trail only (AWS CloudTrail User Guide,
    // "Configure AWS KMS key policies for CloudTrail").
    this.key = new CustomerManagedKey(this, 'key', {
      alias: `${props.name}-trail`,
      description: `Encrypts the CloudTrail log files of ${props.name}`,
      accountId: props.accountId,
      statements: [
        {
          Sid: 'CloudTrailEncryptsLogs',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
      ],
    });

    // Server access logs can only be delivered to a bucket with SSE-S3 default encryption
    // (Amazon S3 User Guide, "Enabling Amazon S3 server access logging").
    const accessLogs = new SecureBucket(this, 'access-logs', {
      bucketName: props.accessLogBucket,
      sseS3Reason:
        'S3 server access log delivery only writes to a bucket with SSE-S3 (AES256) default encryption, not SSE-KMS',
      tlsOnlyPolicy: props.tlsOnlyPolicy,
      statements: [
        {
          Sid: 'S3ServerAccessLogs',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${props.accessLogBucket}/trail/*`,
          Condition: {
            StringEquals: { 'aws:SourceAccount': props.accountId },
            ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${props.trailBucket}` },
          },
        },
      ],
    });

    this.bucket = new SecureBucket(this, 'logs', {
      bucketName: props.trailBucket,
      kmsKeyArn: this.key.key.arn,
      tlsOnlyPolicy: props.tlsOnlyPolicy,
      statements: [
        {
          Sid: 'CloudTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: `arn:aws:s3:::${props.trailBucket}`,
          Condition: fromThisTrail,
        },
        {
          Sid: 'CloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${props.trailBucket}/AWSLogs/${props.accountId}/*`,
          Condition: fromThisTrail,
        },
        {
          Sid: 'ConfigAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'config.amazonaws.com' },
          Action: ['s3:GetBucketAcl', 's3:ListBucket'],
          Resource: `arn:aws:s3:::${props.trailBucket}`,
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
        {
          Sid: 'ConfigWrite',
          Effect: 'Allow',
          Principal: { Service: 'config.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${props.trailBucket}/config/AWSLogs/${props.accountId}/Config/*`,
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
      ],
    });
    new S3BucketLoggingA(this, 'access-logging', {
      bucket: this.bucket.bucket.id,
      targetBucket: accessLogs.bucket.id,
      targetPrefix: 'trail/',
      // S3 checks the target bucket's policy grants the logging service when logging is set.
      dependsOn: [accessLogs.policy ?? accessLogs.bucket],
    });

    this.trail = new Cloudtrail(this, 'trail', {
      name: props.name,
      s3BucketName: this.bucket.bucket.id,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: this.key.key.arn,
      eventSelector: [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResource: props.dataBuckets.length
            ? [{ type: 'AWS::S3::Object', values: props.dataBuckets.map((b) => `arn:aws:s3:::${b}/`) }]
            : [],
        },
      ],
      // CloudTrail checks the bucket policy when the trail is created.
      dependsOn: [this.bucket.policy ?? this.bucket.bucket],
    });
  }
}
