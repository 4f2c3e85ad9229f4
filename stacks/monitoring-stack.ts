import type { Construct } from 'constructs';
import { cduIds } from '../config/cooling';
import type { HallConfig } from '../config/schema';
import { HallCoolingMonitor } from '../constructs/cooling/hall-cooling-monitor';
import { SEVERITIES } from '../constructs/alerting/alert-topics';
import type { AlarmTopics, Severity } from '../constructs/alerting/facility-metrics';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { alertingOutputs } from './outputs';

export interface MonitoringStackProps extends ColossusStackProps {
  readonly hall: HallConfig;
  /** The alerting stack whose topics the alarms send to. */
  readonly alertingStack: string;
}

/** One hall's cooling monitors: every CDU's alarms and the hall's "redundancy lost" page. */
export class MonitoringStack extends ColossusStack {
  readonly cooling: HallCoolingMonitor;

  constructor(scope: Construct, name: string, props: MonitoringStackProps) {
    super(scope, name, { ...props, tags: { hall: props.hall.id } });
    const { cluster, hall } = props;
    const env = props.config.environment;
    const alerting = this.remoteState('alerting', props.alertingStack);
    const topics = Object.fromEntries(
      SEVERITIES.map((severity) => [severity, alerting.getString(alertingOutputs.topicArn(severity))]),
    ) as Record<Severity, string> satisfies AlarmTopics;
    const { cooling } = cluster;

    this.cooling = new HallCoolingMonitor(this, 'cooling', {
      prefix: `${env.name}-${cluster.id}`,
      clusterId: cluster.id,
      hallId: hall.id,
      cduIds: cduIds(cooling),
      limits: {
        supplyWarnC: cooling.supply.warnC,
        supplyCriticalC: cooling.supply.criticalC,
        returnWarnC: cooling.return.warnC,
        returnCriticalC: cooling.return.criticalC,
        minFlowLpm: cooling.minFlowLpm,
        maxDeltaTC: cooling.maxDeltaTC,
      },
      topics,
      // The AWS emulator has no composite alarms; every real environment has them.
      composites: !env.emulatorGaps.includes('composite-alarms'),
    });
  }
}
