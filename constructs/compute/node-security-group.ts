import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';

export interface NodeSecurityGroupProps {
  readonly name: string;
  readonly vpcId: string;
  /** Prefix list of the S3 gateway endpoint: datasets and checkpoints. */
  readonly s3PrefixListId: string;
  /** Where the platform's private endpoints live. */
  readonly platformCidr: string;
  readonly tags?: Record<string, string>;
}

/** The IP side of a GPU node: HTTPS out to S3 and the platform, nothing in. */
export class NodeSecurityGroup extends Construct {
  readonly group: SecurityGroup;

  constructor(scope: Construct, id: string, props: NodeSecurityGroupProps) {
    super(scope, id);
    this.group = new SecurityGroup(this, 'sg', {
      name: props.name,
      description: 'GPU node IP traffic: HTTPS to S3 and platform endpoints only',
      vpcId: props.vpcId,
      tags: { Name: props.name, ...props.tags },
    });
    new VpcSecurityGroupEgressRule(this, 'https-s3', {
      securityGroupId: this.group.id,
      prefixListId: props.s3PrefixListId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS to S3 through the gateway endpoint',
    });
    new VpcSecurityGroupEgressRule(this, 'https-platform', {
      securityGroupId: this.group.id,
      cidrIpv4: props.platformCidr,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS to platform endpoints',
    });
  }
}
