import { Construct } from 'constructs';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export interface ConfigRecorderProps {
  readonly name: string;
  readonly accountId: string;
  /** The bucket configuration snapshots and history go to (under config/). */
  readonly bucket: S3Bucket;
  /** Attach the AWS managed AWS_ConfigRole policy (default true); off only where the AWS emulator lacks it. */
  readonly attachManagedPolicy?: boolean;
}

/**
 * AWS Config records every supported resource type, global ones included, and delivers to
 * the audit bucket (CIS 3.3). The recorder's role uses the AWS managed service-role policy.
 */
export class ConfigRecorder extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  readonly channel: ConfigDeliveryChannel;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const role = new IamRole(this, 'role', {
      name: `${props.name}-config`,
      description: 'AWS Config recorder',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
        ],
      }),
    });
    // AWS managed policy for the recorder (AWS Config Developer Guide, "Permissions for the IAM role").
    if (props.attachManagedPolicy !== false)
      new IamRolePolicyAttachment(this, 'managed-policy', {
        role: role.name,
        policyArn: 'arn:aws:iam::aws:policy/service-role/AWS_ConfigRole',
      });
    this.recorder = new ConfigConfigurationRecorder(this, 'recorder', {
      name: props.name,
      roleArn: role.arn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    this.channel = new ConfigDeliveryChannel(this, 'channel', {
      name: props.name,
      s3BucketName: props.bucket.id,
      s3KeyPrefix: 'config',
      dependsOn: [this.recorder],
    });
    new ConfigConfigurationRecorderStatus(this, 'status', {
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [this.channel],
    });
  }
}
