/**
 * CloudWatch's documented limits that the alarms, composites and dashboards are designed
 * against, each with the page it comes from. check.ts measures the synthesized output against
 * them; when AWS changes a limit, change it here.
 *
 * Looked for and not found documented (so not checked): a maximum size of a dashboard body.
 * "Dashboard Body Structure and Syntax" bounds the widgets, PutDashboard gives no length.
 */

export interface Source {
  readonly title: string;
  readonly url: string;
}

export interface CloudWatchLimit {
  /** What is counted, as the failure message names it. */
  readonly what: string;
  readonly max: number;
  /** What one count is taken over. */
  readonly per: 'alarm' | 'composite alarm' | 'dashboard' | 'dashboard widget' | 'alarm child' | 'account and region';
  readonly source: Source;
  /** Why it matters to the design, where not obvious. */
  readonly note?: string;
}

const ALARM_LIMITS: Source = {
  title: 'Amazon CloudWatch User Guide, Limits (alarm limits)',
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html',
};
const METRIC_DATA_QUERY: Source = {
  title: 'Amazon CloudWatch API Reference, MetricDataQuery',
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html',
};
const METRICS_INSIGHTS_QUOTAS: Source = {
  title: 'Amazon CloudWatch User Guide, Metrics Insights quotas',
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html',
};
const PUT_COMPOSITE_ALARM: Source = {
  title: 'Amazon CloudWatch API Reference, PutCompositeAlarm',
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html',
};
const DASHBOARD_BODY: Source = {
  title: 'Amazon CloudWatch API Reference, Dashboard Body Structure and Syntax',
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html',
};
const METRIC_MATH: Source = {
  title: 'Amazon CloudWatch User Guide, Using math expressions with CloudWatch metrics',
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html',
};

export const CLOUDWATCH_LIMITS = {
  alarmMetrics: {
    what: 'metrics (metric_query blocks with a metric) in one alarm',
    max: 10,
    per: 'alarm',
    source: ALARM_LIMITS,
    note: '"Alarms based on metric math expressions can reference a maximum of 10 metrics. This is a hard limit"; why a tenant over hundreds of SUs needs a Metrics Insights query, not metric math.',
  },
  alarmExpressions: {
    what: 'expressions (metric_query blocks with an expression) in one alarm',
    max: 10,
    per: 'alarm',
    source: METRIC_DATA_QUERY,
    note: 'PutMetricAlarm takes up to 20 MetricDataQuery: at most 10 MetricStat and at most 10 Expression.',
  },
  alarmReturnData: {
    what: 'metric_query blocks with return_data true in one alarm',
    max: 1,
    per: 'alarm',
    source: METRIC_DATA_QUERY,
    note: 'Exactly one: "Of those Expression structures, one must have true as the value for ReturnData."',
  },
  expressionLength: {
    what: 'characters in one metric_query expression (a math expression or a Metrics Insights query)',
    max: 2048,
    per: 'alarm',
    source: {
      title:
        'AWS CloudFormation User Guide, AWS::CloudWatch::Alarm MetricDataQuery (Expression: Minimum 1, Maximum 2048)',
      url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudwatch-alarm-metricdataquery.html',
    },
    note: 'Bounds a query that names SUs one by one; a query that selects by tag does not grow with the SUs.',
  },
  insightsEvaluationSeconds: {
    what: 'seconds of data one Metrics Insights alarm evaluates (period x evaluation_periods)',
    max: 3 * 60 * 60,
    per: 'alarm',
    source: METRICS_INSIGHTS_QUOTAS,
    note: '"You can query the most recent three hours of data for alarm condition evaluations": a slow burn-rate window longer than 3 h cannot be one Metrics Insights alarm.',
  },
  insightsAlarms: {
    what: 'alarms on a Metrics Insights query',
    max: 200,
    per: 'account and region',
    source: ALARM_LIMITS,
    note: '"A default of 200 alarms using the Metrics Insights query per account per Region" (adjustable): an environment is one account and region.',
  },
  compositeRuleLength: {
    what: 'characters in one composite alarm rule',
    max: 10240,
    per: 'composite alarm',
    source: PUT_COMPOSITE_ALARM,
    note: 'AlarmRule: "The maximum length is 10240 characters."',
  },
  compositeChildren: {
    what: 'alarms one composite alarm rule names',
    max: 100,
    per: 'composite alarm',
    source: PUT_COMPOSITE_ALARM,
    note: '"The rule expression of a composite alarm can include as many as 100 underlying alarms."',
  },
  compositeParents: {
    what: 'composite alarm rules that name one alarm',
    max: 150,
    per: 'alarm child',
    source: PUT_COMPOSITE_ALARM,
    note: '"Any single alarm can be included in the rule expressions of as many as 150 composite alarms."',
  },
  dashboardWidgets: {
    what: 'widgets on one dashboard',
    max: 500,
    per: 'dashboard',
    source: DASHBOARD_BODY,
    note: '"It can include an array of between 0 and 500 widget objects."',
  },
  widgetMetrics: {
    what: 'metrics and expressions in one graph widget',
    max: 500,
    per: 'dashboard widget',
    source: METRIC_MATH,
    note: '"Each graph is limited to using a maximum of 500 metrics and expressions."',
  },
} as const satisfies Record<string, CloudWatchLimit>;

export type LimitId = keyof typeof CLOUDWATCH_LIMITS;

export function citation(id: LimitId): string {
  const { source } = CLOUDWATCH_LIMITS[id];
  return `${source.title}, ${source.url}`;
}
