import { Construct } from 'constructs';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { Ec2CapacityReservation } from '@cdktf/provider-aws/lib/ec2-capacity-reservation';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { efaInterfaces } from './efa-interfaces';

export interface ScalableUnitProps {
  /** Unique name, such as prod-colossus-1-hall-a-su-007. */
  readonly name: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly efaSecurityGroupId: string;
  readonly nodeSecurityGroupId: string;
  readonly instanceType: string;
  readonly networkCards: number;
  readonly nodes: number;
  readonly imageSsmParameter: string;
  readonly rootVolumeGiB: number;
  /** Tags every instance, volume and interface of the unit carries. */
  readonly tags: Record<string, string>;
  /** False only where the AWS emulator cannot create a cluster placement group. */
  readonly placementGroup?: boolean;
  /** False only where the AWS emulator cannot create a capacity reservation. */
  readonly capacityReservation?: boolean;
}

/**
 * The unit of capacity: a cluster placement group, a capacity reservation for every node
 * of the unit, an EFA launch template and an auto scaling group pinned to both.
 * Four resources whatever the GPU count.
 */
export class ScalableUnit extends Construct {
  readonly placementGroup?: PlacementGroup;
  readonly capacityReservation?: Ec2CapacityReservation;
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: ScalableUnitProps) {
    super(scope, id);
    const tags = { Name: props.name, ...props.tags };

    const placementGroup = (this.placementGroup =
      props.placementGroup === false
        ? undefined
        : new PlacementGroup(this, 'placement-group', { name: props.name, strategy: 'cluster', tags }));

    const reservation = (this.capacityReservation =
      props.capacityReservation === false
        ? undefined
        : new Ec2CapacityReservation(this, 'capacity-reservation', {
            instanceType: props.instanceType,
            instancePlatform: 'Linux/UNIX',
            availabilityZone: props.availabilityZone,
            instanceCount: props.nodes,
            // Targeted: only this unit's launch template may consume the reservation.
            instanceMatchCriteria: 'targeted',
            endDateType: 'unlimited',
            placementGroupArn: placementGroup?.arn,
            tags,
          }));

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: props.name,
      imageId: `resolve:ssm:${props.imageSsmParameter}`,
      instanceType: props.instanceType,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: props.rootVolumeGiB,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      networkInterfaces: efaInterfaces(props.networkCards).map((nic) => ({
        networkCardIndex: nic.networkCardIndex,
        deviceIndex: nic.deviceIndex,
        interfaceType: nic.interfaceType,
        subnetId: props.subnetId,
        securityGroups:
          nic.interfaceType === 'efa'
            ? [props.efaSecurityGroupId, props.nodeSecurityGroupId]
            : [props.efaSecurityGroupId],
        associatePublicIpAddress: 'false',
        deleteOnTermination: 'true',
      })),
      placement: placementGroup ? { groupName: placementGroup.name } : undefined,
      capacityReservationSpecification: reservation
        ? { capacityReservationTarget: { capacityReservationId: reservation.id } }
        : undefined,
      tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({
        resourceType,
        tags,
      })),
      tags,
    });

    this.autoScalingGroup = new AutoscalingGroup(this, 'asg', {
      name: props.name,
      minSize: props.nodes,
      maxSize: props.nodes,
      desiredCapacity: props.nodes,
      vpcZoneIdentifier: [props.subnetId],
      placementGroup: placementGroup?.id,
      launchTemplate: { id: this.launchTemplate.id, version: '$Latest' },
      capacityReservationSpecification: reservation
        ? {
            capacityReservationPreference: 'capacity-reservations-only',
            capacityReservationTarget: { capacityReservationIds: [reservation.id] },
          }
        : undefined,
      healthCheckType: 'EC2',
      // GPU nodes take long to pass health checks; never block an apply on them.
      waitForCapacityTimeout: '0',
      tag: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
    });
  }
}
