import { asList, blocks, isTrue, ofType, resolveResource } from '../attributes';
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
function dimensionsOf(alarm: Resource): Record<string, string> {
  const all: Record<string, unknown>[] = [alarm.attrs.dimensions as Record<string, unknown>];
  for (const q of blocks(alarm.attrs.metric_query))
    for (const m of blocks(q.metric)) all.push(m.dimensions as Record<string, unknown>);
  return Object.assign(
    {},
    ...all.filter(Boolean).map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v)]))),
  );
}

/** The text an alarm's kind is read from: its name first, then its metric names. */
function namesOf(alarm: Resource): string[] {
  const metrics = [
    alarm.attrs.metric_name,
    ...blocks(alarm.attrs.metric_query).flatMap((q) => blocks(q.metric).map((m) => m.metric_name)),
  ];
  return [alarm.attrs.alarm_name, ...metrics].filter((n): n is string => typeof n === 'string');
}

function kindOf(alarm: Resource, signals: readonly Signal[]): string | undefined {
  for (const name of namesOf(alarm)) {
    const found = signals.find((s) => s.pattern.test(name));
    if (found) return found.kind;
  }
  return undefined;
}

/** The value of the first dimension whose key names the unit (such as "Cdu" or "FeedId"). */
function unitOf(alarm: Resource, key: RegExp): string | undefined {
  const entry = Object.entries(dimensionsOf(alarm)).find(([k]) => key.test(k));
  return entry?.[1];
}

/** Groups the stack's metric alarms by unit and checks each unit has every signal. */
function coverage(stack: StackModel, key: RegExp, signals: readonly Signal[], label: string): Check[] {
  const units = new Map<string, { alarms: Resource[]; kinds: Set<string> }>();
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
    return check(
      { address: `${label}:${unit}`, path: anchor.path.split('/').slice(0, -1).join('/') || anchor.path },
      'aws_cloudwatch_metric_alarm[].metric_name',
      { alarms: alarms.length, signals: [...kinds].sort(), ...(missing.length ? { missing } : {}) },
      missing.length === 0,
      `${label} ${unit} has no alarm for ${missing.join(', ')}`,
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
  const key = found.resource.attrs.kms_master_key_id;
  const where = found.stack === stack ? '' : `${found.stack.name}:`;
  return {
    topic: `${where}${found.resource.address}`,
    encrypted: typeof key === 'string' && key !== '' && !/alias\/aws\//.test(key),
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
    check: (stack) => coverage(stack, CDU_KEY, CDU_SIGNALS, 'CDU'),
  },
  {
    id: 'CLX-MON-003',
    title: 'Every power feed has its full alarm set: load, UPS on battery, battery charge and breaker trips',
    severity: 'error',
    rationale: 'Losing redundancy silently is how a second fault becomes an outage; every feed signal pages.',
    controls: { cis: [], nist: ['SI-4', 'PE-9', 'PE-11'] },
    checkov: [],
    check: (stack) => coverage(stack, FEED_KEY, FEED_SIGNALS, 'Feed'),
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
];
