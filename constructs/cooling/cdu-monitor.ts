import { Construct } from 'constructs';
import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import {
  alarmNames,
  anyInAlarm,
  COOLING_METRICS,
  COOLING_NAMESPACE,
  type AlarmTopics,
} from '../alerting/facility-metrics';
import { SafetyAlarm, type SafetyAlarmProps } from '../alerting/safety-alarm';

export interface CduLimits {
  readonly supplyWarnC: number;
  readonly supplyCriticalC: number;
  readonly returnWarnC: number;
  readonly returnCriticalC: number;
  readonly minFlowLpm: number;
  readonly maxDeltaTC: number;
}

export interface CduMonitorProps {
  readonly prefix: string;
  readonly clusterId: string;
  readonly hallId: string;
  readonly cduId: string;
  readonly limits: CduLimits;
  readonly topics: AlarmTopics;
  /** False only where composite alarms cannot be created (the AWS emulator). */
  readonly composites?: boolean;
}

/**
 * Alarms of one CDU: supply and return temperature (warn and critical), flow, delta-T and
 * leak, plus an "out of service" composite over the critical ones that the hall watches.
 * A leak pages on its own: water near live equipment cannot wait for triage.
 */
export class CduMonitor extends Construct {
  readonly alarms: SafetyAlarm[] = [];
  readonly outOfService: CloudwatchCompositeAlarm | undefined;

  constructor(scope: Construct, id: string, props: CduMonitorProps) {
    super(scope, id);
    const { limits } = props;
    const dimensions = { Cluster: props.clusterId, Hall: props.hallId, Cdu: props.cduId };
    const what = `${props.cduId} in ${props.clusterId} ${props.hallId}`;
    const critical: SafetyAlarm[] = [];
    const alarm = (
      signal: string,
      spec: Omit<SafetyAlarmProps, 'alarmName' | 'namespace' | 'dimensions' | 'topicArn'>,
      isCritical: boolean,
    ): void => {
      const made = new SafetyAlarm(this, signal, {
        ...spec,
        alarmName: alarmNames.cdu(props.prefix, props.hallId, props.cduId, signal),
        namespace: COOLING_NAMESPACE,
        dimensions,
        topicArn: props.topics[spec.severity],
      });
      this.alarms.push(made);
      if (isCritical) critical.push(made);
    };
    const temperature = (loop: 'supply' | 'return', level: 'warn' | 'critical', threshold: number): void =>
      alarm(
        `${loop}-temp-${level}`,
        {
          description: `${what}: ${loop} water at or above ${threshold} C`,
          metricName: loop === 'supply' ? COOLING_METRICS.supplyTemperature : COOLING_METRICS.returnTemperature,
          statistic: 'Maximum',
          comparison: 'GreaterThanOrEqualToThreshold',
          threshold,
          datapointsToAlarm: 2,
          evaluationMinutes: 3,
          severity: 'ticket',
        },
        level === 'critical',
      );

    temperature('supply', 'warn', limits.supplyWarnC);
    temperature('supply', 'critical', limits.supplyCriticalC);
    temperature('return', 'warn', limits.returnWarnC);
    temperature('return', 'critical', limits.returnCriticalC);
    alarm(
      'flow-low',
      {
        description: `${what}: flow at or below ${limits.minFlowLpm} L/min (pump, valve or strainer fault)`,
        metricName: COOLING_METRICS.flowRate,
        statistic: 'Minimum',
        comparison: 'LessThanOrEqualToThreshold',
        threshold: limits.minFlowLpm,
        datapointsToAlarm: 2,
        evaluationMinutes: 3,
        severity: 'ticket',
      },
      true,
    );
    alarm(
      'delta-t-high',
      {
        description: `${what}: return minus supply at or above ${limits.maxDeltaTC} C, too little flow for the heat`,
        metricName: COOLING_METRICS.deltaT,
        statistic: 'Maximum',
        comparison: 'GreaterThanOrEqualToThreshold',
        threshold: limits.maxDeltaTC,
        datapointsToAlarm: 2,
        evaluationMinutes: 3,
        severity: 'ticket',
      },
      true,
    );
    alarm(
      'leak',
      {
        description: `${what}: leak detected; isolate the CDU`,
        metricName: COOLING_METRICS.leakDetected,
        statistic: 'Maximum',
        comparison: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        datapointsToAlarm: 1,
        evaluationMinutes: 1,
        severity: 'page',
      },
      true,
    );

    if (props.composites === false) return;
    this.outOfService = new CloudwatchCompositeAlarm(this, 'out-of-service', {
      alarmName: alarmNames.cduOutOfService(props.prefix, props.hallId, props.cduId),
      alarmDescription: `[ticket] ${what} is out of service: a critical cooling alarm is firing`,
      alarmRule: anyInAlarm(critical.map((a) => a.alarm.alarmName)),
      actionsEnabled: true,
      alarmActions: [props.topics.ticket],
      okActions: [props.topics.ticket],
    });
  }
}
