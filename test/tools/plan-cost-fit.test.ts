import { VARIANT_MIN, fitPlanCost, median, variantsOf, type Sample, type StackJson } from '../../tools/plan-cost-fit';
import { PLAN_COST } from '../../stacks/plan-cost';

const sample = (s: Partial<Sample> & Pick<Sample, 'name' | 'kind' | 'seconds'>): Sample => ({
  stack: 'x',
  resources: Object.values(s.types ?? {}).reduce((a, b) => a + b, 0),
  types: {},
  blocks: {},
  ...s,
});

describe('fitPlanCost', () => {
  it('recovers the fixed cost, per-type, per-block and default weights from medians', () => {
    const model = fitPlanCost([
      sample({ name: 'fixed', kind: 'fixed', seconds: [4, 9, 4.2] }),
      sample({ name: 'asg', kind: 'type', types: { aws_autoscaling_group: 100 }, seconds: [9.2, 9.2, 30] }),
      // Too few to be a figure: the type takes the default.
      sample({ name: 'sg', kind: 'type', types: { aws_security_group: 2 }, seconds: [9, 9, 9] }),
      // 100 templates of 10 interfaces: 100 * 0.05 + 1000 * 0.01 = 15 s over fixed.
      sample({
        name: 'lt',
        kind: 'type',
        types: { aws_launch_template: 100 },
        blocks: { 'aws_launch_template.network_interfaces': 1000 },
        seconds: [19.2, 19.2, 19.2],
      }),
      sample({
        name: 'lt-one',
        kind: 'blocks',
        types: { aws_launch_template: 100 },
        blocks: { 'aws_launch_template.network_interfaces': 100 },
        seconds: [10.2, 10.2, 10.2],
      }),
      // 20 ASGs (1 s) and 50 other resources at 0.02 s.
      sample({
        name: 'net',
        kind: 'stack',
        types: { aws_autoscaling_group: 20, aws_vpc: 50 },
        seconds: [6.2, 6.2, 6.2],
      }),
    ]);
    expect(model.fixedSeconds).toBeCloseTo(4.2);
    expect(model.secondsPerResource.aws_autoscaling_group).toBeCloseTo(0.05);
    expect(model.secondsPerBlock['aws_launch_template.network_interfaces']).toBeCloseTo(0.01);
    expect(model.secondsPerResource.aws_launch_template).toBeCloseTo(0.05);
    expect(model.defaultSecondsPerResource).toBeCloseTo(0.02);
    expect(model.secondsPerResource.aws_security_group).toBeUndefined();
  });

  it('needs a fixed-cost sample', () => {
    expect(() => fitPlanCost([])).toThrow(/no fixed-cost sample/);
  });

  it('takes the median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('variantsOf', () => {
  const stack: StackJson = {
    terraform: { backend: { local: { path: '../../x.tfstate' } } },
    provider: { aws: [{ region: 'us-east-1' }] },
    data: { terraform_remote_state: { network: { backend: 'local', config: { path: '../n.tfstate' } } } },
    resource: {
      aws_launch_template: {
        lt: { name: 'x', network_interfaces: [{ device_index: 0 }, { device_index: 1 }] },
      },
      aws_autoscaling_group: {
        asg: {
          launch_template: { id: '${aws_launch_template.lt.id}' },
          placement_group: '${aws_placement_group.pg.name}',
          depends_on: ['aws_launch_template.lt'],
          vpc_zone_identifier: ['${data.terraform_remote_state.network.outputs.subnet}'],
        },
      },
      aws_placement_group: { pg: { name: 'pg' } },
    },
    output: { x: { value: '${aws_placement_group.pg.id}' } },
  };
  const variants = variantsOf([
    { name: 'c', layer: 'compute', json: stack },
    { name: 'n', layer: 'network', json: { provider: stack.provider, resource: { aws_vpc: { v: {} } } } },
  ]);

  it('cuts one variant per type, a fixed one, a one-interface one and the small stacks whole', () => {
    expect(variants.map((v) => v.name)).toEqual([
      'fixed',
      'type-aws_autoscaling_group',
      'type-aws_launch_template',
      'one-network_interfaces-aws_launch_template',
      'type-aws_placement_group',
      'stack-network',
    ]);
    const one = variants.find((v) => v.name.startsWith('one-'))!;
    // One template, copied up to VARIANT_MIN so that noise does not dominate.
    expect(one.sample.types).toEqual({ aws_launch_template: VARIANT_MIN });
    expect(one.sample.blocks).toEqual({ 'aws_launch_template.network_interfaces': VARIANT_MIN });
    expect(variants.find((v) => v.name === 'type-aws_launch_template')!.sample.blocks).toEqual({
      'aws_launch_template.network_interfaces': 2 * VARIANT_MIN,
    });
    // The fixed cost holds one resource: Terraform starts no provider nothing uses.
    expect(variants[0]!.sample.resources).toBe(1);
  });

  it('replaces references to left-out resources with placeholders of the right shape, keeps data references, and is self-contained', () => {
    const asg = variants.find((v) => v.name === 'type-aws_autoscaling_group')!;
    const text = JSON.stringify(asg.json);
    expect(text).not.toMatch(/\$\{aws_/);
    expect(asg.json.resource!.aws_autoscaling_group!.asg).toEqual({
      launch_template: { id: 'lt-0123456789abcdef0' },
      placement_group: 'offline-aws-placement-group-name',
      depends_on: [],
      vpc_zone_identifier: ['${data.terraform_remote_state.network.outputs.subnet}'],
    });
    expect(asg.json.output).toBeUndefined();
    expect(asg.json.terraform!.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(asg.json.data!.terraform_remote_state!.network!.config).toEqual({ path: 'upstream-network.tfstate' });
    expect(asg.seedFiles).toEqual(['upstream-network.tfstate']);
  });
});

describe('the committed calibration', () => {
  it('prices every type of a hall stack and the launch template interfaces', () => {
    for (const type of [
      'aws_launch_template',
      'aws_autoscaling_group',
      'aws_resourcegroups_group',
      'aws_ec2_capacity_reservation',
      'aws_placement_group',
      'aws_cloudwatch_metric_alarm',
      'aws_cloudwatch_composite_alarm',
    ]) {
      expect([type, PLAN_COST.secondsPerResource[type]! > 0]).toEqual([type, true]);
    }
    expect(PLAN_COST.secondsPerBlock['aws_launch_template.network_interfaces']).toBeGreaterThan(0);
    expect(PLAN_COST.fixedSeconds).toBeGreaterThan(1);
  });
});
