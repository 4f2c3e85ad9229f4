import { evaluateLimits, largestPerLimit, measureStacks } from '../../policy/cloudwatch-limits/check';
import { CLOUDWATCH_LIMITS } from '../../policy/cloudwatch-limits/limits';
import type { StackJson } from '../../policy/isolation/synthesized';

type Body = Record<string, unknown>;
const L = CLOUDWATCH_LIMITS;

function stackOf(resources: Record<string, Record<string, Body>>): Map<string, StackJson> {
  return new Map([['env-capacity', { resource: resources }]]);
}

const metric = (i: number) => ({
  id: `m${i}`,
  metric: { namespace: 'AWS/AutoScaling', metric_name: 'GroupInServiceInstances', period: 60, stat: 'Minimum' },
});

function mathAlarm(name: string, metrics: number, expression = metricsSum(metrics)): Body {
  return {
    alarm_name: name,
    evaluation_periods: 1,
    metric_query: [
      ...Array.from({ length: metrics }, (_, i) => metric(i)),
      { id: 'e1', expression, return_data: true },
    ],
  };
}

function metricsSum(n: number): string {
  return Array.from({ length: n }, (_, i) => `m${i}`).join('+');
}

function insightsAlarm(name: string, query: string, period: number, evaluationPeriods: number): Body {
  return {
    alarm_name: name,
    evaluation_periods: evaluationPeriods,
    metric_query: [{ id: 'q1', expression: query, period, return_data: true }],
  };
}

function composite(name: string, children: string[]): Body {
  return { alarm_name: name, alarm_rule: children.map((c) => `ALARM("${c}")`).join(' OR ') };
}

function failures(resources: Record<string, Record<string, Body>>): string[] {
  return evaluateLimits(measureStacks(stackOf(resources)));
}

describe('CloudWatch limits: at the limit passes', () => {
  it('accepts 10 metrics, a 2048-character expression, 100 children, 500 widgets and 3 hours of Metrics Insights', () => {
    const query = `SELECT SUM(GroupInServiceInstances) FROM SCHEMA("AWS/AutoScaling", AutoScalingGroupName) WHERE AutoScalingGroupName = '`;
    const padded = query + 'x'.repeat(L.expressionLength.max - query.length - 1) + "'";
    expect(padded).toHaveLength(L.expressionLength.max);
    const children = Array.from({ length: L.compositeChildren.max }, (_, i) => `child-${i}`);
    expect(
      failures({
        aws_cloudwatch_metric_alarm: {
          math: mathAlarm('math', L.alarmMetrics.max),
          insights: insightsAlarm('insights', padded, 60, 180),
        },
        aws_cloudwatch_composite_alarm: { page: composite('page', children) },
        aws_cloudwatch_dashboard: {
          board: {
            dashboard_name: 'board',
            dashboard_body: JSON.stringify({
              widgets: Array.from({ length: L.dashboardWidgets.max }, () => ({
                type: 'metric',
                properties: { metrics: Array.from({ length: L.widgetMetrics.max }, () => ['A', 'B']) },
              })),
            }),
          },
        },
      }),
    ).toEqual([]);
  });
});

