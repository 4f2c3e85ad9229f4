import type { Construct } from 'constructs';
import { scalableUnitSlots, nodesPerScalableUnit } from '../config/capacity';
import { INSTANCE_TYPES } from '../config/instance-types';
import type { HallConfig } from '../config/schema';
import { EfaSecurityGroup } from '../constructs/compute/efa-security-group';
import { NodeSecurityGroup } from '../constructs/compute/node-security-group';
import { ScalableUnit } from '../constructs/compute/scalable-unit';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { networkOutputs, tenancyOutputs } from './outputs';

export interface ComputeStackProps extends ColossusStackProps {
  readonly hall: HallConfig;
  /** The network stack whose VPC and subnets this hall uses. */
  readonly networkStack: string;
  /** The tenancy stack whose tenant subnets and security groups allocated SUs use. */
  readonly tenancyStack: string;
}

export function scalableUnitId(index: number): string {
  return `su-${String(index).padStart(3, '0')}`;
}

/**
 * One hall's GPU capacity. A tenant's SUs sit in the tenant's own subnet and security groups
 * (from the tenancy stack); spare SUs share the hall's fabric subnet and EFA group.
 */
export class ComputeStack extends ColossusStack {
  readonly units: ScalableUnit[] = [];

  constructor(scope: Construct, name: string, props: ComputeStackProps) {
    super(scope, name, { ...props, tags: { hall: props.hall.id } });
    const { cluster, hall } = props;
    const env = props.config.environment;
    const prefix = `${env.name}-${cluster.id}-${hall.id}`;
    const network = this.remoteState('network', props.networkStack);
    const vpcId = network.getString(networkOutputs.vpcId);
    const subnetId = network.getString(networkOutputs.fabricSubnetId(hall.id));

    const efa = new EfaSecurityGroup(this, 'efa-sg', {
      name: `${prefix}-efa`,
      vpcId,
      description: `EFA fabric of ${cluster.id} ${hall.id}: members only`,
    });
    const node = new NodeSecurityGroup(this, 'node-sg', {
      name: `${prefix}-node`,
      vpcId,
      s3PrefixListId: network.getString(networkOutputs.s3PrefixListId),
      platformCidr: cluster.addressPlan.platformCidr,
    });

    const tenants = new Map(cluster.tenants.map((t) => [t.id, t]));
    const slots = scalableUnitSlots(cluster, hall);
    const tenancy = slots.some((s) => s.tenantId) ? this.remoteState('tenancy', props.tenancyStack) : undefined;
    const placement = (tenantId: string | undefined) =>
      tenantId && tenancy
        ? {
            subnetId: tenancy.getString(tenancyOutputs.subnetId(tenantId, hall.id)),
            efaSecurityGroupId: tenancy.getString(tenancyOutputs.efaSecurityGroupId(tenantId)),
            nodeSecurityGroupId: tenancy.getString(tenancyOutputs.nodeSecurityGroupId(tenantId)),
          }
        : { subnetId, efaSecurityGroupId: efa.group.id, nodeSecurityGroupId: node.group.id };
    const spec = INSTANCE_TYPES[cluster.fabric.instanceType];
    for (const slot of slots) {
      const unitId = scalableUnitId(slot.index);
      const tenant = slot.tenantId ? tenants.get(slot.tenantId) : undefined;
      this.units.push(
        new ScalableUnit(this, unitId, {
          name: `${prefix}-${unitId}`,
          availabilityZone: hall.availabilityZone,
          ...placement(slot.tenantId),
          instanceType: cluster.fabric.instanceType,
          network: spec,
          capacity: cluster.fabric.capacity,
          nodes: nodesPerScalableUnit(cluster.fabric),
          imageSsmParameter: cluster.fabric.imageSsmParameter,
          rootVolumeGiB: cluster.fabric.rootVolumeGiB,
          placementGroup: !this.emulatorLacks('cluster-placement-groups'),
          capacityReservation: !this.emulatorLacks('capacity-reservations'),
          // Provider default tags reach neither the ASG nor what it launches (CLX-TAG-001..006).
          tags: {
            environment: env.name,
            cluster: cluster.id,
            owner: env.owner,
            hall: hall.id,
            'scalable-unit': unitId,
            ...(tenant
              ? { tenant: tenant.id, 'data-classification': tenant.dataClassification }
              : { tenant: 'unallocated', 'data-classification': 'internal' }),
          },
        }),
      );
    }
  }
}
