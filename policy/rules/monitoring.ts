import { asList, blocks, customerManagedKey, isTrue, ofType, resolveResource } from '../attributes';
import type { Check, Resource, Rule, RuleContext, StackModel } from '../model';
import { check } from './check';

const ALARM_TYPES = ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm'];

/** One alarm signal: its kind and the patterns that recognise it in names. */
interface Signal {
  readonly kind: string;
  readonly pattern: RegExp;
}

/** Checked in order: the first match wins, so delta-T is recognised before supply or return. */
const CDU_SIGNALS: readonly Signal[] = [
  { kind: 'leak', pattern: /leak/i },
  { kind: 'delta-t', pattern: /delta/i },
  { kind: 'supply-temperature', pattern: /supply/i },
  { kind: 'return-temperature', pattern: /return/i },
  { kind: 'flow', pattern: /flow/i },
];

const FEED_SIGNALS: readonly Signal[] = [
  { kind: 'battery-state-of-charge', pattern: /state.?of.?charge|soc\b|charge/i },
  { kind: 'ups-on-battery', pattern: /ups|on.?battery/i },
  { kind: 'breaker-trip', pattern: /breaker|trip/i },
  { kind: 'load', pattern: /load/i },
];

/** Dimensions of an alarm: its own and those of the metrics of its metric queries. */
/** Each alarm's dimensions, read once: every coverage rule asks for them of every alarm of the stack. */
const dimensionsRead = new WeakMap<Resource, Record<string, string>>();

function dimensionsOf(alarm: Resource): Record<string, string> {
  const known = dimensionsRead.get(alarm);
  if (known) return known;
  const all: Record<string, unknown>[] = [alarm.attrs.dimensions as Record<string, unknown>];
  for (const q of blocks(alarm.attrs.metric_query))
    for (const m of blocks(q.metric)) all.push(m.dimensions as Record<string, unknown>);
  const dimensions = Object.assign(
    {},
    ...all.filter(Boolean).map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v)]))),
  ) as Record<string, string>;
  dimensionsRead.set(alarm, dimensions);
  return dimensions;
}

/**
 * What an alarm watches, read from the metric it evaluates, never from its name: an alarm
 * named "leak" on the supply temperature watches the supply temperature. Metric math counts
 * as delta-T when it subtracts a supply from a return temperature, or as the one kind all
 * its metrics share.
 */
