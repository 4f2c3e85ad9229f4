import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Severity } from './facility-metrics';

export type Comparison = 'GreaterThanOrEqualToThreshold' | 'LessThanOrEqualToThreshold';

export interface SafetyAlarmProps {
  readonly alarmName: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: 'Maximum' | 'Minimum';
  readonly comparison: Comparison;
  readonly threshold: number;
  /** Breaching minutes out of evaluationMinutes before it fires; 1 of 1 for discrete faults. */
  readonly datapointsToAlarm: number;
  readonly evaluationMinutes: number;
  readonly severity: Severity;
  readonly topicArn: string;
}

/**
 * A one-minute facility alarm. Missing data is breaching: a sensor that stops reporting
 * is indistinguishable from one that reports a fault, and both need a person.
 */
export class SafetyAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: SafetyAlarmProps) {
    super(scope, id);
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: props.alarmName,
      alarmDescription: `[${props.severity}] ${props.description}`,
      namespace: props.namespace,
      metricName: props.metricName,
      dimensions: props.dimensions,
      statistic: props.statistic,
      period: 60,
      evaluationPeriods: props.evaluationMinutes,
      datapointsToAlarm: props.datapointsToAlarm,
      comparisonOperator: props.comparison,
      threshold: props.threshold,
      treatMissingData: 'breaching',
      actionsEnabled: true,
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
  }
}
