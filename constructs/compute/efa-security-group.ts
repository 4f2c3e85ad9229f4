import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';

export interface EfaSecurityGroupProps {
  readonly name: string;
  readonly vpcId: string;
  readonly description: string;
  readonly tags?: Record<string, string>;
}

/**
 * EFA needs every protocol open between members, and nothing else: the group admits
 * all traffic only from itself and sends all traffic only to itself.
 */
export class EfaSecurityGroup extends Construct {
  readonly group: SecurityGroup;

  constructor(scope: Construct, id: string, props: EfaSecurityGroupProps) {
    super(scope, id);
    // No inline rules: Terraform then also removes the allow-all egress AWS adds by default.
    this.group = new SecurityGroup(this, 'sg', {
      name: props.name,
      description: props.description,
      vpcId: props.vpcId,
      tags: { Name: props.name, ...props.tags },
    });
    new VpcSecurityGroupIngressRule(this, 'from-self', {
      securityGroupId: this.group.id,
      referencedSecurityGroupId: this.group.id,
      ipProtocol: '-1',
      description: 'EFA: all traffic from members of this group',
    });
    new VpcSecurityGroupEgressRule(this, 'to-self', {
      securityGroupId: this.group.id,
      referencedSecurityGroupId: this.group.id,
      ipProtocol: '-1',
      description: 'EFA: all traffic to members of this group',
    });
  }
}
