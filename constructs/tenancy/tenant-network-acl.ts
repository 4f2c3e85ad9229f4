import { Construct } from 'constructs';
import { suppress } from '../../policy/code-suppressions';
import { NetworkAcl } from '@cdktf/provider-aws/lib/network-acl';
import { NetworkAclRule } from '@cdktf/provider-aws/lib/network-acl-rule';
import { NetworkAclAssociation } from '@cdktf/provider-aws/lib/network-acl-association';

export interface TenantNetworkAclProps {
  readonly name: string;
  readonly vpcId: string;
  readonly subnetIds: Readonly<Record<string, string>>;
  /** Every other tenant of the cluster: denied both ways, whatever the routes say. */
  readonly deniedCidrs: readonly { readonly tenantId: string; readonly cidr: string }[];
  readonly tags?: Record<string, string>;
}

/** First rule number of the denies; the allow sits after every deny a NACL can hold. */
export const FIRST_DENY_RULE = 100;
export const ALLOW_RULE = 32000;

/** The tenant subnets' NACL: deny the other tenants' blocks first, then allow the rest. */
export class TenantNetworkAcl extends Construct {
  readonly acl: NetworkAcl;

  constructor(scope: Construct, id: string, props: TenantNetworkAclProps) {
    super(scope, id);
    this.acl = new NetworkAcl(this, 'acl', {
      vpcId: props.vpcId,
      tags: { Name: props.name, ...props.tags },
    });
    for (const egress of [false, true]) {
      const direction = egress ? 'egress' : 'ingress';
      props.deniedCidrs.forEach((denied, index) => {
        new NetworkAclRule(this, `${direction}-deny-${denied.tenantId}`, {
          networkAclId: this.acl.id,
          egress,
          ruleNumber: FIRST_DENY_RULE + index,
          ruleAction: 'deny',
          protocol: '-1',
          cidrBlock: denied.cidr,
        });
      });
      const allow = new NetworkAclRule(this, `${direction}-allow`, {
        networkAclId: this.acl.id,
        egress,
        ruleNumber: ALLOW_RULE,
        ruleAction: 'allow',
        protocol: '-1',
        cidrBlock: '0.0.0.0/0',
      });
      if (!egress) {
        suppress(allow, 'CLX-NET-002', {
          reason:
            'NACLs are stateless: S3 gateway endpoint replies arrive from public S3 addresses. The tenant VPC has no internet gateway (CLX-NET-010) and its security groups admit nothing from outside the tenant (CLX-NET-001), so 22 and 3389 are not reachable from the internet',
        });
      }
    }
    for (const [hall, subnetId] of Object.entries(props.subnetIds)) {
      new NetworkAclAssociation(this, `${hall}-association`, { networkAclId: this.acl.id, subnetId });
    }
  }
}
