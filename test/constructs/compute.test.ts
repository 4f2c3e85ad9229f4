import { Testing, TerraformStack } from 'cdktf';
import { efaInterfaces, type NetworkFacts } from '../../constructs/compute/efa-interfaces';
import { EfaSecurityGroup } from '../../constructs/compute/efa-security-group';
import { ASG_GROUP_METRICS, ScalableUnit, type UnitCapacity } from '../../constructs/compute/scalable-unit';
import { INSTANCE_TYPES, INSTANCE_TYPE_NAMES } from '../../config/instance-types';
import { synthStack, resourcesOf, resourceCount, refTo } from '../helpers/synth';

function unitStack(
  network: NetworkFacts,
  nodes: number,
  capacity: UnitCapacity = 'on-demand-reservation',
): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'unit');
  new ScalableUnit(stack, 'su-000', {
    name: 'test-su-000',
    availabilityZone: 'us-east-1a',
    subnetId: 'subnet-123',
    efaSecurityGroupId: 'sg-efa',
    nodeSecurityGroupId: 'sg-node',
    instanceType: 'p5.48xlarge',
    network,
    capacity,
    nodes,
    imageSsmParameter: '/aws/service/test/image_id',
    rootVolumeGiB: 512,
    tags: { tenant: 'lab-test' },
  });
  return stack;
}

const p5 = INSTANCE_TYPES['p5.48xlarge'];
const gb200 = INSTANCE_TYPES['p6e-gb200.36xlarge'];
const card = (maxInterfaces: number, efa = true, ena = true) => ({ maxInterfaces, efa, ena });
type Slot = [card: number, device: number, type: 'interface' | 'efa-only'];
const slots = (facts: NetworkFacts): Slot[] =>
  efaInterfaces(facts).map((n) => [n.networkCardIndex, n.deviceIndex, n.interfaceType]);
const efaOnlyAtDevice0 = (from: number, to: number): Slot[] =>
  Array.from({ length: to - from + 1 }, (_, i) => [from + i, 0, 'efa-only']);

describe('efaInterfaces: the EC2 User Guide layout, one case per pattern', () => {
  it.each<[string, NetworkFacts, Slot[]]>([
    [
      'card 0 supports EFA (P5): ENA primary, EFA-only at card 0 device 1, EFA-only at device 0 elsewhere',
      p5,
      [[0, 0, 'interface'], [0, 1, 'efa-only'], ...efaOnlyAtDevice0(1, 31)],
    ],
    [
      'card 0 without EFA, odd cards EFA-only with one interface (GB200): EFA-only on cards 1-16 at device 0',
      gb200,
      [[0, 0, 'interface'], ...efaOnlyAtDevice0(1, 16)],
    ],
    [
      'a single card with EFA',
      { maxEfaInterfaces: 1, cards: [card(2)] },
      [
        [0, 0, 'interface'],
        [0, 1, 'efa-only'],
      ],
    ],
    ['a single card without EFA', { maxEfaInterfaces: 0, cards: [card(4, false)] }, [[0, 0, 'interface']]],
  ])('%s', (_name, facts, expected) => {
    expect(slots(facts)).toEqual(expected);
  });

  it.each<[string, NetworkFacts, string]>([
    [
      'card 0 takes one interface but supports EFA',
      { maxEfaInterfaces: 2, cards: [card(1), card(1)] },
      'card 0 takes 1 interface(s), so it has no device index 1',
    ],
    [
      'a card that takes no interface',
      { maxEfaInterfaces: 2, cards: [card(2), card(0)] },
      'card 1 takes 0 interface(s), so it has no device index 0',
    ],
    ['card 0 without ENA', { maxEfaInterfaces: 1, cards: [card(1, true, false)] }, 'card 0 must take an ENA interface'],
    ['no cards at all', { maxEfaInterfaces: 0, cards: [] }, 'card 0 must take an ENA interface'],
    [
      'fewer EFA-capable cards than MaximumEfaInterfaces',
      { maxEfaInterfaces: 3, cards: [card(2), card(1)] },
      'support 2 EFA interface(s) but the type reports MaximumEfaInterfaces 3',
    ],
  ])('refuses facts that contradict each other: %s', (_name, facts, message) => {
    expect(() => efaInterfaces(facts)).toThrow(message);
  });
});

const confirmed = INSTANCE_TYPE_NAMES.filter((name) => INSTANCE_TYPES[name].unconfirmed.length === 0);

it('confirms P5, P5e and GB200 facts, and keeps the other types refused until they are', () => {
  expect(confirmed).toEqual(['p5.48xlarge', 'p5e.48xlarge', 'p6e-gb200.36xlarge']);
});

describe.each(confirmed)('%s facts', (name) => {
  const spec = INSTANCE_TYPES[name];

  it('are self-consistent: one card entry per network card, and the layout uses every EFA interface', () => {
    expect(spec.cards).toHaveLength(spec.maxNetworkCards);
    const layout = efaInterfaces(spec);
    expect(layout.filter((n) => n.interfaceType === 'efa-only')).toHaveLength(spec.maxEfaInterfaces);
    // No card is asked for more interfaces than it takes, and no slot repeats.
    for (const n of layout) expect(n.deviceIndex).toBeLessThan(spec.cards[n.networkCardIndex]!.maxInterfaces);
    expect(new Set(layout.map((n) => `${n.networkCardIndex}/${n.deviceIndex}`)).size).toBe(layout.length);
  });
});

