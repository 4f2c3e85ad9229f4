/**
 * The capacity signal of one tenant: in-service nodes summed over its SUs' auto scaling
 * groups, as one Metrics Insights query. Metric math cannot do it: an alarm references at most
 * 10 metrics (policy/cloudwatch-limits/limits.ts) and a prod tenant has a hundred SUs and more.
 * The documented WHERE clause offers only =, != and AND, so the SUs cannot be listed by name in
 * one query; they are selected by the tags every SU's ASG carries (constructs/compute,
 * stacks/compute-stack.ts), which needs CloudWatch "resource tags on telemetry" enabled in the
 * account (CloudWatch User Guide, "Create a CloudWatch alarm based on a Metrics Insights query":
 * `WHERE tag.keyName = 'value'`).
 */

export const ASG_NAMESPACE = 'AWS/AutoScaling';
export const IN_SERVICE_METRIC = 'GroupInServiceInstances';

/** The tags that, together, only one tenant's SUs in one cluster of one environment carry. */
export interface TenantSelector {
  readonly environment: string;
  readonly cluster: string;
  readonly tenant: string;
}

/** Tag keys in the order the query names them; each is a tag the compute stacks set on every ASG. */
export const SELECTOR_TAGS = ['environment', 'cluster', 'tenant'] as const satisfies readonly (keyof TenantSelector)[];

/** A label value in single quotes, a quote inside escaped (Metrics Insights syntax). */
function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * SUM over one-minute periods: each ASG publishes one in-service count a minute, so the sum of a
 * minute is the tenant's nodes in service. (A longer period would add several minutes up.)
 */
export function inServiceNodesQuery(selector: TenantSelector): string {
  const where = SELECTOR_TAGS.map((key) => `tag.${key} = ${quoted(selector[key])}`).join(' AND ');
  return `SELECT SUM(${IN_SERVICE_METRIC}) FROM SCHEMA("${ASG_NAMESPACE}", AutoScalingGroupName) WHERE ${where}`;
}

/** The tag predicates of a query built by inServiceNodesQuery, read back: what it selects. */
export function selectorOf(query: string): Record<string, string> {
  const where = /\bWHERE\s+(.*)$/i.exec(query)?.[1] ?? '';
  const predicates: Record<string, string> = {};
  for (const m of where.matchAll(/tag\.([A-Za-z_][\w-]*)\s*=\s*'((?:[^'\\]|\\.)*)'/g)) {
    predicates[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  }
  return predicates;
}

/** Whether a resource's tags satisfy every predicate of a query. */
export function selectedBy(
  predicates: Readonly<Record<string, string>>,
  tags: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(predicates).every(([key, value]) => tags[key] === value);
}

/**
 * Thresholds in nodes, so the alarm needs no math on the query: running GPUs (nodes x GPUs per
 * node) fall below g exactly when nodes fall below ceil(g / GPUs per node).
 */
export function nodesBelow(gpus: number, gpusPerNode: number): number {
  return Math.ceil(gpus / gpusPerNode);
}
