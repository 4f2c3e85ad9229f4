import { Construct } from 'constructs';
import { Ec2TransitGatewayRouteTable } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table';
import { Ec2TransitGatewayRouteTableAssociation } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association';
import { Ec2TransitGatewayRouteTablePropagation } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation';
import { Ec2TransitGatewayRoute } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route';
import { Route } from '@cdktf/provider-aws/lib/route';

export interface TenantTransitRoutingProps {
  readonly name: string;
  readonly tenantId: string;
  readonly cidr: string;
  readonly transitGatewayId: string;
  readonly tenantAttachmentId: string;
  readonly sharedServicesAttachmentId: string;
  readonly sharedServicesRouteTableId: string;
  readonly sharedServicesCidr: string;
  /** Route tables of the shared-services VPC that answer the tenant. */
  readonly sharedServicesVpcRouteTableIds: Readonly<Record<string, string>>;
  readonly otherTenants: readonly { readonly tenantId: string; readonly cidr: string }[];
  /** replace_existing_association on the tenant's association; off only where the AWS emulator hangs on it. */
  readonly replaceExistingAssociation?: boolean;
}

/**
 * The tenant's own Transit Gateway route table: its attachment alone is associated, the only
 * route leads to shared services, and every other tenant's block is a blackhole, so even a
 * propagation added by mistake cannot win for those addresses.
 */
export class TenantTransitRouting extends Construct {
  readonly routeTable: Ec2TransitGatewayRouteTable;

  constructor(scope: Construct, id: string, props: TenantTransitRoutingProps) {
    super(scope, id);
    const tags = { tenant: props.tenantId };
    this.routeTable = new Ec2TransitGatewayRouteTable(this, 'rt', {
      transitGatewayId: props.transitGatewayId,
      tags: { Name: props.name, ...tags },
    });
    new Ec2TransitGatewayRouteTableAssociation(this, 'association', {
      transitGatewayAttachmentId: props.tenantAttachmentId,
      transitGatewayRouteTableId: this.routeTable.id,
      replaceExistingAssociation: props.replaceExistingAssociation === false ? undefined : true,
    });
    new Ec2TransitGatewayRoute(this, 'shared-services', {
      transitGatewayRouteTableId: this.routeTable.id,
      destinationCidrBlock: props.sharedServicesCidr,
      transitGatewayAttachmentId: props.sharedServicesAttachmentId,
    });
    for (const other of props.otherTenants) {
      new Ec2TransitGatewayRoute(this, `blackhole-${other.tenantId}`, {
        transitGatewayRouteTableId: this.routeTable.id,
        destinationCidrBlock: other.cidr,
        blackhole: true,
      });
    }

    // The way back: shared services learn the tenant's block and route it to the gateway.
    new Ec2TransitGatewayRouteTablePropagation(this, 'shared-services-propagation', {
      transitGatewayAttachmentId: props.tenantAttachmentId,
      transitGatewayRouteTableId: props.sharedServicesRouteTableId,
    });
    for (const [hall, routeTableId] of Object.entries(props.sharedServicesVpcRouteTableIds)) {
      new Route(this, `${hall}-return-route`, {
        routeTableId,
        destinationCidrBlock: props.cidr,
        transitGatewayId: props.transitGatewayId,
      });
    }
  }
}
