import { asList, blocks, isTrue, ofType } from '../attributes';
import type { CapacityExpectation } from '../capacity-expectations';
import type { Check, Resource, Rule, RuleContext, StackModel } from '../model';
import {
  ASG_NAMESPACE,
  IN_SERVICE_METRIC,
  RESERVATION_AVAILABLE_METRIC,
  RESERVATION_NAMESPACE,
  SPARE_TENANT_TAG,
  parseQuery,
  type ParsedQuery,
} from '../../constructs/capacity/contract-query';
import { GPU_METRICS, SCALABLE_UNIT_DIMENSION } from '../../constructs/compute/gpu-telemetry';
import { check } from './check';

/**
 * Capacity coverage: config says which alarms each cluster's capacity stack must hold (policy/
 * capacity-expectations.ts), and these rules find each one by what it evaluates (the query's
 * function, metric, namespace and tag selection, the comparison and threshold), never by name.
 * A query the pack cannot read is a failure, not a skipped alarm; so are two alarm resources
 * with one name (the second would overwrite the first in CloudWatch).
 */

type Severity = 'page' | 'ticket';

interface ReadAlarm {
  readonly resource: Resource;
  readonly name: string;
  readonly query: ParsedQuery | undefined;
  /** Why the query could not be read, when it could not. */
  readonly unreadable: string | undefined;
  readonly comparison: unknown;
  readonly threshold: number;
  readonly of: number;
  readonly breaching: number;
  readonly missing: unknown;
  readonly period: number;
  readonly severities: readonly (Severity | undefined)[];
  readonly enabled: boolean;
}

/** The severity an alarm action sends to: the alerting stack's <severity>_topic_arn output, or a topic ARN ending -<severity>. */
function severityOf(action: unknown): Severity | undefined {
  if (typeof action !== 'string') return undefined;
  const output = /^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.(page|ticket)_topic_arn\}$/.exec(action);
  if (output) return output[1] as Severity;
  const arn = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+-(page|ticket)$/.exec(action);
  return arn ? (arn[1] as Severity) : undefined;
}

function readAlarm(resource: Resource): ReadAlarm {
  const attrs = resource.attrs;
  const queries = blocks(attrs.metric_query);
  const returned = queries.filter((q) => isTrue(q.return_data ?? true));
  let query: ParsedQuery | undefined;
  let unreadable: string | undefined;
  if (queries.length !== 1 || returned.length !== 1) {
    unreadable = `it has ${queries.length} metric queries; a capacity alarm is one Metrics Insights query`;
  } else if (typeof returned[0]!.expression !== 'string' || returned[0]!.expression.includes('${')) {
    unreadable = 'its query is not a literal string (a reference, local or function the pack cannot evaluate)';
  } else {
    query = parseQuery(returned[0]!.expression);
    if (!query) unreadable = `its query is not one the pack can read: ${returned[0]!.expression}`;
  }
  return {
    resource,
    name: String(attrs.alarm_name),
    query,
    unreadable,
    comparison: attrs.comparison_operator,
    threshold: Number(attrs.threshold),
    of: Number(attrs.evaluation_periods),
    breaching: Number(attrs.datapoints_to_alarm ?? attrs.evaluation_periods),
    missing: attrs.treat_missing_data ?? 'missing',
    period: Number(returned[0]?.period),
    severities: asList(attrs.alarm_actions).map(severityOf),
    enabled: isTrue(attrs.actions_enabled ?? true),
  };
}

function capacityAlarms(stack: StackModel): ReadAlarm[] {
  return ofType(stack, 'aws_cloudwatch_metric_alarm').map(readAlarm);
}

interface Spec {
  readonly what: string;
  readonly matches: (q: ParsedQuery) => boolean;
  readonly comparison: 'LessThanThreshold' | 'GreaterThanThreshold';
  readonly threshold: number;
  readonly severity: Severity;
  /** Exact M of N where config fixes it (the SLO's burn windows). */
  readonly minutes?: { readonly of: number; readonly breaching: number };
  /** Otherwise the longest window that still alerts in time: a 60-minute burn alarm is not a contract page. */
  readonly maxMinutes?: number;
}