function kindOf(alarm: Resource, signals: readonly Signal[]): string | undefined {
  const match = (name: unknown) =>
    typeof name === 'string' ? signals.find((s) => s.pattern.test(name))?.kind : undefined;
  if (typeof alarm.attrs.metric_name === 'string') return match(alarm.attrs.metric_name);
  const queries = blocks(alarm.attrs.metric_query);
  const kinds = new Set(queries.flatMap((q) => blocks(q.metric).map((m) => match(m.metric_name))));
  const expression = queries.find((q) => typeof q.expression === 'string' && isTrue(q.return_data ?? true));
  if (
    kinds.has('supply-temperature') &&
    kinds.has('return-temperature') &&
    kinds.size === 2 &&
    /-/.test(String(expression?.expression ?? ''))
  )
    return signals.some((s) => s.kind === 'delta-t') ? 'delta-t' : undefined;
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** The value of the first dimension whose key names the unit (such as "Cdu" or "FeedId"). */
function unitOf(alarm: Resource, key: RegExp): string | undefined {
  const entry = Object.entries(dimensionsOf(alarm)).find(([k]) => key.test(k));
  return entry?.[1];
}

/**
 * Groups the stack's metric alarms by unit and checks each unit has every signal. The units
 * are the ones config expects in this stack (when known) and any other the alarms name.
 */
function coverage(
  stack: StackModel,
  key: RegExp,
  signals: readonly Signal[],
  label: string,
  expected: readonly string[] | undefined,
): Check[] {
  const units = new Map<string, { alarms: Resource[]; kinds: Set<string> }>();
  for (const unit of expected ?? []) units.set(unit, { alarms: [], kinds: new Set<string>() });
  for (const alarm of ofType(stack, 'aws_cloudwatch_metric_alarm')) {
    const unit = unitOf(alarm, key);
    if (unit === undefined) continue;
    const entry = units.get(unit) ?? { alarms: [], kinds: new Set<string>() };
    entry.alarms.push(alarm);
    const kind = kindOf(alarm, signals);
    if (kind) entry.kinds.add(kind);
    units.set(unit, entry);
  }
  return [...units.entries()].map(([unit, { alarms, kinds }]) => {
    const missing = signals.map((s) => s.kind).filter((k) => !kinds.has(k));
    const anchor = alarms[0];
    const path = anchor ? anchor.path.split('/').slice(0, -1).join('/') || anchor.path : stack.name;
    return check(
      { address: `${label}:${unit}`, path },
      'aws_cloudwatch_metric_alarm[].metric_name',
      { alarms: alarms.length, signals: [...kinds].sort(), ...(missing.length ? { missing } : {}) },
      missing.length === 0,
      alarms.length === 0
        ? `${label} ${unit} is in the config but has no alarm in this stack`
        : `${label} ${unit} has no alarm for ${missing.join(', ')}`,
    );
  });
}

const CDU_KEY = /cdu/i;
const FEED_KEY = /feed/i;

/** Whether an alarm action is an SNS topic encrypted with a customer-managed KMS key, in this stack or another. */
function encryptedTopic(
  stack: StackModel,
  action: unknown,
  context: RuleContext,
): { topic: string | null; encrypted: boolean } {
  const found = resolveResource(stack, action, context);
  if (!found || found.resource.type !== 'aws_sns_topic') return { topic: null, encrypted: false };
  const where = found.stack === stack ? '' : `${found.stack.name}:`;
  return {
    topic: `${where}${found.resource.address}`,
    encrypted: customerManagedKey(found.stack, found.resource.attrs.kms_master_key_id, context).ok,
  };
}

export const monitoringRules: Rule[] = [
  {
    id: 'CLX-MON-001',
    title: 'Every alarm has actions, and every action goes to an encrypted SNS topic',
    severity: 'error',
    rationale:
      'An alarm without an action pages no one; an unencrypted topic leaks facility telemetry, and an AWS-managed key silently drops CloudWatch publishes.',
    controls: { cis: [], nist: ['SI-4(5)', 'IR-6', 'SC-28'] },
    checkov: [],
    check: (stack, context) =>
      ofType(stack, ...ALARM_TYPES).map((alarm) => {
        const actions = asList(alarm.attrs.alarm_actions);
        const targets = actions.map((a) => ({ action: a, ...encryptedTopic(stack, a, context) }));
        const bad = targets.filter((t) => !t.encrypted);
        return check(
          alarm,
          'alarm_actions',
          targets.length ? targets.map((t) => t.topic ?? t.action) : [],
          isTrue(alarm.attrs.actions_enabled ?? true) && targets.length > 0 && bad.length === 0,
          targets.length === 0
            ? 'no alarm actions'
            : `actions not to an encrypted SNS topic (of this stack, or exported by a stack synthesized before it): ${bad.map((b) => String(b.action)).join(', ')}`,
        );
      }),
  },
  {
    id: 'CLX-MON-002',
    title: 'Every CDU has its full alarm set: supply and return temperature, flow, delta-T and leak',
    severity: 'error',
    rationale: 'A liquid-cooled rack at 130 kW overheats in seconds; each failure mode of a CDU needs its own alarm.',
    controls: { cis: [], nist: ['SI-4', 'PE-14', 'PE-15'] },
    checkov: [],
    check: (stack, context) => coverage(stack, CDU_KEY, CDU_SIGNALS, 'CDU', context.expected?.(stack.name)?.cdus),
  },
  {
    id: 'CLX-MON-003',
    title: 'Every power feed has its full alarm set: load, UPS on battery, battery charge and breaker trips',
    severity: 'error',
    rationale: 'Losing redundancy silently is how a second fault becomes an outage; every feed signal pages.',
    controls: { cis: [], nist: ['SI-4', 'PE-9', 'PE-11'] },
    checkov: [],
    check: (stack, context) => coverage(stack, FEED_KEY, FEED_SIGNALS, 'Feed', context.expected?.(stack.name)?.feeds),
  },
  {
    id: 'CLX-MON-004',
    title: 'Facility safety alarms treat missing data as breaching',
    severity: 'error',
    rationale: 'A dead sensor must raise the alarm, not silence it.',
    controls: { cis: [], nist: ['SI-4', 'PE-14'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_cloudwatch_metric_alarm')
        .filter((a) => unitOf(a, CDU_KEY) !== undefined || unitOf(a, FEED_KEY) !== undefined)
        .map((a) =>
          check(
            a,
            'treat_missing_data',
            a.attrs.treat_missing_data ?? 'missing',
            a.attrs.treat_missing_data === 'breaching',
          ),
        ),
  },
  {
    id: 'CLX-MON-005',
    title: 'Facility metrics live in a custom namespace, not an AWS one',
    severity: 'warning',
    rationale: 'Publishing into an AWS/ namespace is rejected by CloudWatch, so the alarm would never see data.',
    controls: { cis: [], nist: ['SI-4'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_cloudwatch_metric_alarm')
        .filter((a) => unitOf(a, CDU_KEY) !== undefined || unitOf(a, FEED_KEY) !== undefined)
        .map((a) => {
          const namespaces = [
            a.attrs.namespace,
            ...blocks(a.attrs.metric_query).flatMap((q) => blocks(q.metric).map((m) => m.namespace)),
          ].filter((n): n is string => typeof n === 'string');
          return check(
            a,
            'namespace',
            namespaces,
            namespaces.length > 0 && namespaces.every((n) => !n.startsWith('AWS/')),
          );
        }),
  },
  {
    id: 'CLX-MON-006',
    title:
      'Every scalable unit the config places in a hall is built: its capacity (reservation or Capacity Block group) and auto scaling group',
    severity: 'error',
    rationale:
      'Contracted GPUs exist only as reserved capacity; a unit missing from the synthesized stack is capacity sold but not there.',
    controls: { cis: [], nist: ['CM-2', 'CP-2(2)'] },
    checkov: [],
    check: (stack, context) => {
      const units = context.expected?.(stack.name);
      const expected = units?.scalableUnits;
      if (expected === undefined) return [];
      const types = [units?.capacityType ?? 'aws_ec2_capacity_reservation', 'aws_autoscaling_group'];
      return types
        .filter((t) => !(units?.leftOut ?? []).includes(t))
        .map((type) => {
          const built = ofType(stack, type).length;
          return check(
            { address: `${type}[*]`, path: stack.name },
            'count',
            { built, expected },
            built === expected,
            `config places ${expected} scalable units in this hall; the stack builds ${built} ${type}`,
          );
        });
    },
  },
];
