import { Construct } from 'constructs';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';

export interface GpuNodeRoleProps {
  /** Role, boundary and profile name, such as prod-colossus-1-lab-a-gpu-node: `<env>-...` so the deploy role may set its boundary. */
  readonly name: string;
  /** A tenant id, or the spare pool's owner. */
  readonly owner: string;
  /** The owner's agent configuration parameter, such as /colossus/prod/colossus-1/lab-a/cloudwatch-agent. */
  readonly parameterName: string;
  /** The agent configuration (JSON) the parameter holds, escaped for Terraform's JSON (a "$${" for each "${"). */
  readonly agentConfig: string;
  /** The only CloudWatch namespace the owner's nodes may publish to. */
  readonly namespace: string;
  readonly accountId: string;
  readonly region: string;
  readonly tags?: Record<string, string>;
}

/**
 * What one owner's GPU nodes run as: an instance profile whose role may read the owner's agent
 * configuration and publish metrics into the owner's namespace, and nothing else. No
 * ec2:DescribeTags (it lists every tenant's tags, a cross-tenant leak): each node learns its SU
 * from its launch template's user data. PutMetricData takes no resource, so it is narrowed by
 * the cloudwatch:namespace condition key ("Actions, resources, and condition keys for Amazon
 * CloudWatch", Service Authorization Reference); a node of one tenant cannot write another's
 * namespace. The boundary holds the same grants, so a policy attached later adds nothing.
 * The parameter is a String: it holds the agent's non-secret configuration (metric names,
 * namespace, interval), which needs no key to protect and which SecureString would make every
 * node decrypt with a key it would then need a grant on.
 */
export class GpuNodeRole extends Construct {
  readonly parameter: SsmParameter;
  readonly boundary: IamPolicy;
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: GpuNodeRoleProps) {
    super(scope, id);
    // Parameter ARNs: arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>.
    const parameterArn = `arn:aws:ssm:${props.region}:${props.accountId}:parameter/${props.parameterName.replace(/^\//, '')}`;
    const statements = [
      { Sid: 'ReadAgentConfig', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: parameterArn },
      {
        Sid: 'PublishOwnNamespace',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': props.namespace } },
      },
    ];
    const document = JSON.stringify({ Version: '2012-10-17', Statement: statements });

    this.parameter = new SsmParameter(this, 'agent-config', {
      name: props.parameterName,
      description: `CloudWatch agent configuration of the GPU nodes of ${props.owner}`,
      type: 'String',
      tier: 'Standard',
      value: props.agentConfig,
      tags: props.tags,
    });
    this.boundary = new IamPolicy(this, 'boundary', {
      name: `${props.name}-boundary`,
      description: `Permission boundary of the GPU nodes of ${props.owner}: their agent configuration and metric namespace only`,
      policy: document,
      tags: props.tags,
    });
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: `GPU nodes of ${props.owner}: publish GPU health into ${props.namespace}`,
      permissionsBoundary: this.boundary.arn,
      maxSessionDuration: 3600,
      // No aws:SourceAccount condition (CLX-IAM-004 warns): EC2 is handed the role through an
      // instance profile, which takes iam:PassRole in this account, and roles cannot be passed
      // to another account; EC2's credential delivery is not documented to carry the key.
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags: props.tags,
    });
    new IamRolePolicy(this, 'telemetry', { role: this.role.name, name: 'gpu-telemetry', policy: document });
    this.instanceProfile = new IamInstanceProfile(this, 'instance-profile', {
      name: props.name,
      role: this.role.name,
      tags: props.tags,
    });
  }
}
