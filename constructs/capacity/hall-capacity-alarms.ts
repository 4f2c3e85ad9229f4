import { Construct } from 'constructs';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmTopics } from '../alerting/facility-metrics';
import { spareNodesQuery, unplacedReservationQuery, type HallSelector } from './contract-query';
import { InsightsAlarm } from './insights-alarm';

export interface HallCapacityAlarmsProps {
  /** <env>-<cluster>-<hall>: the alarms are <prefix>-spare-pool-short and <prefix>-reservation-unplaced. */
  readonly namePrefix: string;
  readonly selector: HallSelector;
  /** Nodes the largest single-SU loss of any tenant in the hall takes (config/capacity.ts hallSpareCover). */
  readonly largestSingleLossNodes: number;
  readonly topics: AlarmTopics;
}

/**
 * One hall's capacity health: a ticket when the spare SUs in service can no longer replace the
 * largest single-SU loss of any tenant in the hall, and a ticket when a capacity reservation of
 * the hall keeps instances it cannot place (each reservation a contributor of the one alarm).
 */
export class HallCapacityAlarms extends Construct {
  readonly sparePool: CloudwatchMetricAlarm;
  readonly reservations: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: HallCapacityAlarmsProps) {
    super(scope, id);
    const { hall } = props.selector;
    this.sparePool = new InsightsAlarm(this, 'spare-pool-short', {
      alarmName: `${props.namePrefix}-spare-pool-short`,
      severity: 'ticket',
      description: `${hall}: fewer than ${props.largestSingleLossNodes} spare nodes in service, so the spare pool cannot replace the largest single-SU loss of a tenant in this hall`,
      query: spareNodesQuery(props.selector),
      label: `${hall} spare nodes in service`,
      comparison: 'LessThanThreshold',
      threshold: props.largestSingleLossNodes,
      minutes: { of: 15, breaching: 10 },
      topics: props.topics,
    }).alarm;
    this.reservations = new InsightsAlarm(this, 'reservation-unplaced', {
      alarmName: `${props.namePrefix}-reservation-unplaced`,
      severity: 'ticket',
      description: `${hall}: a capacity reservation has reserved instances that have not been running for 30 minutes (nodes it cannot place, or a group that stopped launching)`,
      query: unplacedReservationQuery(props.selector),
      label: `${hall} reserved instances not running`,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      minutes: { of: 30, breaching: 30 },
      topics: props.topics,
    }).alarm;
  }
}
