import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmTopics, Severity } from '../alerting/facility-metrics';

export interface InsightsAlarmProps {
  readonly alarmName: string;
  readonly severity: Severity;
  readonly description: string;
  /** A Metrics Insights query (contract-query.ts); one series, or one per GROUP BY contributor. */
  readonly query: string;
  readonly label: string;
  readonly comparison: 'LessThanThreshold' | 'GreaterThanThreshold';
  readonly threshold: number;
  /** M of N one-minute datapoints: N at most 180 (a Metrics Insights alarm sees 3 hours). */
  readonly minutes: { readonly of: number; readonly breaching: number };
  readonly topics: AlarmTopics;
  /** A tenant's alarms carry its tenant and data-classification tags (CLX-TAG-005). */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A CloudWatch alarm on one Metrics Insights query, at one-minute periods, sending to the
 * severity's topic on alarm and on recovery. Missing data is breaching: a signal that stops is
 * capacity no one can see (as for the facility alarms).
 */
export class InsightsAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: InsightsAlarmProps) {
    super(scope, id);
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: props.alarmName,
      alarmDescription: `[${props.severity}] ${props.description}`,
      comparisonOperator: props.comparison,
      threshold: props.threshold,
      evaluationPeriods: props.minutes.of,
      datapointsToAlarm: props.minutes.breaching,
      treatMissingData: 'breaching',
      metricQuery: [
        {
          id: 'q',
          // One-minute periods: the capacity queries sum each group's one count a minute.
          period: 60,
          expression: props.query,
          label: props.label,
          returnData: true,
        },
      ],
      actionsEnabled: true,
      alarmActions: [props.topics[props.severity]],
      okActions: [props.topics[props.severity]],
      tags: props.tags ? { ...props.tags } : undefined,
    });
  }
}
