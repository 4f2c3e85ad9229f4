import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { CustomerManagedKey } from '../encryption/customer-managed-key';
import type { AlarmTopics, Severity } from './facility-metrics';

export interface AlertTopicsProps {
  /** Unique name prefix, such as prod-colossus-2; becomes topic names and the key alias. */
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
}

export const SEVERITIES: readonly Severity[] = ['page', 'ticket'];

/** One SNS topic per severity, encrypted with a rotating customer-managed key CloudWatch may use. */
export class AlertTopics extends Construct {
  readonly key: CustomerManagedKey;
  readonly topics: Record<Severity, SnsTopic>;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const alarmSource = `arn:aws:cloudwatch:${props.region}:${props.accountId}:alarm:*`;

    this.key = new CustomerManagedKey(this, 'key', {
      alias: `${props.name}-alerts`,
      description: `Encrypts the alert topics of ${props.name}`,
      accountId: props.accountId,
      statements: [
        // CloudWatch encrypts each alarm message with the topic key. Without this grant the
        // publish fails and the alarm is dropped with no error anyone sees.
        {
          Sid: 'CloudWatchAlarmsUseKey',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ],
    });

    const topics = {} as Record<Severity, SnsTopic>;
    for (const severity of SEVERITIES) {
      const topic = new SnsTopic(this, severity, {
        name: `${props.name}-${severity}`,
        displayName: `${props.name} ${severity}`,
        kmsMasterKeyId: this.key.key.arn,
      });
      new SnsTopicPolicy(this, `${severity}-policy`, {
        arn: topic.arn,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
              Action: [
                'SNS:GetTopicAttributes',
                'SNS:SetTopicAttributes',
                'SNS:AddPermission',
                'SNS:RemovePermission',
                'SNS:DeleteTopic',
                'SNS:Subscribe',
                'SNS:ListSubscriptionsByTopic',
                'SNS:Publish',
              ],
              Resource: topic.arn,
            },
            {
              Sid: 'CloudWatchAlarmsOfThisAccountPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'SNS:Publish',
              Resource: topic.arn,
              Condition: {
                StringEquals: { 'aws:SourceAccount': props.accountId },
                ArnLike: { 'aws:SourceArn': alarmSource },
              },
            },
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'SNS:Publish',
              Resource: topic.arn,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      });
      topics[severity] = topic;
    }
    this.topics = topics;
  }

  get arns(): AlarmTopics {
    return { page: this.topics.page.arn, ticket: this.topics.ticket.arn };
  }
}
