import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { planPolicy, type DeliveryScope } from './delivery-policies';
import { githubSubject, githubTrustPolicy } from './github-oidc';

export interface PlanRoleProps {
  readonly roleName: string;
  readonly policyName: string;
  readonly repository: string;
  /** The branch scheduled runs (the drift check) run on. */
  readonly defaultBranch: string;
  readonly scope: DeliveryScope;
  /** The OIDC provider, when this stack creates it: the role follows it. */
  readonly provider?: ITerraformDependable;
}

/**
 * The role pull-request plans and the nightly drift check assume: read-only (Terraform's
 * refresh and the state, no lock), trusted for the repository's pull_request runs and runs on
 * its default branch. Its read-only policy is also its permission boundary, so nothing
 * attached later widens it.
 */
export class PlanRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: PlanRoleProps) {
    super(scope, id);
    this.policy = new IamPolicy(this, 'read', {
      name: props.policyName,
      description: 'Read-only: Terraform refresh of every stack and the state, for plans and drift checks',
      policy: planPolicy(props.scope),
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `GitHub Actions plans and drift checks of ${props.repository}`,
      assumeRolePolicy: githubTrustPolicy(props.scope.accountId, [
        githubSubject.pullRequest(props.repository),
        githubSubject.branch(props.repository, props.defaultBranch),
      ]),
      permissionsBoundary: this.policy.arn,
      maxSessionDuration: 3600,
      ...(props.provider ? { dependsOn: [props.provider] } : {}),
    });
    new IamRolePolicyAttachment(this, 'read-attachment', { role: this.role.name, policyArn: this.policy.arn });
  }
}
