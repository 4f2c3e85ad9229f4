import { model, ref, rowsOf } from './fixtures';

/** CLX-MON-007 as an attacker would get past it: the same gap spelled several ways. */
const RULE = 'CLX-MON-007';
const BOTH = ['GroupInServiceInstances', 'GroupDesiredCapacity'];
const group = (extra: Record<string, unknown>) => ({ name: 'g', min_size: 1, max_size: 1, ...extra });
const rows = (groups: Record<string, Record<string, unknown>>, extra = {}) =>
  rowsOf(RULE, model({ aws_autoscaling_group: groups }, extra));
const failures = (groups: Record<string, Record<string, unknown>>, extra = {}) =>
  rows(groups, extra)
    .filter((r) => r.status === 'fail')
    .map((r) => [r.address, r.message]);

describe('CLX-MON-007: every auto scaling group publishes its in-service and desired instances every minute', () => {
  it('passes the group metrics the compute shards enable, explicit or at the provider default granularity', () => {
    const all = [...BOTH, 'GroupPendingInstances', 'GroupTerminatingInstances', 'GroupTotalInstances'];
    expect(rows({ a: group({ enabled_metrics: all, metrics_granularity: '1Minute' }) }).map((r) => r.status)).toEqual([
      'pass',
    ]);
    expect(rows({ a: group({ enabled_metrics: BOTH }) }).map((r) => r.status)).toEqual(['pass']);
  });

  it('fails a group that enables no metrics', () => {
    expect(failures({ a: group({}) })).toEqual([
      ['aws_autoscaling_group.a', 'aws_autoscaling_group.a enables no group metrics'],
    ]);
  });

  it('fails a group that enables some metrics but not in-service instances, naming the missing one', () => {
    expect(failures({ a: group({ enabled_metrics: ['GroupDesiredCapacity', 'GroupTotalInstances'] }) })).toEqual([
      ['aws_autoscaling_group.a', 'aws_autoscaling_group.a does not publish GroupInServiceInstances'],
    ]);
  });

  it('fails a metric name in the wrong case: CloudWatch names are case-sensitive', () => {
    expect(failures({ a: group({ enabled_metrics: ['groupinserviceinstances', 'GroupDesiredCapacity'] }) })).toEqual([
      ['aws_autoscaling_group.a', 'aws_autoscaling_group.a does not publish GroupInServiceInstances'],
    ]);
  });

  it('fails a granularity other than 1Minute', () => {
    expect(failures({ a: group({ enabled_metrics: BOTH, metrics_granularity: '5Minute' }) })).toEqual([
      ['aws_autoscaling_group.a', 'aws_autoscaling_group.a publishes its group metrics at 5Minute, not 1Minute'],
    ]);
  });

  it('fails closed on enabled_metrics it cannot resolve: a variable, a local, a function, one token inside the list', () => {
    const cases: unknown[] = [
      '${var.metrics}',
      '${local.metrics}',
      '${split(",", "GroupInServiceInstances,GroupDesiredCapacity")}',
      ['GroupInServiceInstances', '${local.desired}'],
      ref('aws_ssm_parameter', 'p', 'value'),
    ];
    for (const enabled of cases)
      expect(failures({ a: group({ enabled_metrics: enabled }) })).toEqual([
        [
          'aws_autoscaling_group.a',
          `aws_autoscaling_group.a: cannot resolve enabled_metrics ${JSON.stringify(enabled)} to a literal list of metric names`,
        ],
      ]);
  });

  it('fails closed on a granularity it cannot resolve', () => {
    expect(failures({ a: group({ enabled_metrics: BOTH, metrics_granularity: '${var.granularity}' }) })).toEqual([
      ['aws_autoscaling_group.a', 'aws_autoscaling_group.a: cannot resolve metrics_granularity "${var.granularity}"'],
    ]);
  });

  it('judges every group on its own: a second group without metrics fails beside a compliant one', () => {
    const result = rows({ a: group({ enabled_metrics: BOTH }), b: group({ name: 'b' }) });
    expect(result.map((r) => [r.address, r.status])).toEqual([
      ['aws_autoscaling_group.a', 'pass'],
      ['aws_autoscaling_group.b', 'fail'],
    ]);
    expect(result[1].message).toBe('aws_autoscaling_group.b enables no group metrics');
  });

  it('records the arguments it read as evidence', () => {
    const [row] = rows({ a: group({ enabled_metrics: ['GroupTotalInstances'], metrics_granularity: '1Minute' }) });
    expect(row.evidence).toEqual({
      attribute: 'enabled_metrics',
      value: { enabled_metrics: ['GroupTotalInstances'], metrics_granularity: '1Minute' },
    });
  });

  it('is not applicable to a stack without auto scaling groups', () => {
    expect(rowsOf(RULE, model({ aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } })).map((r) => r.status)).toEqual([
      'not applicable',
    ]);
  });
});
