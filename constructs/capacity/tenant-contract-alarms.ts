import { Construct } from 'constructs';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmTopics } from '../alerting/facility-metrics';
import { burnRateAlarms, type BurnWindow } from '../../config/slo';
import { inServiceNodesQuery, nodesBelow, type TenantSelector } from './contract-query';
import { InsightsAlarm } from './insights-alarm';

export interface TenantContractAlarmsProps {
  /** <env>-<cluster>-<tenant>: the alarms are <prefix>-below-contract, -spare-not-covering, -slo-<window>-burn. */
  readonly namePrefix: string;
  readonly selector: TenantSelector;
  readonly gpusPerNode: number;
  readonly contractedGpus: number;
  /** Allocated GPUs minus one SU's worth (config/capacity.ts tenantCapacity). */
  readonly ticketThresholdGpus: number;
  /** The tenant's availability objective (config/slo.ts): a good minute is one at or above contract. */
  readonly availabilityTarget: number;
  readonly topics: AlarmTopics;
  /** Tags for every alarm: a tenant's carry its tenant and data classification. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A tenant's running GPUs against its contract, from one Metrics Insights query over its SUs'
 * auto scaling groups: a page below contractedGpus, a ticket below allocated minus one SU (the
 * spare pool should be replacing a lost SU by then), and the SLO's two burn-rate alarms on the
 * same signal (a minute below contract is a bad minute). No data is breaching: a tenant whose
 * groups publish nothing has nothing in service that anyone can see.
 */
export class TenantContractAlarms extends Construct {
  readonly page: CloudwatchMetricAlarm;
  readonly ticket: CloudwatchMetricAlarm;
  readonly burn: Readonly<Record<BurnWindow, CloudwatchMetricAlarm>>;
  readonly query: string;

  constructor(scope: Construct, id: string, props: TenantContractAlarmsProps) {
    super(scope, id);
    const { tenant } = props.selector;
    this.query = inServiceNodesQuery(props.selector);
    const contractNodes = nodesBelow(props.contractedGpus, props.gpusPerNode);
    const below = (name: string, nodes: number) => ({
      alarmName: `${props.namePrefix}-${name}`,
      query: this.query,
      label: `${tenant} nodes in service`,
      comparison: 'LessThanThreshold' as const,
      threshold: nodes,
      topics: props.topics,
      tags: props.tags,
    });
    this.page = new InsightsAlarm(this, 'below-contract', {
      ...below('below-contract', contractNodes),
      severity: 'page',
      description: `${tenant} runs fewer than its ${props.contractedGpus} contracted GPUs (${contractNodes} nodes of ${props.gpusPerNode} GPUs)`,
      minutes: { of: 5, breaching: 3 },
    }).alarm;
    this.ticket = new InsightsAlarm(this, 'spare-not-covering', {
      ...below('spare-not-covering', nodesBelow(props.ticketThresholdGpus, props.gpusPerNode)),
      severity: 'ticket',
      description: `${tenant} runs fewer than ${props.ticketThresholdGpus} GPUs (allocated minus one SU): a lost SU is not being replaced from the spare pool`,
      minutes: { of: 15, breaching: 10 },
    }).alarm;
    const burn: Partial<Record<BurnWindow, CloudwatchMetricAlarm>> = {};
    for (const b of burnRateAlarms(props.availabilityTarget)) {
      burn[b.window] = new InsightsAlarm(this, `slo-${b.window}-burn`, {
        ...below(`slo-${b.window}-burn`, contractNodes),
        severity: b.severity,
        description: `${tenant} burns its ${(props.availabilityTarget * 100).toFixed(3).replace(/\.?0+$/, '')}% availability budget at ${b.burnRate}x or faster: ${b.badMinutes} of the last ${b.minutes} minutes below contract (${(b.budgetShare * 100).toFixed(1)}% of a 30-day budget)`,
        minutes: { of: b.minutes, breaching: b.badMinutes },
      }).alarm;
    }
    this.burn = burn as Record<BurnWindow, CloudwatchMetricAlarm>;
  }
}