function sameTags(q: ParsedQuery, tags: Readonly<Record<string, string>>): boolean {
  const a = Object.entries(q.tags).sort();
  const b = Object.entries(tags).sort();
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One check per spec: some alarm evaluates exactly this, pages or tickets the right way, and cannot go silent. */
function covered(stack: StackModel, alarms: readonly ReadAlarm[], specs: readonly Spec[], attribute: string): Check[] {
  return specs.map((spec) => {
    const found = alarms.filter(
      (a) =>
        a.query !== undefined &&
        spec.matches(a.query) &&
        a.comparison === spec.comparison &&
        a.threshold === spec.threshold &&
        (spec.maxMinutes === undefined || a.of <= spec.maxMinutes),
    );
    const problems = (a: ReadAlarm): string[] => [
      ...(a.missing === 'breaching' ? [] : [`treats missing data as ${String(a.missing)}, not breaching`]),
      ...(a.enabled && a.severities.length > 0 && a.severities.every((s) => s === spec.severity)
        ? []
        : [
            `does not send only to the ${spec.severity} topic (actions: ${a.severities.map(String).join(', ') || 'none'})`,
          ]),
      ...(a.period === 60 ? [] : [`evaluates ${a.period}-second periods, not one minute`]),
      ...(spec.minutes && (a.of !== spec.minutes.of || a.breaching !== spec.minutes.breaching)
        ? [`alarms on ${a.breaching} of ${a.of} minutes, not ${spec.minutes.breaching} of ${spec.minutes.of}`]
        : []),
      ...(a.breaching >= 1 && a.breaching <= a.of && a.of * 60 <= 3 * 60 * 60
        ? []
        : [`alarms on ${a.breaching} of ${a.of} minutes, outside the 3 hours a Metrics Insights alarm evaluates`]),
    ];
    const good = found.find((a) => problems(a).length === 0);
    const subject = good?.resource ?? found[0]?.resource ?? { address: `${spec.what}`, path: stack.name };
    const message =
      found.length === 0
        ? `config requires an alarm on ${spec.what} (${spec.comparison} ${spec.threshold}); the stack has none`
        : `the alarm on ${spec.what} ${problems(found[0]!).join('; ')}`;
    return check(
      { address: good ? good.resource.address : (found[0]?.resource.address ?? `${spec.what}`), path: subject.path },
      attribute,
      found.map((a) => a.name),
      good !== undefined,
      message,
    );
  });
}

function expectation(stack: StackModel, context: RuleContext): CapacityExpectation | undefined {
  return context.expected?.(stack.name)?.capacity;
}

const inService = (tags: Record<string, string>) => (q: ParsedQuery) =>
  q.fn === 'SUM' &&
  q.metric === IN_SERVICE_METRIC &&
  q.namespace === ASG_NAMESPACE &&
  q.dimension === 'AutoScalingGroupName' &&
  q.groupBy === undefined &&
  sameTags(q, tags);

const gpu =
  (fn: string, metric: string, namespace: string, perUnit: boolean) =>
  (q: ParsedQuery): boolean =>
    q.fn === fn &&
    q.metric === metric &&
    q.namespace === namespace &&
    q.dimension === SCALABLE_UNIT_DIMENSION &&
    Object.keys(q.tags).length === 0 &&
    q.groupBy === (perUnit ? SCALABLE_UNIT_DIMENSION : undefined);

function tenantTags(e: CapacityExpectation, tenant: string): Record<string, string> {
  return { environment: e.environment, cluster: e.cluster, tenant };
}

function rule(
  id: string,
  title: string,
  rationale: string,
  nist: string[],
  specs: (e: CapacityExpectation) => Spec[],
  attribute: string,
): Rule {
  return {
    id,
    title,
    severity: 'error',
    rationale,
    controls: { cis: [], nist },
    checkov: [],
    check: (stack, context) => {
      const e = expectation(stack, context);
      return e ? covered(stack, capacityAlarms(stack), specs(e), attribute) : [];
    },
  };
}

export const capacityRules: Rule[] = [
  rule(
    'CLX-CAP-010',
    "Every tenant's contract is watched: a page when its running GPUs fall below contractedGpus",
    'What the clusters sell is contracted GPUs; a shortfall no one is paged for is a breach found by the customer.',
    ['SI-4', 'CP-2(2)'],
    (e) =>
      e.tenants.map((t) => ({
        what: `tenant ${t.id}'s nodes in service`,
        matches: inService(tenantTags(e, t.id)),
        comparison: 'LessThanThreshold',
        threshold: t.contractNodes,
        severity: 'page',
        maxMinutes: 5,
      })),
    'aws_cloudwatch_metric_alarm.metric_query (contract)',
  ),
  rule(
    'CLX-CAP-011',
    'Every tenant has its spare-cover alarm: a ticket when its running GPUs fall below allocated minus one SU',
    'Below allocated minus one SU, a lost SU is not being replaced from the spare pool: the next loss breaches the contract.',
    ['SI-4', 'CP-2(2)'],
    (e) =>
      e.tenants.map((t) => ({
        what: `tenant ${t.id}'s nodes in service against allocated minus one SU`,
        matches: inService(tenantTags(e, t.id)),
        comparison: 'LessThanThreshold',
        threshold: t.ticketNodes,
        severity: 'ticket',
        maxMinutes: 15,
      })),
    'aws_cloudwatch_metric_alarm.metric_query (spare cover)',
  ),
  rule(
    'CLX-CAP-012',
    "Every tenant's SLO has its burn-rate alarms: the fast window pages, the slow window tickets",
    'The availability objective is only kept if a fast burn of the error budget pages before the month is spent.',
    ['SI-4', 'CP-2(2)'],
    (e) =>
      e.tenants.flatMap((t) =>
        t.burn.map((b) => ({
          what: `tenant ${t.id}'s ${b.window} burn rate (${b.badMinutes} of ${b.minutes} minutes below contract)`,
          matches: inService(tenantTags(e, t.id)),
          comparison: 'LessThanThreshold' as const,
          threshold: t.contractNodes,
          severity: (b.window === 'fast' ? 'page' : 'ticket') as Severity,
          minutes: { of: b.minutes, breaching: b.badMinutes },
        })),
      ),
    'aws_cloudwatch_metric_alarm.evaluation_periods/datapoints_to_alarm (SLO)',
  ),
  rule(
    'CLX-CAP-013',
    "Every hall with tenant SUs watches its spare pool: a ticket when it cannot replace a tenant's largest single-SU loss",
    'The resilience proof assumes a spare SU is there to replace a failed one; an empty spare pool turns the next failure into a breach.',
    ['SI-4', 'CP-2(2)'],
    (e) =>
      e.halls.map((h) => ({
        what: `hall ${h.id}'s spare nodes in service`,
        matches: inService({ environment: e.environment, cluster: e.cluster, hall: h.id, tenant: SPARE_TENANT_TAG }),
        comparison: 'LessThanThreshold',
        threshold: h.spareNodes,
        severity: 'ticket',
        maxMinutes: 15,
      })),
    'aws_cloudwatch_metric_alarm.metric_query (spare pool)',
  ),
  rule(
    'CLX-CAP-014',
    'Every hall with tenant SUs watches its capacity reservations for instances they cannot place',
    'A reservation with available instances is paid-for capacity that is not running for the tenant.',
    ['SI-4', 'CP-2(2)'],
    (e) =>
      e.halls.map((h) => ({
        what: `hall ${h.id}'s capacity reservations`,
        matches: (q: ParsedQuery) =>
          q.fn === 'MAX' &&
          q.metric === RESERVATION_AVAILABLE_METRIC &&
          q.namespace === RESERVATION_NAMESPACE &&
          q.dimension === 'CapacityReservationId' &&
          q.groupBy === 'CapacityReservationId' &&
          sameTags(q, { environment: e.environment, cluster: e.cluster, hall: h.id }),
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        severity: 'ticket',
        maxMinutes: 30,
      })),
    'aws_cloudwatch_metric_alarm.metric_query (reservations)',
  ),
  rule(
    'CLX-CAP-015',
    'Every owner of GPU nodes (each tenant, the spare pool) has node-health alarms: GPUs silent per SU and in total, GPUs too hot',
    'A node that stops reporting or overheats is capacity about to be lost; per SU, so the ticket names where.',
    ['SI-4', 'SI-4(5)'],
    (e) =>
      e.owners.flatMap((o) => [
        {
          what: `${o.owner}'s GPUs reporting per SU`,
          matches: gpu('COUNT', GPU_METRICS.utilization, o.namespace, true),
          comparison: 'LessThanThreshold' as const,
          threshold: o.gpusPerUnit,
          severity: 'ticket' as Severity,
          maxMinutes: 15,
        },
        {
          what: `${o.owner}'s GPUs reporting in total`,
          matches: gpu('COUNT', GPU_METRICS.utilization, o.namespace, false),
          comparison: 'LessThanThreshold' as const,
          threshold: o.ownerGpus,
          severity: 'ticket' as Severity,
          maxMinutes: 15,
        },
        {
          what: `${o.owner}'s hottest GPU per SU`,
          matches: gpu('MAX', GPU_METRICS.temperature, o.namespace, true),
          comparison: 'GreaterThanThreshold' as const,
          threshold: e.maxTemperatureC,
          severity: 'ticket' as Severity,
          maxMinutes: 15,
        },
      ]),
    'aws_cloudwatch_metric_alarm.metric_query (node health)',
  ),
  {
    id: 'CLX-CAP-019',
    title: 'Every alarm of a capacity stack is one the pack can read, and no two share a name',
    severity: 'error',
    rationale:
      'A query the pack cannot read could watch anything; two alarm resources with one name overwrite each other in CloudWatch, so the one checked may not be the one that runs.',
    controls: { cis: [], nist: ['SI-4', 'CM-2'] },
    checkov: [],
    check: (stack, context) => {
      if (!expectation(stack, context)) return [];
      const alarms = capacityAlarms(stack);
      const names = new Map<string, number>();
      for (const a of alarms) names.set(a.name, (names.get(a.name) ?? 0) + 1);
      return alarms.map((a) => {
        const twice = (names.get(a.name) ?? 0) > 1;
        return check(
          a.resource,
          'alarm_name/metric_query',
          a.name,
          a.unreadable === undefined && !twice && !a.name.includes('${'),
          a.unreadable
            ? `cannot evaluate this alarm: ${a.unreadable}`
            : twice
              ? `another alarm resource of this stack is also named ${a.name}: CloudWatch keeps only the last one written`
              : `its name is not a literal: ${a.name}`,
        );
      });
    },
  },
];
