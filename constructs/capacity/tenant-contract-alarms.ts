import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmTopics, Severity } from '../alerting/facility-metrics';
import { inServiceNodesQuery, nodesBelow, type TenantSelector } from './contract-query';

export interface TenantContractAlarmsProps {
  /** <env>-<cluster>-<tenant>: the alarms are <prefix>-below-contract and <prefix>-spare-not-covering. */
  readonly namePrefix: string;
  readonly selector: TenantSelector;
  readonly gpusPerNode: number;
  readonly contractedGpus: number;
  /** Allocated GPUs minus one SU's worth (config/capacity.ts tenantCapacity). */
  readonly ticketThresholdGpus: number;
  readonly topics: AlarmTopics;
}

/**
 * A tenant's running GPUs against its contract, from one Metrics Insights query over its SUs'
 * auto scaling groups: a page below contractedGpus, a ticket below allocated minus one SU (the
 * spare pool should be replacing a lost SU by then). No data is breaching: a tenant whose
 * groups publish nothing has nothing in service that anyone can see.
 */
export class TenantContractAlarms extends Construct {
  readonly page: CloudwatchMetricAlarm;
  readonly ticket: CloudwatchMetricAlarm;
  readonly query: string;

  constructor(scope: Construct, id: string, props: TenantContractAlarmsProps) {
    super(scope, id);
    this.query = inServiceNodesQuery(props.selector);
    const alarm = (
      name: string,
      severity: Severity,
      description: string,
      gpus: number,
      minutes: { of: number; breaching: number },
    ) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: `${props.namePrefix}-${name}`,
        alarmDescription: `[${severity}] ${description}`,
        comparisonOperator: 'LessThanThreshold',
        threshold: nodesBelow(gpus, props.gpusPerNode),
        evaluationPeriods: minutes.of,
        datapointsToAlarm: minutes.breaching,
        treatMissingData: 'breaching',
        metricQuery: [
          {
            id: 'nodes',
            // One-minute periods: the query sums each group's one count a minute (contract-query.ts).
            period: 60,
            expression: this.query,
            label: `${props.selector.tenant} nodes in service`,
            returnData: true,
          },
        ],
        actionsEnabled: true,
        alarmActions: [props.topics[severity]],
        okActions: [props.topics[severity]],
      });
    this.page = alarm(
      'below-contract',
      'page',
      `${props.selector.tenant} runs fewer than its ${props.contractedGpus} contracted GPUs (${nodesBelow(props.contractedGpus, props.gpusPerNode)} nodes of ${props.gpusPerNode} GPUs)`,
      props.contractedGpus,
      { of: 5, breaching: 3 },
    );
    this.ticket = alarm(
      'spare-not-covering',
      'ticket',
      `${props.selector.tenant} runs fewer than ${props.ticketThresholdGpus} GPUs (allocated minus one SU): a lost SU is not being replaced from the spare pool`,
      props.ticketThresholdGpus,
      { of: 15, breaching: 10 },
    );
  }
}
