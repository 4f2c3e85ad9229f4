import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { cidrSubnet } from '../config/cidr';
import { ClusterNetwork } from '../constructs/network/cluster-network';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { networkOutputs } from './outputs';

/** Front-end subnets split the platform block in 16: room for 16 halls. */
export const FRONTEND_SUBNET_BITS = 4;

export function frontendSubnetCidr(platformCidr: string, hallIndex: number): string {
  return cidrSubnet(platformCidr, FRONTEND_SUBNET_BITS, hallIndex);
}

/** The cluster VPC and its per-hall subnets. */
export class NetworkStack extends ColossusStack {
  readonly network: ClusterNetwork;

  constructor(scope: Construct, name: string, props: ColossusStackProps) {
    super(scope, name, props);
    const { cluster } = props;
    const env = props.config.environment;

    this.network = new ClusterNetwork(this, 'cluster-network', {
      name: `${env.name}-${cluster.id}`,
      cidr: cluster.addressPlan.platformCidr,
      region: env.region,
      accountId: env.accountId,
      flowLogRetentionDays: env.logRetentionDays,
      halls: cluster.halls.map((hall, index) => ({
        id: hall.id,
        availabilityZone: hall.availabilityZone,
        frontendCidr: frontendSubnetCidr(cluster.addressPlan.platformCidr, index),
        fabricCidr: hall.fabricCidr,
      })),
    });

    new TerraformOutput(this, networkOutputs.vpcId, { value: this.network.vpc.id });
    new TerraformOutput(this, networkOutputs.vpcCidr, { value: this.network.vpc.cidrBlock });
    new TerraformOutput(this, networkOutputs.s3PrefixListId, { value: this.network.s3Endpoint.prefixListId });
    for (const [hall, subnets] of this.network.halls) {
      new TerraformOutput(this, networkOutputs.fabricSubnetId(hall), { value: subnets.fabric.id });
      new TerraformOutput(this, networkOutputs.frontendSubnetId(hall), { value: subnets.frontend.id });
      new TerraformOutput(this, networkOutputs.frontendRouteTableId(hall), { value: subnets.frontendRouteTable.id });
    }
  }
}
