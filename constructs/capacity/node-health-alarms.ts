import { Construct } from 'constructs';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmTopics } from '../alerting/facility-metrics';
import { GPU_METRICS, SCALABLE_UNIT_DIMENSION } from '../compute/gpu-telemetry';
import { gpuQuery } from './contract-query';
import { InsightsAlarm } from './insights-alarm';

export interface NodeHealthAlarmsProps {
  /** <env>-<cluster>-<owner>: the alarms are <prefix>-gpus-silent, -su-gpus-silent and -gpu-hot. */
  readonly namePrefix: string;
  /** A tenant id, or the cluster's spare pool. */
  readonly owner: string;
  /** The owner's GPU namespace (constructs/compute/gpu-telemetry.ts gpuNamespace). */
  readonly namespace: string;
  /** GPUs of one SU: one sample per GPU per minute is a whole SU reporting. */
  readonly gpusPerUnit: number;
  /** GPUs of all the owner's SUs. */
  readonly ownerGpus: number;
  readonly maxTemperatureC: number;
  readonly topics: AlarmTopics;
  /** Tags for every alarm: a tenant's carry its tenant and data classification. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Node health from the GPU metrics every node's CloudWatch agent publishes (one sample per GPU
 * a minute, aggregated per SU). Per SU, as contributors of one alarm each: a ticket when any GPU
 * of the SU stops reporting, and when any GPU runs hotter than the limit. A whole SU that goes
 * silent drops out of a per-SU alarm's contributors, so a third alarm counts the owner's GPUs
 * reporting in total; missing data is breaching on all three.
 */
export class NodeHealthAlarms extends Construct {
  readonly silentUnit: CloudwatchMetricAlarm;
  readonly silentTotal: CloudwatchMetricAlarm;
  readonly hot: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: NodeHealthAlarmsProps) {
    super(scope, id);
    const { owner, namespace, topics } = props;
    const count = (perUnit: boolean) =>
      gpuQuery('COUNT', GPU_METRICS.utilization, namespace, SCALABLE_UNIT_DIMENSION, perUnit);
    this.silentUnit = new InsightsAlarm(this, 'su-gpus-silent', {
      alarmName: `${props.namePrefix}-su-gpus-silent`,
      severity: 'ticket',
      description: `${owner}: an SU has GPUs that stopped reporting (fewer than its ${props.gpusPerUnit} GPU samples a minute)`,
      query: count(true),
      label: `${owner} GPUs reporting per SU`,
      comparison: 'LessThanThreshold',
      threshold: props.gpusPerUnit,
      minutes: { of: 15, breaching: 10 },
      topics,
      tags: props.tags,
    }).alarm;
    this.silentTotal = new InsightsAlarm(this, 'gpus-silent', {
      alarmName: `${props.namePrefix}-gpus-silent`,
      severity: 'ticket',
      description: `${owner}: fewer than its ${props.ownerGpus} GPUs report (a node or a whole SU stopped publishing)`,
      query: count(false),
      label: `${owner} GPUs reporting`,
      comparison: 'LessThanThreshold',
      threshold: props.ownerGpus,
      minutes: { of: 15, breaching: 10 },
      topics,
      tags: props.tags,
    }).alarm;
    this.hot = new InsightsAlarm(this, 'gpu-hot', {
      alarmName: `${props.namePrefix}-gpu-hot`,
      severity: 'ticket',
      description: `${owner}: an SU has a GPU above ${props.maxTemperatureC} C`,
      query: gpuQuery('MAX', GPU_METRICS.temperature, namespace, SCALABLE_UNIT_DIMENSION, true),
      label: `${owner} hottest GPU per SU`,
      comparison: 'GreaterThanThreshold',
      threshold: props.maxTemperatureC,
      minutes: { of: 5, breaching: 3 },
      topics,
      tags: props.tags,
    }).alarm;
  }
}
