import { ofType } from '../attributes';
import type { Resource, Rule } from '../model';
import { check } from './check';

/**
 * The group metrics a tenant's running capacity is computed from: in-service against desired
 * instances of every SU's group. Their only granularity is "1Minute", which is also the
 * provider's default when the argument is left out ("Monitor CloudWatch metrics for your Auto
 * Scaling groups and instances", EC2 Auto Scaling User Guide; Terraform AWS provider,
 * aws_autoscaling_group, metrics_granularity: "Default is 1Minute").
 */
export const REQUIRED_GROUP_METRICS = ['GroupInServiceInstances', 'GroupDesiredCapacity'] as const;
const GRANULARITY = '1Minute';

/** A value Terraform would only know at plan time: a reference, a function call, an expression. */
function unresolved(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

interface GroupMetrics {
  readonly ok: boolean;
  readonly value: unknown;
  readonly message?: string;
}

/** What one group publishes, read from its literal arguments only. */
export function groupMetrics(group: Resource): GroupMetrics {
  const metrics = group.attrs.enabled_metrics;
  const granularity = group.attrs.metrics_granularity;
  const value = { enabled_metrics: metrics ?? null, metrics_granularity: granularity ?? null };
  if (metrics === undefined || metrics === null)
    return { ok: false, value, message: `${group.address} enables no group metrics` };
  if (!Array.isArray(metrics) || metrics.some((m) => typeof m !== 'string' || unresolved(m)))
    return {
      ok: false,
      value,
      message: `${group.address}: cannot resolve enabled_metrics ${JSON.stringify(metrics)} to a literal list of metric names`,
    };
  if (granularity !== undefined && (typeof granularity !== 'string' || unresolved(granularity)))
    return {
      ok: false,
      value,
      message: `${group.address}: cannot resolve metrics_granularity ${JSON.stringify(granularity)}`,
    };
  const missing = REQUIRED_GROUP_METRICS.filter((m) => !metrics.includes(m));
  if (missing.length) return { ok: false, value, message: `${group.address} does not publish ${missing.join(', ')}` };
  if (granularity !== undefined && granularity !== GRANULARITY)
    return {
      ok: false,
      value,
      message: `${group.address} publishes its group metrics at ${String(granularity)}, not ${GRANULARITY}`,
    };
  return { ok: true, value };
}

export const capacitySignalRules: Rule[] = [
  {
    id: 'CLX-MON-007',
    title: 'Every auto scaling group publishes GroupInServiceInstances and GroupDesiredCapacity every minute',
    severity: 'error',
    rationale:
      "A tenant's running GPUs are the sum of its units' in-service instances; a group that does not publish them is capacity the contract alarms cannot see (CLX-MON-006 proves every unit the config places is built).",
    controls: { cis: [], nist: ['SI-4', 'CP-2(2)'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_autoscaling_group').map((group) => {
        const found = groupMetrics(group);
        return check(group, 'enabled_metrics', found.value, found.ok, found.message);
      }),
  },
];
