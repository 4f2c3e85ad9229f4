import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Route } from '@cdktf/provider-aws/lib/route';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Ec2TransitGatewayVpcAttachment } from '@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment';
import { VpcFlowLog } from '../network/flow-log';
import { TenantNetworkAcl } from './tenant-network-acl';

export interface TenantSubnetProps {
  readonly hallId: string;
  readonly availabilityZone: string;
  readonly cidr: string;
}

export interface TenantNetworkProps {
  /** Resource name prefix, such as dev-colossus-1-lab-alpha. */
  readonly name: string;
  readonly tenantId: string;
  readonly cidr: string;
  readonly subnets: readonly TenantSubnetProps[];
  /** The shared-services block: the only destination outside the VPC with a route. */
  readonly sharedServicesCidr: string;
  readonly otherTenants: readonly { readonly tenantId: string; readonly cidr: string }[];
  readonly transitGatewayId: string;
  readonly region: string;
  readonly accountId: string;
  readonly flowLogRetentionDays: number;
  /** Set the attachment's default-route-table flags to false explicitly; off only where the AWS emulator hangs on them. */
  readonly explicitAttachmentFlags?: boolean;
}

/** Picks the first subnet of each zone: a Transit Gateway attachment takes one per zone. */
export function onePerZone<T extends { readonly availabilityZone: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.availabilityZone) && seen.add(item.availabilityZone));
}

/**
 * A tenant's own VPC in one cluster: a subnet per hall it has SUs in, one route table whose
 * only way out is shared services (through the Transit Gateway) and S3, NACLs that deny every
 * other tenant, the default security group closed, and flow logs.
 */
export class TenantNetwork extends Construct {
  readonly vpc: Vpc;
  readonly subnets = new Map<string, Subnet>();
  readonly routeTable: RouteTable;
  readonly s3Endpoint: VpcEndpoint;
  readonly attachment: Ec2TransitGatewayVpcAttachment;
  readonly acl: TenantNetworkAcl;
  readonly flowLog: VpcFlowLog;

  constructor(scope: Construct, id: string, props: TenantNetworkProps) {
    super(scope, id);
    const tags = { tenant: props.tenantId };
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name, ...tags },
    });

    // Adopting the default group with no rules closes it: nothing may fall back on it.
    new DefaultSecurityGroup(this, 'default-sg', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-default-closed`, ...tags },
    });

    this.routeTable = new RouteTable(this, 'rt', {
      vpcId: this.vpc.id,
      tags: { Name: props.name, ...tags },
    });
    for (const subnet of props.subnets) {
      const resource = new Subnet(this, `${subnet.hallId}-subnet`, {
        vpcId: this.vpc.id,
        cidrBlock: subnet.cidr,
        availabilityZone: subnet.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-${subnet.hallId}`, hall: subnet.hallId, ...tags },
      });
      new RouteTableAssociation(this, `${subnet.hallId}-rta`, {
        subnetId: resource.id,
        routeTableId: this.routeTable.id,
      });
      this.subnets.set(subnet.hallId, resource);
    }

    this.s3Endpoint = new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [this.routeTable.id],
      tags: { Name: `${props.name}-s3`, ...tags },
    });

    const attachmentSubnets = onePerZone(props.subnets).map((s) => this.subnets.get(s.hallId)!.id);
    this.attachment = new Ec2TransitGatewayVpcAttachment(this, 'tgw-attachment', {
      transitGatewayId: props.transitGatewayId,
      vpcId: this.vpc.id,
      subnetIds: attachmentSubnets,
      ...(props.explicitAttachmentFlags === false
        ? {}
        : { transitGatewayDefaultRouteTableAssociation: false, transitGatewayDefaultRouteTablePropagation: false }),
      tags: { Name: props.name, ...tags },
    });
    new Route(this, 'shared-services-route', {
      routeTableId: this.routeTable.id,
      destinationCidrBlock: props.sharedServicesCidr,
      transitGatewayId: props.transitGatewayId,
      // The VPC must be attached before a route can point at the gateway.
      dependsOn: [this.attachment],
    });

    this.acl = new TenantNetworkAcl(this, 'nacl', {
      name: props.name,
      vpcId: this.vpc.id,
      subnetIds: Object.fromEntries([...this.subnets].map(([hall, subnet]) => [hall, subnet.id])),
      deniedCidrs: props.otherTenants,
      tags,
    });

    this.flowLog = new VpcFlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      name: props.name,
      region: props.region,
      accountId: props.accountId,
      retentionDays: props.flowLogRetentionDays,
    });
  }
}
