import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { suppress } from '../../policy/code-suppressions';
import { deployBoundary, deployPolicy, type DeliveryScope, type RoleBoundaries } from './delivery-policies';
import { githubSubject, githubTrustPolicy } from './github-oidc';

export interface DeployRoleProps {
  readonly roleName: string;
  readonly boundaryName: string;
  readonly repository: string;
  /** The GitHub environment whose jobs may deploy; its protection rules (reviewers) gate them. */
  readonly githubEnvironment: string;
  readonly scope: DeliveryScope;
  /** The boundaries a role the deploy role creates or changes must carry. */
  readonly roleBoundaries: RoleBoundaries;
  /** Exact ARNs the role may never change: the delivery roles, policies and provider. */
  readonly protectedArns: readonly string[];
  readonly provider?: ITerraformDependable;
}

/**
 * The role deploy jobs assume: what applying the stacks takes, trusted only for jobs of the
 * repository's GitHub environment of the same name (`repo:<owner>/<repo>:environment:<env>`),
 * so a prod deploy waits for that environment's required reviewers. Bounded by a permission
 * boundary that also denies changing the delivery identities and losing the state.
 */
export class DeployRole extends Construct {
  readonly role: IamRole;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: DeployRoleProps) {
    super(scope, id);
    this.boundary = new IamPolicy(this, 'boundary', {
      name: props.boundaryName,
      description:
        'Permission boundary of the deploy role: the stacks only; never the delivery identities or the state',
      policy: deployBoundary(props.scope, props.roleBoundaries, { arns: props.protectedArns }),
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `GitHub Actions deploys of ${props.repository}, environment ${props.githubEnvironment}`,
      assumeRolePolicy: githubTrustPolicy(props.scope.accountId, [
        githubSubject.environment(props.repository, props.githubEnvironment),
      ]),
      permissionsBoundary: this.boundary.arn,
      maxSessionDuration: 3600,
      ...(props.provider ? { dependsOn: [props.provider] } : {}),
    });
    new IamRolePolicy(this, 'apply', {
      role: this.role.name,
      name: 'apply-stacks',
      policy: deployPolicy(props.scope, props.roleBoundaries),
    });
    suppress(this, 'CLX-IAM-010', {
      reason:
        'applying the stacks takes iam:CreatePolicyVersion (updating the tenant boundary policies) and ec2:RunInstances (EC2 Auto Scaling checks the caller may launch the launch template); iam:PassRole is limited to the flow-log and AWS Config services, the role holds no sts:AssumeRole, and its boundary denies changes to the delivery identities',
    });
  }
}