describe.each(INSTANCE_TYPE_NAMES)('%s sources', (name) => {
  const spec = INSTANCE_TYPES[name];

  it('cite a source for every confirmed network fact, or say what is unconfirmed', () => {
    const sources: Record<string, string> = spec.sources;
    if (spec.unconfirmed.length === 0) {
      for (const fact of ['gpus', 'maxNetworkCards', 'maxEfaInterfaces', 'cards', 'capacity']) {
        expect([fact, sources[fact]]).toEqual([fact, expect.stringMatching(/https:\/\//)]);
      }
    } else {
      expect(spec.unconfirmed.every((text) => text.length > 10)).toBe(true);
    }
  });
});

describe('ScalableUnit', () => {
  const stack = unitStack(p5, 64);
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

  it("launches with IMDSv2, an encrypted root volume and the guide's interface layout", () => {
    const [template] = Object.values(resourcesOf(json, 'aws_launch_template'));
    expect(template?.metadata_options).toEqual(
      expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 }),
    );
    expect(template?.block_device_mappings).toEqual([
      expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true' }) }),
    ]);
    const nics = template?.network_interfaces as {
      network_card_index: number;
      device_index: number;
      interface_type: string;
      associate_public_ip_address: string;
      security_groups: string[];
    }[];
    expect(nics.map((n) => [n.network_card_index, n.device_index, n.interface_type])).toEqual(slots(p5));
    expect(nics.every((n) => n.associate_public_ip_address === 'false')).toBe(true);
    // The node group on the primary only; the EFA group on every interface.
    expect(nics.map((n) => n.security_groups)).toEqual([['sg-efa', 'sg-node'], ...Array(32).fill(['sg-efa'])]);
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

  it('publishes its group metrics every minute: in-service against desired instances, and the replacements', () => {
    const [group] = Object.values(resourcesOf(json, 'aws_autoscaling_group'));
    expect(group?.metrics_granularity).toBe('1Minute');
    expect(group?.enabled_metrics).toEqual([...ASG_GROUP_METRICS]);
    expect(group?.enabled_metrics).toEqual(
      expect.arrayContaining(['GroupInServiceInstances', 'GroupDesiredCapacity', 'GroupPendingInstances']),
    );
  });

  it('grows with units, never with GPUs: a bigger unit is still four resources', () => {
    expect(resourceCount(synthStack(unitStack(p5, 144)))).toBe(4);
  });
});

describe('ScalableUnit with its GPU agent', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'unit');
  new ScalableUnit(stack, 'su-000', {
    name: 'test-su-000',
    availabilityZone: 'us-east-1a',
    subnetId: 'subnet-123',
    efaSecurityGroupId: 'sg-efa',
    nodeSecurityGroupId: 'sg-node',
    instanceType: 'p5.48xlarge',
    network: p5,
    capacity: 'on-demand-reservation',
    nodes: 2,
    imageSsmParameter: '/aws/service/test/image_id',
    rootVolumeGiB: 512,
    tags: { tenant: 'lab-test' },
    instanceProfileArn: 'arn:aws:iam::111111111111:instance-profile/test-gpu-node',
    userData: '#!/bin/bash\necho su test-su-000\n',
  });
  const json = synthStack(stack);
  const [template] = Object.values(resourcesOf(json, 'aws_launch_template'));

  it("runs its nodes as the owner's instance profile, and hands them the script base64-encoded", () => {
    expect(template?.iam_instance_profile).toEqual({ arn: 'arn:aws:iam::111111111111:instance-profile/test-gpu-node' });
    expect(Buffer.from(String(template?.user_data), 'base64').toString('utf8')).toBe(
      '#!/bin/bash\necho su test-su-000\n',
    );
  });

  it('is still four resources: the agent adds attributes, not resources, per SU', () => {
    expect(resourceCount(json)).toBe(4);
  });
});

describe('ScalableUnit bought as Capacity Blocks', () => {
  const json = synthStack(unitStack(gb200, 144, 'capacity-block'));
  const group = refTo(json, 'aws_resourcegroups_group', 'arn');

  it('is a capacity reservation group, a launch template and an auto scaling group; no placement group or reservation', () => {
    expect(Object.keys(json.resource ?? {}).sort()).toEqual([
      'aws_autoscaling_group',
      'aws_launch_template',
      'aws_resourcegroups_group',
    ]);
    expect(resourceCount(json)).toBe(3);
  });

  it('makes the group a Capacity Reservation pool that holds capacity reservations only', () => {
    const [pool] = Object.values(resourcesOf(json, 'aws_resourcegroups_group'));
    expect(pool?.configuration).toEqual([
      { type: 'AWS::EC2::CapacityReservationPool' },
      {
        type: 'AWS::ResourceGroups::Generic',
        parameters: [{ name: 'allowed-resource-types', values: ['AWS::EC2::CapacityReservation'] }],
      },
    ]);
    expect(pool?.tags).toEqual(
      expect.objectContaining({ 'instance-count': '144', 'capacity-model': 'capacity-block', tenant: 'lab-test' }),
    );
  });

  it('launches only into the group, with the capacity-block market type', () => {
    const [template] = Object.values(resourcesOf(json, 'aws_launch_template'));
    expect(template?.instance_market_options).toEqual({ market_type: 'capacity-block' });
    expect(template?.capacity_reservation_specification).toEqual({
      capacity_reservation_target: { capacity_reservation_resource_group_arn: group },
    });
    expect(template).not.toHaveProperty('placement');
    const [asg] = Object.values(resourcesOf(json, 'aws_autoscaling_group'));
    expect(asg?.capacity_reservation_specification).toEqual({
      capacity_reservation_preference: 'capacity-reservations-only',
      capacity_reservation_target: { capacity_reservation_resource_group_arns: [group] },
    });
    expect(asg).not.toHaveProperty('placement_group');
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
