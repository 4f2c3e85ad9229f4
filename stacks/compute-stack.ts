import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { scalableUnitSlots, nodesPerScalableUnit } from '../config/capacity';
import { INSTANCE_TYPES } from '../config/instance-types';
import type { HallConfig } from '../config/schema';
import { EfaSecurityGroup } from '../constructs/compute/efa-security-group';
import { NodeSecurityGroup } from '../constructs/compute/node-security-group';
import { gpuAgentParameterName, gpuAgentUserData } from '../constructs/compute/gpu-agent-config';
import { SPARE_OWNER } from '../constructs/compute/gpu-telemetry';
import { ScalableUnit } from '../constructs/compute/scalable-unit';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { computeOutputs, networkOutputs, tenancyOutputs } from './outputs';
import type { UnitRange } from './sharding';

export interface ComputeStackProps extends ColossusStackProps {
  readonly hall: HallConfig;
  /** The network stack whose VPC and subnets this hall uses. */
  readonly networkStack: string;
  /** The tenancy stack whose tenant subnets and security groups allocated SUs use. */
  readonly tenancyStack: string;
  /** The hall's SUs this stack holds (default: all). */
  readonly units?: UnitRange;
  /** 1-based part of a split hall (default 1); part 1 holds the hall's security groups. */
  readonly part?: number;
  /** How many parts the hall is cut into (default 1). */
  readonly parts?: number;
  /** Part 1's stack, whose outputs later parts read the hall's security groups from. */
  readonly hallStack?: string;
}

export function scalableUnitId(index: number): string {
  return `su-${String(index).padStart(3, '0')}`;
}

/**
 * One hall's GPU capacity, or one part of it (stacks/sharding.ts cuts a hall whose plan would
 * be too slow). A tenant's SUs sit in the tenant's own subnet and security groups (from the
 * tenancy stack); spare SUs share the hall's fabric subnet and EFA group. The hall's groups
 * live in part 1, at the addresses an unsplit hall has; later parts read their ids from part
 * 1's outputs, so one EFA group (whose members-only rules let only its members talk) still
 * spans the whole hall's fabric.
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

    const part = props.part ?? 1;
    const all = scalableUnitSlots(cluster, hall);
    const range = props.units ?? { first: 0, count: all.length };
    const slots = all.slice(range.first, range.first + range.count);
    const spare = slots.some((s) => !s.tenantId);

    let hallGroups: { efaSecurityGroupId: string; nodeSecurityGroupId: string } | undefined;
    if (part === 1) {
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
      hallGroups = { efaSecurityGroupId: efa.group.id, nodeSecurityGroupId: node.group.id };
      if ((props.parts ?? 1) > 1) {
        new TerraformOutput(this, computeOutputs.efaSecurityGroupId, { value: efa.group.id });
        new TerraformOutput(this, computeOutputs.nodeSecurityGroupId, { value: node.group.id });
      }
    } else if (spare) {
      if (!props.hallStack) throw new Error(`${name}: part ${part} of hall ${hall.id} needs the hall's first stack`);
      const first = this.remoteState('hall', props.hallStack);
      hallGroups = {
        efaSecurityGroupId: first.getString(computeOutputs.efaSecurityGroupId),
        nodeSecurityGroupId: first.getString(computeOutputs.nodeSecurityGroupId),
      };
    }

    const tenants = new Map(cluster.tenants.map((t) => [t.id, t]));
    // Every shard reads the tenancy stack: tenant SUs for their subnets and groups, every SU for
    // its owner's GPU node instance profile.
    const tenancy = this.remoteState('tenancy', props.tenancyStack);
    const placement = (tenantId: string | undefined) =>
      tenantId
        ? {
            subnetId: tenancy.getString(tenancyOutputs.subnetId(tenantId, hall.id)),
            efaSecurityGroupId: tenancy.getString(tenancyOutputs.efaSecurityGroupId(tenantId)),
            nodeSecurityGroupId: tenancy.getString(tenancyOutputs.nodeSecurityGroupId(tenantId)),
          }
        : { subnetId, ...hallGroups! };
    const spec = INSTANCE_TYPES[cluster.fabric.instanceType];
    for (const slot of slots) {
      const unitId = scalableUnitId(slot.index);
      const tenant = slot.tenantId ? tenants.get(slot.tenantId) : undefined;
      const owner = tenant?.id ?? SPARE_OWNER;
      const name = `${prefix}-${unitId}`;
      this.units.push(
        new ScalableUnit(this, unitId, {
          name,
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
          // Per SU only an attribute: the owner's profile and parameter are per owner, in the tenancy stack.
          instanceProfileArn: tenancy.getString(tenancyOutputs.gpuNodeProfileArn(owner)),
          // The parameter name from the same pure function the tenancy stack names it with, so that
          // the user data is a literal at synth (tenancyOutputs.gpuAgentParameterName publishes it too).
          userData: gpuAgentUserData({
            parameterName: gpuAgentParameterName(env.name, cluster.id, owner),
            scalableUnit: name,
            region: env.region,
          }),
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
