import { Construct } from 'constructs';
import { alarmNames, POWER_METRICS, POWER_NAMESPACE, type AlarmTopics } from '../alerting/facility-metrics';
import { SafetyAlarm } from '../alerting/safety-alarm';

export interface FeedMonitorProps {
  /** Alarm name prefix, such as prod-colossus-2. */
  readonly prefix: string;
  readonly clusterId: string;
  readonly feedId: string;
  /** Halls the feed serves; named in descriptions so the page says what is at risk. */
  readonly hallIds: readonly string[];
  readonly loadWarnPercent: number;
  readonly loadCriticalPercent: number;
  readonly stateOfChargeWarnPercent: number;
  readonly stateOfChargeMinPercent: number;
  readonly topics: AlarmTopics;
}

/** Alarms of one power feed: load, UPS on battery, battery charge and breaker trips. */
export class FeedMonitor extends Construct {
  readonly alarms: SafetyAlarm[] = [];
  /** The alarms that mean this feed can no longer back up its twin: they feed "redundancy lost". */
  readonly redundancyAlarms: SafetyAlarm[];

  constructor(scope: Construct, id: string, props: FeedMonitorProps) {
    super(scope, id);
    const dimensions = { Cluster: props.clusterId, Feed: props.feedId };
    const what = `feed ${props.feedId} of ${props.clusterId} (serves ${props.hallIds.join(', ')})`;
    const alarm = (
      signal: string,
      spec: Omit<ConstructorParameters<typeof SafetyAlarm>[2], 'alarmName' | 'namespace' | 'dimensions' | 'topicArn'>,
    ): SafetyAlarm => {
      const made = new SafetyAlarm(this, signal, {
        ...spec,
        alarmName: alarmNames.feed(props.prefix, props.feedId, signal),
        namespace: POWER_NAMESPACE,
        dimensions,
        topicArn: props.topics[spec.severity],
      });
      this.alarms.push(made);
      return made;
    };

    alarm('load-warn', {
      description: `${what} above ${props.loadWarnPercent}% load: plan load moves before redundancy is at risk`,
      metricName: POWER_METRICS.loadPercent,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: props.loadWarnPercent,
      datapointsToAlarm: 3,
      evaluationMinutes: 5,
      severity: 'ticket',
    });
    const loadCritical = alarm('load-critical', {
      description: `${what} above ${props.loadCriticalPercent}% load: losing another feed would overload the rest`,
      metricName: POWER_METRICS.loadPercent,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: props.loadCriticalPercent,
      datapointsToAlarm: 2,
      evaluationMinutes: 3,
      severity: 'ticket',
    });
    const onBattery = alarm('ups-on-battery', {
      description: `${what}: UPS on battery, utility input lost; the battery clock is running`,
      metricName: POWER_METRICS.upsOnBattery,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      datapointsToAlarm: 1,
      evaluationMinutes: 1,
      severity: 'ticket',
    });
    alarm('battery-charge-warn', {
      description: `${what}: battery charge below ${props.stateOfChargeWarnPercent}%`,
      metricName: POWER_METRICS.batteryStateOfCharge,
      statistic: 'Minimum',
      comparison: 'LessThanOrEqualToThreshold',
      threshold: props.stateOfChargeWarnPercent,
      datapointsToAlarm: 2,
      evaluationMinutes: 3,
      severity: 'ticket',
    });
    alarm('battery-charge-critical', {
      description: `${what}: battery charge at its ${props.stateOfChargeMinPercent}% floor; ride-through is no longer guaranteed`,
      metricName: POWER_METRICS.batteryStateOfCharge,
      statistic: 'Minimum',
      comparison: 'LessThanOrEqualToThreshold',
      threshold: props.stateOfChargeMinPercent,
      datapointsToAlarm: 2,
      evaluationMinutes: 3,
      severity: 'page',
    });
    const breaker = alarm('breaker-tripped', {
      description: `${what}: breaker tripped, the feed is out of service`,
      metricName: POWER_METRICS.breakerTripped,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      datapointsToAlarm: 1,
      evaluationMinutes: 1,
      severity: 'ticket',
    });
    this.redundancyAlarms = [loadCritical, onBattery, breaker];
  }
}
