import { Testing, TerraformStack } from 'cdktf';
import { efaInterfaces } from '../../constructs/compute/efa-interfaces';
import { EfaSecurityGroup } from '../../constructs/compute/efa-security-group';
import { ScalableUnit } from '../../constructs/compute/scalable-unit';
import { synthStack, resourcesOf, resourceCount, refTo } from '../helpers/synth';

function unitStack(networkCards: number, nodes: number): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'unit');
  new ScalableUnit(stack, 'su-000', {
    name: 'test-su-000',
    availabilityZone: 'us-east-1a',
    subnetId: 'subnet-123',
    efaSecurityGroupId: 'sg-efa',
    nodeSecurityGroupId: 'sg-node',
    instanceType: 'p5.48xlarge',
    networkCards,
    nodes,
    imageSsmParameter: '/aws/service/test/image_id',
    rootVolumeGiB: 512,
    tags: { tenant: 'lab-test' },
  });
  return stack;
}

describe('efaInterfaces', () => {
  it('puts one interface on every card, card 0 device 0 carrying ENA', () => {
    const nics = efaInterfaces(4);
    expect(nics.map((n) => n.networkCardIndex)).toEqual([0, 1, 2, 3]);
    expect(nics[0]).toEqual({ networkCardIndex: 0, deviceIndex: 0, interfaceType: 'efa' });
    expect(nics.slice(1).every((n) => n.interfaceType === 'efa-only' && n.deviceIndex === 0)).toBe(true);
  });

  it('refuses a card count that is not a positive integer', () => {
    expect(() => efaInterfaces(0)).toThrow('at least one network card, not 0');
  });
});

describe('ScalableUnit', () => {
  const stack = unitStack(32, 64);
  const json = synthStack(stack);
  const synthesized = JSON.stringify(json);

  it('is four resources: placement group, reservation, launch template, auto scaling group', () => {
    expect(resourceCount(json)).toBe(4);
    expect(synthesized).toHaveResourceWithProperties(
      { tfResourceType: 'aws_placement_group' },
      { strategy: 'cluster' },
    );
  });

  it('reserves every node of the unit, targeted, in the zone and placement group', () => {
    expect(synthesized).toHaveResourceWithProperties(
      { tfResourceType: 'aws_ec2_capacity_reservation' },
      {
        instance_count: 64,
        instance_match_criteria: 'targeted',
        availability_zone: 'us-east-1a',
        placement_group_arn: refTo(json, 'aws_placement_group', 'arn'),
      },
    );
  });

  it('launches with IMDSv2, an encrypted root volume and an EFA interface on each card', () => {
    const [template] = Object.values(resourcesOf(json, 'aws_launch_template'));
    expect(template?.metadata_options).toEqual(
      expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 }),
    );
    expect(template?.block_device_mappings).toEqual([
      expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true' }) }),
    ]);
    const nics = template?.network_interfaces as { network_card_index: number; associate_public_ip_address: string }[];
    expect(nics.map((n) => n.network_card_index)).toEqual([...Array(32).keys()]);
    expect(nics.every((n) => n.associate_public_ip_address === 'false')).toBe(true);
  });

  it('pins the auto scaling group to the reservation and the placement group, at the unit size', () => {
    expect(synthesized).toHaveResourceWithProperties(
      { tfResourceType: 'aws_autoscaling_group' },
      {
        min_size: 64,
        max_size: 64,
        desired_capacity: 64,
        placement_group: refTo(json, 'aws_placement_group', 'id'),
        capacity_reservation_specification: {
          capacity_reservation_preference: 'capacity-reservations-only',
          capacity_reservation_target: {
            capacity_reservation_ids: [refTo(json, 'aws_ec2_capacity_reservation', 'id')],
          },
        },
      },
    );
  });

  it('grows with units, never with GPUs: a bigger unit is still four resources', () => {
    expect(resourceCount(synthStack(unitStack(16, 144)))).toBe(4);
  });
});

describe('EfaSecurityGroup', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'efa');
  new EfaSecurityGroup(stack, 'efa', { name: 'efa', vpcId: 'vpc-1', description: 'test' });
  const json = synthStack(stack);

  it('allows all traffic only from and to itself', () => {
    const ingress = Object.values(resourcesOf(json, 'aws_vpc_security_group_ingress_rule'));
    const egress = Object.values(resourcesOf(json, 'aws_vpc_security_group_egress_rule'));
    const self = refTo(json, 'aws_security_group', 'id');
    for (const rules of [ingress, egress]) {
      expect(rules).toHaveLength(1);
      expect(rules[0]).toEqual(
        expect.objectContaining({ ip_protocol: '-1', referenced_security_group_id: self, security_group_id: self }),
      );
      expect(rules[0]).not.toHaveProperty('cidr_ipv4');
    }
    const [group] = Object.values(resourcesOf(json, 'aws_security_group'));
    expect(group).not.toHaveProperty('ingress');
    expect(group).not.toHaveProperty('egress');
  });
});
