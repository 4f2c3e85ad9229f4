import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CustomerManagedKey } from '../encryption/customer-managed-key';

export interface VpcFlowLogProps {
  readonly vpcId: string;
  /** Unique name; becomes the log group, role and key alias names. */
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly retentionDays: number;
}

/** Flow logs of every packet decision in a VPC, into a KMS-encrypted log group. */
export class VpcFlowLog extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly flowLog: FlowLog;
  readonly key: CustomerManagedKey;

  constructor(scope: Construct, id: string, props: VpcFlowLogProps) {
    super(scope, id);
    const logGroupName = `/colossus/flow-logs/${props.name}`;
    const logGroupArn = `arn:aws:logs:${props.region}:${props.accountId}:log-group:${logGroupName}`;

    this.key = new CustomerManagedKey(this, 'key', {
      alias: `${props.name}-flow-logs`,
      description: `Encrypts the VPC flow logs of ${props.name}`,
      accountId: props.accountId,
      statements: [
        {
          Sid: 'CloudWatchLogsUsesKeyForThisLogGroup',
          Effect: 'Allow',
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
        },
      ],
    });

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: logGroupName,
      retentionInDays: props.retentionDays,
      kmsKeyId: this.key.key.arn,
      // Flow logs are audit evidence: a destroy must not take them (CLX-LIF-002).
      lifecycle: { preventDestroy: true },
    });

    const delivery = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [logGroupArn, `${logGroupArn}:*`],
        },
      ],
    };
    // Every delivery role is capped by a boundary of the same grants, named <name>-flow-logs-boundary:
    // a tenant's roles need one, and the pipeline's deploy role creates or changes a role only
    // with a boundary named <environment>-...-boundary (constructs/delivery/delivery-policies.ts).
    const boundary = new IamPolicy(this, 'role-boundary', {
      name: `${props.name}-flow-logs-boundary`,
      description: `Permission boundary of the flow log delivery role of ${props.name}`,
      policy: JSON.stringify(delivery),
    });
    const role = new IamRole(this, 'role', {
      permissionsBoundary: boundary.arn,
      name: `${props.name}-flow-logs`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'role-policy', {
      role: role.name,
      name: 'deliver-flow-logs',
      policy: JSON.stringify(delivery),
    });

    this.flowLog = new FlowLog(this, 'flow-log', {
      vpcId: props.vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
