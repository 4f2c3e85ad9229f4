import { Construct } from 'constructs';
import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { alarmNames, anyInAlarm, type AlarmTopics } from '../alerting/facility-metrics';
import { FeedMonitor } from './feed-monitor';

export interface PowerMonitorProps {
  readonly prefix: string;
  readonly clusterId: string;
  readonly feeds: readonly { readonly id: string; readonly hallIds: readonly string[] }[];
  readonly redundancy: string;
  readonly loadWarnPercent: number;
  readonly loadCriticalPercent: number;
  readonly stateOfChargeWarnPercent: number;
  readonly stateOfChargeMinPercent: number;
  readonly topics: AlarmTopics;
  /** False only where composite alarms cannot be created (the AWS emulator). */
  readonly composites?: boolean;
}

/**
 * The feeds of a cluster and one composite that pages when any feed stops being able to
 * back up the others: tripped, on battery, or loaded past the redundancy limit. The
 * individual alarms open tickets that say which feed and why.
 */
export class PowerMonitor extends Construct {
  readonly feeds: FeedMonitor[];
  readonly redundancyLost: CloudwatchCompositeAlarm | undefined;

  constructor(scope: Construct, id: string, props: PowerMonitorProps) {
    super(scope, id);
    this.feeds = props.feeds.map(
      (feed) =>
        new FeedMonitor(this, feed.id, {
          prefix: props.prefix,
          clusterId: props.clusterId,
          feedId: feed.id,
          hallIds: feed.hallIds,
          loadWarnPercent: props.loadWarnPercent,
          loadCriticalPercent: props.loadCriticalPercent,
          stateOfChargeWarnPercent: props.stateOfChargeWarnPercent,
          stateOfChargeMinPercent: props.stateOfChargeMinPercent,
          topics: props.topics,
        }),
    );
    if (props.composites === false) return;
    this.redundancyLost = new CloudwatchCompositeAlarm(this, 'redundancy-lost', {
      alarmName: alarmNames.powerRedundancyLost(props.prefix),
      alarmDescription: `[page] ${props.clusterId} has lost ${props.redundancy} power redundancy: one more feed failure takes GPUs down. See the feed tickets for which feed.`,
      alarmRule: anyInAlarm(this.feeds.flatMap((f) => f.redundancyAlarms.map((a) => a.alarm.alarmName))),
      actionsEnabled: true,
      alarmActions: [props.topics.page],
      okActions: [props.topics.page],
    });
  }
}