describe('CloudWatch limits: one over fails, naming the resource, the alarm and the limit with its source', () => {
  it('a metric math alarm over 10 metrics', () => {
    expect(failures({ aws_cloudwatch_metric_alarm: { contract: mathAlarm('prod-lab-alpha-contract', 11) } })).toEqual([
      `env-capacity: aws_cloudwatch_metric_alarm.contract (prod-lab-alpha-contract): metrics (metric_query blocks with a metric) in one alarm is 11; CloudWatch allows at most 10 per alarm (${L.alarmMetrics.source.title}, ${L.alarmMetrics.source.url})`,
    ]);
  });

  it('an expression of 2049 characters', () => {
    const [failure] = failures({
      aws_cloudwatch_metric_alarm: { a: mathAlarm('long', 1, 'm0' + '+0'.repeat(1023) + '0') },
    });
    expect(failure).toMatch(
      /^env-capacity: aws_cloudwatch_metric_alarm\.a \(long\): characters in one metric_query expression .* is 2049; CloudWatch allows at most 2048 per alarm \(AWS CloudFormation User Guide/,
    );
  });

  it('two return_data series, and eleven expressions', () => {
    const body = mathAlarm('two', 1);
    const queries = body.metric_query as Body[];
    queries.push(...Array.from({ length: 10 }, (_, i) => ({ id: `x${i}`, expression: 'm0', return_data: i === 0 })));
    const found = failures({ aws_cloudwatch_metric_alarm: { a: body } });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/\(two\): expressions .* is 11; CloudWatch allows at most 10 per alarm/);
    expect(found[1]).toMatch(
      /\(two\): metric_query blocks with return_data true in one alarm is 2; CloudWatch allows at most 1/,
    );
  });

  it('a Metrics Insights alarm that needs more than three hours of data', () => {
    const query = 'SELECT MIN(GroupInServiceInstances) FROM "AWS/AutoScaling"';
    expect(failures({ aws_cloudwatch_metric_alarm: { slow: insightsAlarm('slow-burn', query, 300, 37) } })).toEqual([
      expect.stringMatching(
        /\(slow-burn\): seconds of data one Metrics Insights alarm evaluates .* is 11100; CloudWatch allows at most 10800 per alarm \(Amazon CloudWatch User Guide, Metrics Insights quotas/,
      ),
    ]);
  });

  it('more than 200 Metrics Insights alarms in one environment (one account and region)', () => {
    const query = 'select SUM(GroupInServiceInstances) FROM "AWS/AutoScaling"';
    const alarms = Object.fromEntries(
      Array.from({ length: L.insightsAlarms.max + 1 }, (_, i) => [`a${i}`, insightsAlarm(`mi-${i}`, query, 60, 5)]),
    );
    expect(failures({ aws_cloudwatch_metric_alarm: alarms })).toEqual([
      expect.stringMatching(
        /^environment \(environment\): alarms on a Metrics Insights query is 201; CloudWatch allows at most 200 per account and region/,
      ),
    ]);
  });

  it('a composite rule over 10240 characters, and over 100 children', () => {
    const long = Array.from({ length: 60 }, (_, i) => `${'n'.repeat(160)}-${i}`);
    expect(failures({ aws_cloudwatch_composite_alarm: { c: composite('long-rule', long) } })).toEqual([
      expect.stringMatching(
        /\(long-rule\): characters in one composite alarm rule is 10\d{3}; CloudWatch allows at most 10240 per composite alarm \(Amazon CloudWatch API Reference, PutCompositeAlarm/,
      ),
    ]);
    const many = Array.from({ length: 101 }, (_, i) => `c${i}`);
    expect(failures({ aws_cloudwatch_composite_alarm: { c: composite('wide', many) } })).toEqual([
      expect.stringMatching(/\(wide\): alarms one composite alarm rule names is 101; CloudWatch allows at most 100/),
    ]);
  });

  it('one alarm named by more than 150 composite rules, counting OK() and INSUFFICIENT_DATA() too', () => {
    const composites = Object.fromEntries(
      Array.from({ length: 151 }, (_, i) => [
        `c${i}`,
        { alarm_name: `parent-${i}`, alarm_rule: i % 2 ? 'OK("shared")' : 'INSUFFICIENT_DATA( "shared" )' },
      ]),
    );
    expect(failures({ aws_cloudwatch_composite_alarm: composites })).toEqual([
      expect.stringMatching(
        /^environment \(shared\): composite alarm rules that name one alarm is 151; CloudWatch allows at most 150 per alarm child/,
      ),
    ]);
  });

  it('a dashboard with 501 widgets, and a graph with 501 metrics', () => {
    const body = (widgets: number, metrics: number) =>
      JSON.stringify({
        widgets: Array.from({ length: widgets }, () => ({
          type: 'metric',
          properties: { metrics: Array(metrics).fill(['A', 'B']) },
        })),
      });
    expect(
      failures({ aws_cloudwatch_dashboard: { d: { dashboard_name: 'big', dashboard_body: body(501, 1) } } }),
    ).toEqual([
      expect.stringMatching(
        /^env-capacity: aws_cloudwatch_dashboard\.d \(big\): widgets on one dashboard is 501; CloudWatch allows at most 500 per dashboard/,
      ),
    ]);
    expect(
      failures({ aws_cloudwatch_dashboard: { d: { dashboard_name: 'wide', dashboard_body: body(1, 501) } } }),
    ).toEqual([
      expect.stringMatching(
        /^env-capacity: aws_cloudwatch_dashboard\.d widget 0 \(wide\): metrics and expressions in one graph widget is 501; CloudWatch allows at most 500/,
      ),
    ]);
  });
});

describe('CloudWatch limits fail closed', () => {
  it('follows a reference to another resource of the stack and measures what it resolves to', () => {
    const model = measureStacks(
      stackOf({
        aws_cloudwatch_metric_alarm: { child: { alarm_name: 'x'.repeat(200), metric_name: 'M' } },
        aws_cloudwatch_composite_alarm: {
          c: { alarm_name: 'page', alarm_rule: 'ALARM("${aws_cloudwatch_metric_alarm.child.alarm_name}")' },
        },
      }),
    );
    expect(model.unmeasurable).toEqual([]);
    expect(largestPerLimit(model).compositeRuleLength?.value).toBe('ALARM("")'.length + 200);
  });

  it.each([
    [
      'a reference to a resource that does not exist',
      'ALARM("${aws_cloudwatch_metric_alarm.gone.alarm_name}")',
      /no resource aws_cloudwatch_metric_alarm\.gone/,
    ],
    ['a value only known at apply', 'ALARM("${aws_cloudwatch_metric_alarm.child.arn}")', /only known at apply/],
    ['a function call', 'ALARM("${join("", ["a"])}")', /cannot evaluate|function call/],
    [
      'a remote state of no stack of this synth',
      'ALARM("${data.terraform_remote_state.x.outputs.y}")',
      /no terraform_remote_state\.x/,
    ],
  ])('refuses to pass a composite rule holding %s', (_what, rule, why) => {
    const found = failures({
      aws_cloudwatch_metric_alarm: { child: { alarm_name: 'child', metric_name: 'M' } },
      aws_cloudwatch_composite_alarm: { c: { alarm_name: 'page', alarm_rule: rule } },
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^env-capacity: aws_cloudwatch_composite_alarm\.c: cannot measure alarm_rule against CloudWatch's limits: /,
    );
    expect(found[0]).toMatch(why);
  });

  it('refuses a Metrics Insights query or dashboard body it cannot read, and an alarm name it cannot resolve', () => {
    const found = failures({
      aws_cloudwatch_metric_alarm: {
        q: insightsAlarm('${var.name}', '${local.query}', 60, 1),
      },
      aws_cloudwatch_dashboard: { d: { dashboard_name: 'd', dashboard_body: '{"widgets": [' } },
    });
    expect(found).toEqual([
      expect.stringMatching(/aws_cloudwatch_metric_alarm\.q: cannot measure alarm_name .*/),
      expect.stringMatching(
        /aws_cloudwatch_metric_alarm\.q: cannot measure metric_query q1 expression .*local\.query is not defined/,
      ),
      "env-capacity: aws_cloudwatch_dashboard.d: cannot measure dashboard_body against CloudWatch's limits: it is not JSON",
    ]);
  });
});
