import { COLLECTION_INTERVAL_SECONDS, GPU_METRICS, SCALABLE_UNIT_DIMENSION, gpuNamespace } from './gpu-telemetry';

/**
 * Stands for the SU's name in the agent configuration an owner's nodes share. Each node's user
 * data replaces it with its own SU's name before starting the agent: the name comes from the
 * launch template, never from ec2:DescribeTags or ${aws:AutoScalingGroupName} (which would need
 * DescribeTags, and that shows a tenant every other tenant's tags).
 */
export const SCALABLE_UNIT_PLACEHOLDER = '__COLOSSUS_SCALABLE_UNIT__';

/** The measurement names of the agent's nvidia_gpu section: the metric names without the plugin's prefix. */
export function gpuMeasurements(): string[] {
  return Object.values(GPU_METRICS).map((metric) => metric.replace(/^nvidia_smi_/, ''));
}

export interface GpuAgentConfigProps {
  readonly environment: string;
  readonly clusterId: string;
  /** A tenant id, or SPARE_OWNER for the hall's spare pool. */
  readonly owner: string;
}

/**
 * The CloudWatch agent configuration of one owner's GPU nodes ("Manually create or edit the
 * CloudWatch agent configuration file" and "Collect NVIDIA GPU metrics", CloudWatch User Guide):
 * - metrics.namespace: the owner's own namespace, the only one its node role may publish to;
 * - metrics.append_dimensions: InstanceId ("${aws:InstanceId}" is one of the four EC2 values the
 *   global field takes);
 * - nvidia_gpu.append_dimensions: ScalableUnit, a custom dimension, which the agent takes per
 *   plugin only (the placeholder, filled in by each node's user data);
 * - metrics.aggregation_dimensions [["ScalableUnit"]]: the agent also publishes every metric
 *   rolled up to the SU alone, so one Metrics Insights query over SCHEMA(<namespace>, ScalableUnit)
 *   sees one series per SU, whose sample count per minute is the GPUs reporting.
 * Pure: the same owner always gets the same text, so the parameter changes only with the contract.
 */
export function gpuAgentConfig(props: GpuAgentConfigProps): Record<string, unknown> {
  return {
    agent: { metrics_collection_interval: COLLECTION_INTERVAL_SECONDS },
    metrics: {
      namespace: gpuNamespace(props.environment, props.clusterId, props.owner),
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: [[SCALABLE_UNIT_DIMENSION]],
      metrics_collected: {
        nvidia_gpu: {
          measurement: gpuMeasurements(),
          metrics_collection_interval: COLLECTION_INTERVAL_SECONDS,
          append_dimensions: { [SCALABLE_UNIT_DIMENSION]: SCALABLE_UNIT_PLACEHOLDER },
        },
      },
    },
  };
}

/** The configuration as the parameter holds it. */
export function gpuAgentConfigText(props: GpuAgentConfigProps): string {
  return JSON.stringify(gpuAgentConfig(props));
}

/** Where the agent configuration of an owner's nodes is kept in Parameter Store. */
export function gpuAgentParameterName(environment: string, clusterId: string, owner: string): string {
  return `/colossus/${environment}/${clusterId}/${owner}/cloudwatch-agent`;
}

/** Where a node writes the filled-in configuration before starting the agent. */
export const AGENT_CONFIG_FILE = '/opt/aws/amazon-cloudwatch-agent/etc/colossus-gpu.json';

/**
 * The user data of one SU's nodes: read the owner's parameter (the node role may read only that
 * one), put the SU's name in place of the placeholder, start the agent from the file. SU names
 * are lowercase letters, digits and hyphens (config ids), so they need no escaping in sed.
 * The AMI carries the AWS CLI and the agent (the GPU AMIs the fabric config names do).
 */
export function gpuAgentUserData(props: { parameterName: string; scalableUnit: string; region: string }): string {
  if (!/^[a-z0-9-]+$/.test(props.scalableUnit))
    throw new Error(
      `scalable unit name ${JSON.stringify(props.scalableUnit)}: only a-z, 0-9 and - may reach user data`,
    );
  if (!/^[A-Za-z0-9/_.-]+$/.test(props.parameterName))
    throw new Error(
      `parameter name ${JSON.stringify(props.parameterName)}: only A-Z, a-z, 0-9, /, _, . and - may reach user data`,
    );
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    `aws ssm get-parameter --region ${props.region} --name ${props.parameterName} --query Parameter.Value --output text \\`,
    `  | sed 's/${SCALABLE_UNIT_PLACEHOLDER}/${props.scalableUnit}/g' > ${AGENT_CONFIG_FILE}`,
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c file:${AGENT_CONFIG_FILE} -s`,
    '',
  ].join('\n');
}
