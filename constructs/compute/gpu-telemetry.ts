/**
 * What every GPU node publishes, and where: the contract between the compute shards (which
 * configure each node's CloudWatch agent) and the capacity stacks (whose node-health alarms
 * read it). Kept in one place so that the two cannot drift apart.
 *
 * The agent's NVIDIA plugin ("Collect NVIDIA GPU metrics", CloudWatch User Guide) publishes
 * nvidia_smi_<field> per GPU: utilization_gpu, utilization_memory, memory_total, memory_used,
 * temperature_gpu, power_draw and more. It exposes no XID or ECC error counts; those come from
 * NVIDIA DCGM, which the agent would have to scrape (not configured here).
 */

/** Metric names, as the agent's NVIDIA plugin publishes them. */
export const GPU_METRICS = {
  utilization: 'nvidia_smi_utilization_gpu',
  memoryUtilization: 'nvidia_smi_utilization_memory',
  memoryUsed: 'nvidia_smi_memory_used',
  temperature: 'nvidia_smi_temperature_gpu',
  powerDraw: 'nvidia_smi_power_draw',
} as const;

/** The dimension every node adds, naming its SU (<env>-<cluster>-<hall>-su-NNN); the agent aggregates on it. */
export const SCALABLE_UNIT_DIMENSION = 'ScalableUnit';

/** Seconds between samples: one per GPU per minute, so a minute's sample count is the GPUs reporting. */
export const COLLECTION_INTERVAL_SECONDS = 60;

/** Whose nodes publish: a tenant id, or the hall's spare pool. */
export const SPARE_OWNER = 'unallocated';

/**
 * One namespace per (environment, cluster, owner). PutMetricData cannot be limited by dimension,
 * only by namespace (the cloudwatch:namespace condition key), so each tenant's nodes write only
 * their own namespace and cannot make another tenant's nodes look healthy or failing.
 * Namespace rules (CloudWatch API reference, PutMetricData): up to 255 characters of
 * alphanumerics and . - _ / # : @; not starting with "AWS/".
 */
export function gpuNamespace(environment: string, clusterId: string, owner: string): string {
  return `Colossus/GPU/${environment}/${clusterId}/${owner}`;
}
