import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { powerDomains } from '../config/power';
import { AlertTopics } from '../constructs/alerting/alert-topics';
import { FacilityDashboard } from '../constructs/alerting/facility-dashboard';
import { alarmArn, alarmNames } from '../constructs/alerting/facility-metrics';
import { PowerMonitor } from '../constructs/power/power-monitor';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { alertingOutputs } from './outputs';

/**
 * Cluster-wide alerting: the severity topics every alarm sends to, the power feeds (a feed
 * serves several halls, so power is watched per cluster), the "redundancy lost" page and
 * the cluster dashboard. The per-hall monitoring stacks read the topic ARNs from here.
 */
export class AlertingStack extends ColossusStack {
  readonly topics: AlertTopics;
  readonly power: PowerMonitor;
  readonly dashboard: FacilityDashboard;

  constructor(scope: Construct, name: string, props: ColossusStackProps) {
    super(scope, name, props);
    const { cluster } = props;
    const env = props.config.environment;
    const prefix = `${env.name}-${cluster.id}`;
    const { power, cooling } = cluster;

    // The AWS emulator has no composite alarms; every real environment has them.
    const composites = !env.emulatorGaps.includes('composite-alarms');
    this.topics = new AlertTopics(this, 'topics', { name: prefix, region: env.region, accountId: env.accountId });
    const domains = powerDomains(power);
    const hallsOf = (feedId: string): string[] =>
      domains.find((d) => d.feeds.some((f) => f.id === feedId))?.hallIds.slice() ?? [];

    this.power = new PowerMonitor(this, 'power', {
      prefix,
      clusterId: cluster.id,
      feeds: power.feeds.map((feed) => ({ id: feed.id, hallIds: hallsOf(feed.id) })),
      redundancy: power.redundancy,
      loadWarnPercent: power.loadWarnPercent,
      loadCriticalPercent: power.loadCriticalPercent,
      stateOfChargeWarnPercent: power.battery.warnStateOfChargePercent,
      stateOfChargeMinPercent: power.battery.minStateOfChargePercent,
      topics: this.topics.arns,
      composites,
    });

    this.dashboard = new FacilityDashboard(this, 'dashboard', {
      name: `${prefix}-facility`,
      region: env.region,
      clusterId: cluster.id,
      powerAlarmArn: alarmArn(env.region, env.accountId, alarmNames.powerRedundancyLost(prefix)),
      // The hall composites live in the monitoring stacks, which deploy after this one:
      // the dashboard names them by ARN rather than by reference.
      halls: cluster.halls.map((hall) => ({
        id: hall.id,
        feedIds: power.feeds.filter((f) => f.halls.includes(hall.id)).map((f) => f.id),
        coolingAlarmArn: alarmArn(env.region, env.accountId, alarmNames.hallCoolingRedundancyLost(prefix, hall.id)),
      })),
      loadWarnPercent: power.loadWarnPercent,
      loadCriticalPercent: power.loadCriticalPercent,
      supplyCriticalC: cooling.supply.criticalC,
      returnCriticalC: cooling.return.criticalC,
      minFlowLpm: cooling.minFlowLpm,
    });

    new TerraformOutput(this, alertingOutputs.topicArn('page'), { value: this.topics.topics.page.arn });
    new TerraformOutput(this, alertingOutputs.topicArn('ticket'), { value: this.topics.topics.ticket.arn });
  }
}
