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

/** tag.k = 'v' AND ...: the documented WHERE clause for resource tags. */
function tagWhere(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([key, value]) => `tag.${key} = ${quoted(value)}`)
    .join(' AND ');
}

/**
 * SUM over one-minute periods: each ASG publishes one in-service count a minute, so the sum of a
 * minute is the tenant's nodes in service. (A longer period would add several minutes up.)
 */
export function inServiceNodesQuery(selector: TenantSelector): string {
  const where = tagWhere(Object.fromEntries(SELECTOR_TAGS.map((key) => [key, selector[key]])));
  return `SELECT SUM(${IN_SERVICE_METRIC}) FROM SCHEMA("${ASG_NAMESPACE}", AutoScalingGroupName) WHERE ${where}`;
}

/** The tag the compute stacks give a hall's spare SUs in place of a tenant id. */
export const SPARE_TENANT_TAG = 'unallocated';

/** One hall's spare SUs: the same sum, selected by hall and the spare pool's tenant tag. */
export interface HallSelector {
  readonly environment: string;
  readonly cluster: string;
  readonly hall: string;
}

export function spareNodesQuery(selector: HallSelector): string {
  const where = tagWhere({ ...selector, tenant: SPARE_TENANT_TAG });
  return `SELECT SUM(${IN_SERVICE_METRIC}) FROM SCHEMA("${ASG_NAMESPACE}", AutoScalingGroupName) WHERE ${where}`;
}

/**
 * Capacity reservation usage ("Capacity Reservation usage metrics", EC2 User Guide): namespace
 * AWS/EC2CapacityReservations, dimension CapacityReservationId, AvailableInstanceCount is the
 * reserved instances not running. One series per reservation of the hall (GROUP BY), so each
 * reservation is its own contributor of one alarm.
 */
export const RESERVATION_NAMESPACE = 'AWS/EC2CapacityReservations';
export const RESERVATION_AVAILABLE_METRIC = 'AvailableInstanceCount';
export const RESERVATION_UTILIZATION_METRIC = 'InstanceUtilization';

export function unplacedReservationQuery(selector: HallSelector): string {
  return `SELECT MAX(${RESERVATION_AVAILABLE_METRIC}) FROM SCHEMA("${RESERVATION_NAMESPACE}", CapacityReservationId) WHERE ${tagWhere({ ...selector })} GROUP BY CapacityReservationId`;
}

/** The tenant's reservations' utilization, one series each: where reserved nodes sit idle. */
export function reservationUtilizationQuery(selector: TenantSelector): string {
  const where = tagWhere(Object.fromEntries(SELECTOR_TAGS.map((key) => [key, selector[key]])));
  return `SELECT AVG(${RESERVATION_UTILIZATION_METRIC}) FROM SCHEMA("${RESERVATION_NAMESPACE}", CapacityReservationId) WHERE ${where} GROUP BY CapacityReservationId`;
}

/**
 * A GPU metric of one owner's nodes (constructs/compute/gpu-telemetry.ts: one namespace per
 * tenant, aggregated per SU), per SU (GROUP BY) or over all the owner's SUs.
 */
export function gpuQuery(
  fn: 'COUNT' | 'MAX',
  metric: string,
  namespace: string,
  dimension: string,
  perUnit: boolean,
): string {
  return `SELECT ${fn}(${metric}) FROM SCHEMA("${namespace}", ${dimension})${perUnit ? ` GROUP BY ${dimension}` : ''}`;
}

/** A query of the one shape every builder above makes, taken apart; anything else is undefined. */
export interface ParsedQuery {
  readonly fn: string;
  readonly metric: string;
  readonly namespace: string;
  readonly dimension: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly groupBy: string | undefined;
}

const VALUE = String.raw`'((?:[^'\\]|\\.)*)'`;
const PREDICATE = new RegExp(String.raw`^tag\.([A-Za-z_][\w-]*) = ${VALUE}$`);
const QUERY = new RegExp(
  String.raw`^SELECT (SUM|MAX|MIN|AVG|COUNT)\(([\w.-]+)\) FROM SCHEMA\("([^"]+)", ([\w-]+)\)(?: WHERE (.+?))?(?: GROUP BY ([\w-]+))?$`,
);

/**
 * Strict: the whole query must be SELECT f(metric) FROM SCHEMA("ns", dim) [WHERE tag.k = 'v'
 * [AND ...]] [GROUP BY dim]. A guard that meets OR, a dimension filter, a second schema key,
 * a repeated tag or any other spelling gets undefined, and must treat that as "cannot evaluate".
 */
export function parseQuery(query: string): ParsedQuery | undefined {
  const m = QUERY.exec(query);
  if (!m) return undefined;
  const tags: Record<string, string> = {};
  if (m[5] !== undefined) {
    for (const part of m[5].split(' AND ')) {
      const p = PREDICATE.exec(part);
      if (!p || p[1]! in tags) return undefined;
      tags[p[1]!] = p[2]!.replace(/\\(.)/g, '$1');
    }
  }
  return { fn: m[1]!, metric: m[2]!, namespace: m[3]!, dimension: m[4]!, tags, groupBy: m[6] };
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
