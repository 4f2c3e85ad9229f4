import { Construct } from 'constructs';
import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { alarmNames, anyInAlarm, type AlarmTopics } from '../alerting/facility-metrics';
import { CduMonitor, type CduLimits } from './cdu-monitor';

export interface HallCoolingMonitorProps {
  readonly prefix: string;
  readonly clusterId: string;
  readonly hallId: string;
  readonly cduIds: readonly string[];
  readonly limits: CduLimits;
  readonly topics: AlarmTopics;
  /** False only where composite alarms cannot be created (the AWS emulator). */
  readonly composites?: boolean;
  /**
   * Where the hall's CDUs are split across stacks: false in every part but the first, which
   * holds the hall's composite; in the first, the "out of service" alarm names of the CDUs the
   * other parts hold, in CDU order after this part's own.
   */
  readonly hallComposite?: boolean;
  readonly otherOutOfServiceAlarmNames?: readonly string[];
}

/**
 * The CDUs of one hall, and a composite that pages when any CDU is out of service: the
 * hall is designed to lose one CDU, so from then on it runs without cooling redundancy.
 */
export class HallCoolingMonitor extends Construct {
  readonly cdus: CduMonitor[];
  readonly redundancyLost: CloudwatchCompositeAlarm | undefined;

  constructor(scope: Construct, id: string, props: HallCoolingMonitorProps) {
    super(scope, id);
    this.cdus = props.cduIds.map(
      (cduId) =>
        new CduMonitor(this, cduId, {
          prefix: props.prefix,
          clusterId: props.clusterId,
          hallId: props.hallId,
          cduId,
          limits: props.limits,
          topics: props.topics,
          composites: props.composites,
        }),
    );
    if (props.composites === false || props.hallComposite === false) return;
    this.redundancyLost = new CloudwatchCompositeAlarm(this, 'redundancy-lost', {
      alarmName: alarmNames.hallCoolingRedundancyLost(props.prefix, props.hallId),
      alarmDescription: `[page] ${props.clusterId} ${props.hallId} has a CDU out of service and no cooling redundancy left. See the CDU tickets for which one.`,
      alarmRule: anyInAlarm([
        ...this.cdus.flatMap((cdu) => (cdu.outOfService ? [cdu.outOfService.alarmName] : [])),
        ...(props.otherOutOfServiceAlarmNames ?? []),
      ]),
      actionsEnabled: true,
      alarmActions: [props.topics.page],
      okActions: [props.topics.page],
    });
  }
}
