import { Construct } from 'constructs';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { Ec2CapacityReservation } from '@cdktf/provider-aws/lib/ec2-capacity-reservation';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { ResourcegroupsGroup } from '@cdktf/provider-aws/lib/resourcegroups-group';
import { efaInterfaces, type NetworkFacts } from './efa-interfaces';

/**
 * How the unit's capacity is held:
 * - on-demand-reservation: Terraform owns a targeted On-Demand Capacity Reservation for every
 *   node, in the unit's cluster placement group;
 * - capacity-block: capacity is bought as Capacity Blocks for ML outside Terraform; Terraform owns
 *   a Capacity Reservation group per unit that operators add the bought blocks to, and the
 *   launch template and auto scaling group launch only into that group.
 */
/**
 * The group metrics every SU's auto scaling group publishes, in the AWS/AutoScaling namespace by
 * AutoScalingGroupName: in-service against desired instances is the unit's running capacity, and
 * pending/terminating/total show it being replaced. The only granularity is "1Minute"
 * ("Monitor CloudWatch metrics for your Auto Scaling groups and instances", EC2 Auto Scaling
 * User Guide, https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-cloudwatch-monitoring.html;
 * API reference, EnableMetricsCollection). Group metrics at one minute carry no charge.
 */
export const ASG_GROUP_METRICS = [
  'GroupDesiredCapacity',
  'GroupInServiceInstances',
  'GroupPendingInstances',
  'GroupTerminatingInstances',
  'GroupTotalInstances',
] as const;
export const ASG_METRICS_GRANULARITY = '1Minute';

export type UnitCapacity = 'on-demand-reservation' | 'capacity-block';

export interface ScalableUnitProps {
  /** Unique name, such as prod-colossus-1-hall-a-su-007. */
  readonly name: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly efaSecurityGroupId: string;
  readonly nodeSecurityGroupId: string;
  readonly instanceType: string;
  /** The instance type's network cards and EFA limit, from which the interfaces are laid out. */
  readonly network: NetworkFacts;
  readonly capacity: UnitCapacity;
  readonly nodes: number;
  readonly imageSsmParameter: string;
  readonly rootVolumeGiB: number;
  /** Tags every instance, volume and interface of the unit carries. */
  readonly tags: Record<string, string>;
  /** False only where the AWS emulator cannot create a cluster placement group. */
  readonly placementGroup?: boolean;
  /** False only where the AWS emulator cannot create a capacity reservation. */
  readonly capacityReservation?: boolean;
  /** The instance profile the unit's nodes run as: its owner's (tenant or spare pool). */
  readonly instanceProfileArn?: string;
  /** A script every node runs at first boot (encoded for the launch template here, at synth). */
  readonly userData?: string;
}

/**
 * The unit of capacity. Bought on demand: a cluster placement group, a capacity reservation for
 * every node, an EFA launch template and an auto scaling group pinned to both. Bought as
 * Capacity Blocks: a Capacity Reservation group, the launch template and the auto scaling group;
 * no placement group, because AWS places a block's instances itself (an UltraServer is one
 * NVLink domain; "Instances that run inside a Capacity Block are automatically placed close
 * together inside Amazon EC2 UltraClusters", EC2 API reference, CapacityBlock).
 * Four or three resources whatever the GPU count.
 */
export class ScalableUnit extends Construct {
  readonly placementGroup?: PlacementGroup;
  readonly capacityReservation?: Ec2CapacityReservation;
  readonly capacityBlockGroup?: ResourcegroupsGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: ScalableUnitProps) {
    super(scope, id);
    const tags = { Name: props.name, ...props.tags };

    const onDemand = props.capacity === 'on-demand-reservation';
    const placementGroup = (this.placementGroup =
      props.placementGroup === false || !onDemand
        ? undefined
        : new PlacementGroup(this, 'placement-group', { name: props.name, strategy: 'cluster', tags }));

    const reservation = (this.capacityReservation =
      props.capacityReservation === false || !onDemand
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

    // A Capacity Reservation group ("Work with Capacity Reservation groups", EC2 User Guide): the
    // blocks bought for this unit are added to it by id, outside Terraform.
    const blockGroup = (this.capacityBlockGroup =
      props.capacityReservation === false || onDemand
        ? undefined
        : new ResourcegroupsGroup(this, 'capacity-block-group', {
            name: props.name,
            description: `Capacity Blocks of ${props.name}: ${props.nodes} x ${props.instanceType} in ${props.availabilityZone}`,
            configuration: [
              { type: 'AWS::EC2::CapacityReservationPool' },
              {
                type: 'AWS::ResourceGroups::Generic',
                parameters: [{ name: 'allowed-resource-types', values: ['AWS::EC2::CapacityReservation'] }],
              },
            ],
            tags: {
              ...tags,
              'capacity-model': 'capacity-block',
              'instance-type': props.instanceType,
              'instance-count': String(props.nodes),
              'availability-zone': props.availabilityZone,
            },
          }));

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: props.name,
      imageId: `resolve:ssm:${props.imageSsmParameter}`,
      instanceType: props.instanceType,
      updateDefaultVersion: true,
      iamInstanceProfile: props.instanceProfileArn ? { arn: props.instanceProfileArn } : undefined,
      // The launch template takes user data base64-encoded (EC2 API, RequestLaunchTemplateData).
      userData: props.userData === undefined ? undefined : Buffer.from(props.userData, 'utf8').toString('base64'),
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
      networkInterfaces: efaInterfaces(props.network).map((nic) => ({
        networkCardIndex: nic.networkCardIndex,
        deviceIndex: nic.deviceIndex,
        interfaceType: nic.interfaceType,
        subnetId: props.subnetId,
        // The primary carries IP traffic (node group) and joins the EFA group as before.
        securityGroups:
          nic.interfaceType === 'interface'
            ? [props.efaSecurityGroupId, props.nodeSecurityGroupId]
            : [props.efaSecurityGroupId],
        associatePublicIpAddress: 'false',
        deleteOnTermination: 'true',
      })),
      placement: placementGroup ? { groupName: placementGroup.name } : undefined,
      capacityReservationSpecification: reservation
        ? { capacityReservationTarget: { capacityReservationId: reservation.id } }
        : blockGroup
          ? { capacityReservationTarget: { capacityReservationResourceGroupArn: blockGroup.arn } }
          : undefined,
      // Instances launch into a Capacity Block only with this market type.
      instanceMarketOptions: blockGroup ? { marketType: 'capacity-block' } : undefined,
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
        : blockGroup
          ? {
              capacityReservationPreference: 'capacity-reservations-only',
              capacityReservationTarget: { capacityReservationResourceGroupArns: [blockGroup.arn] },
            }
          : undefined,
      healthCheckType: 'EC2',
      enabledMetrics: [...ASG_GROUP_METRICS],
      metricsGranularity: ASG_METRICS_GRANULARITY,
      // GPU nodes take long to pass health checks; never block an apply on them.
      waitForCapacityTimeout: '0',
      tag: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
    });
  }
}
