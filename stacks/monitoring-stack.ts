import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { cduIds } from '../config/cooling';
import type { HallConfig } from '../config/schema';
import { HallCoolingMonitor } from '../constructs/cooling/hall-cooling-monitor';
import { SEVERITIES } from '../constructs/alerting/alert-topics';
import type { AlarmTopics, Severity } from '../constructs/alerting/facility-metrics';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { alertingOutputs, monitoringOutputs } from './outputs';
import type { UnitRange } from './sharding';

export interface MonitoringStackProps extends ColossusStackProps {
  readonly hall: HallConfig;
  /** The alerting stack whose topics the alarms send to. */
  readonly alertingStack: string;
  /** 1-based part of a split hall (default 1). */
  readonly part?: number;
  /** The hall's parts, with the CDUs each holds (default: one part with every CDU). */
  readonly hallParts?: readonly { readonly name: string; readonly cdus: UnitRange }[];
}

/**
 * One hall's cooling monitors: every CDU's alarms and the hall's "redundancy lost" page. Where
 * the sharding plan cuts a hall (stacks/sharding.ts), each part holds a run of CDUs; part 1
 * holds the hall's composite, which names the later parts' CDU alarms through their outputs
 * (so they deploy first, and every CDU still counts towards the hall's page).
 */
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
    const composites = !env.emulatorGaps.includes('composite-alarms');
    const all = cduIds(cooling);
    const part = props.part ?? 1;
    const parts = props.hallParts ?? [{ name, cdus: { first: 0, count: all.length } }];
    const idsOf = (range: UnitRange) => all.slice(range.first, range.first + range.count);
    const mine = idsOf(parts[part - 1]!.cdus);
    const others =
      part === 1 && composites
        ? parts.slice(1).flatMap((later, i) => {
            const state = this.remoteState(`part-${i + 2}`, later.name);
            return idsOf(later.cdus).map((cdu) => state.getString(monitoringOutputs.outOfServiceAlarmName(cdu)));
          })
        : [];

    this.cooling = new HallCoolingMonitor(this, 'cooling', {
      prefix: `${env.name}-${cluster.id}`,
      clusterId: cluster.id,
      hallId: hall.id,
      cduIds: mine,
      hallComposite: part === 1,
      otherOutOfServiceAlarmNames: others,
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
      composites,
    });
    if (part > 1) {
      for (const cdu of this.cooling.cdus) {
        if (!cdu.outOfService) continue;
        new TerraformOutput(this, monitoringOutputs.outOfServiceAlarmName(cdu.node.id), {
          value: cdu.outOfService.alarmName,
        });
      }
    }
  }
}
