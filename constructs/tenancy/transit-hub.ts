import { Construct } from 'constructs';
import { Ec2TransitGateway } from '@cdktf/provider-aws/lib/ec2-transit-gateway';
import { Ec2TransitGatewayVpcAttachment } from '@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment';
import { Ec2TransitGatewayRouteTable } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table';
import { Ec2TransitGatewayRouteTableAssociation } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association';

export interface TransitHubProps {
  /** Resource name prefix, such as dev-colossus-1. */
  readonly name: string;
  /** The cluster (shared-services) VPC. */
  readonly sharedServicesVpcId: string;
  /** One subnet per availability zone of the shared-services VPC. */
  readonly sharedServicesSubnetIds: readonly string[];
  /**
   * Set the attachment's default-route-table flags to false and replace any association;
   * off only where the AWS emulator hangs on them.
   */
  readonly explicitAttachmentFlags?: boolean;
}

/**
 * A cluster's Transit Gateway. Default association and propagation are off, so an attachment
 * reaches nothing until it is given a route table on purpose. The shared-services VPC is
 * attached with its own route table; tenants propagate into it so the platform can answer.
 */
export class TransitHub extends Construct {
  readonly transitGateway: Ec2TransitGateway;
  readonly sharedServicesAttachment: Ec2TransitGatewayVpcAttachment;
  readonly sharedServicesRouteTable: Ec2TransitGatewayRouteTable;

  constructor(scope: Construct, id: string, props: TransitHubProps) {
    super(scope, id);
    this.transitGateway = new Ec2TransitGateway(this, 'tgw', {
      description: `${props.name}: tenant and shared-services interconnect`,
      defaultRouteTableAssociation: 'disable',
      defaultRouteTablePropagation: 'disable',
      autoAcceptSharedAttachments: 'disable',
      dnsSupport: 'enable',
      tags: { Name: props.name },
    });
    this.sharedServicesAttachment = new Ec2TransitGatewayVpcAttachment(this, 'shared-services-attachment', {
      transitGatewayId: this.transitGateway.id,
      vpcId: props.sharedServicesVpcId,
      subnetIds: [...props.sharedServicesSubnetIds],
      ...(props.explicitAttachmentFlags === false
        ? {}
        : { transitGatewayDefaultRouteTableAssociation: false, transitGatewayDefaultRouteTablePropagation: false }),
      tags: { Name: `${props.name}-shared-services` },
    });
    this.sharedServicesRouteTable = new Ec2TransitGatewayRouteTable(this, 'shared-services-rt', {
      transitGatewayId: this.transitGateway.id,
      tags: { Name: `${props.name}-shared-services` },
    });
    new Ec2TransitGatewayRouteTableAssociation(this, 'shared-services-association', {
      transitGatewayAttachmentId: this.sharedServicesAttachment.id,
      transitGatewayRouteTableId: this.sharedServicesRouteTable.id,
      replaceExistingAssociation: props.explicitAttachmentFlags === false ? undefined : true,
    });
  }
}
