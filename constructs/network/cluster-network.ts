import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcIpv4CidrBlockAssociation } from '@cdktf/provider-aws/lib/vpc-ipv4-cidr-block-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { VpcFlowLog } from './flow-log';

export interface HallNetworkProps {
  readonly id: string;
  readonly availabilityZone: string;
  /** Front-end subnet, carved from the VPC primary block. */
  readonly frontendCidr: string;
  /** GPU fabric block, attached to the VPC as a secondary block and used whole. */
  readonly fabricCidr: string;
}

export interface ClusterNetworkProps {
  /** Resource name prefix, such as dev-colossus-1. */
  readonly name: string;
  readonly cidr: string;
  readonly region: string;
  readonly accountId: string;
  readonly halls: readonly HallNetworkProps[];
  readonly flowLogRetentionDays: number;
}

export interface HallSubnets {
  readonly frontend: Subnet;
  readonly fabric: Subnet;
  /** Routes back to tenants (through the Transit Gateway) are added here by the tenancy stack. */
  readonly frontendRouteTable: RouteTable;
}

/** The cluster VPC: a front-end and a GPU fabric subnet per hall, private, with flow logs. */
export class ClusterNetwork extends Construct {
  readonly vpc: Vpc;
  readonly halls = new Map<string, HallSubnets>();
  readonly s3Endpoint: VpcEndpoint;
  readonly flowLog: VpcFlowLog;

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });

    // Adopting the default group with no rules closes it: nothing may fall back on it.
    new DefaultSecurityGroup(this, 'default-sg', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-default-closed` },
    });

    const routeTables: RouteTable[] = [];
    for (const hall of props.halls) {
      const block = new VpcIpv4CidrBlockAssociation(this, `${hall.id}-fabric-block`, {
        vpcId: this.vpc.id,
        cidrBlock: hall.fabricCidr,
      });
      const frontend = this.privateSubnet(`${hall.id}-frontend`, props.name, this.vpc.id, hall.frontendCidr, hall);
      // Taking the CIDR from the association orders the subnet after the block exists.
      const fabric = this.privateSubnet(`${hall.id}-fabric`, props.name, block.vpcId, block.cidrBlock, hall);
      const tables = new Map<string, RouteTable>();
      for (const [tier, subnet] of [
        ['frontend', frontend],
        ['fabric', fabric],
      ] as const) {
        const table = new RouteTable(this, `${hall.id}-${tier}-rt`, {
          vpcId: this.vpc.id,
          tags: { Name: `${props.name}-${hall.id}-${tier}`, hall: hall.id },
        });
        new RouteTableAssociation(this, `${hall.id}-${tier}-rta`, {
          subnetId: subnet.id,
          routeTableId: table.id,
        });
        routeTables.push(table);
        tables.set(tier, table);
      }
      this.halls.set(hall.id, { frontend, fabric, frontendRouteTable: tables.get('frontend')! });
    }

    // Checkpoints and datasets reach S3 without leaving the AWS network.
    this.s3Endpoint = new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: routeTables.map((t) => t.id),
      tags: { Name: `${props.name}-s3` },
    });

    this.flowLog = new VpcFlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      name: props.name,
      region: props.region,
      accountId: props.accountId,
      retentionDays: props.flowLogRetentionDays,
    });
  }

  private privateSubnet(id: string, prefix: string, vpcId: string, cidr: string, hall: HallNetworkProps): Subnet {
    return new Subnet(this, id, {
      vpcId,
      cidrBlock: cidr,
      availabilityZone: hall.availabilityZone,
      mapPublicIpOnLaunch: false,
      tags: { Name: `${prefix}-${id}`, hall: hall.id },
    });
  }
}
