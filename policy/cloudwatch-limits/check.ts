import { ReferenceResolver } from '../isolation/references';
import type { SynthesizedStacks } from '../isolation/synthesized';
import { CLOUDWATCH_LIMITS, citation, type LimitId } from './limits';

/**
 * The CloudWatch limits guard: measures every alarm, composite alarm and dashboard of the
 * synthesized stacks (model), compares each figure with CLOUDWATCH_LIMITS (evaluate) and says
 * which resource breaks which limit (report). A figure it cannot work out (a value only known
 * at apply, an expression it cannot evaluate) is a failure, never a pass.
 */

/** One figure of one resource (or, for account-wide limits, of the environment). */
export interface Measurement {
  readonly limit: LimitId;
  /** The stack and Terraform address, or "environment" for account-wide counts. */
  readonly address: string;
  /** The alarm or dashboard name, as AWS would show it. */
  readonly name: string;
  readonly value: number;
}

export interface Unmeasurable {
  readonly address: string;
  readonly what: string;
  readonly why: string;
}

export interface LimitsModel {
  readonly measurements: readonly Measurement[];
  readonly unmeasurable: readonly Unmeasurable[];
}

type Body = Record<string, unknown>;

function blocks(value: unknown): Body[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Body[];
}

/** ALARM("name"), OK("name"), INSUFFICIENT_DATA("name"): the alarms a composite rule names. */
const RULE_FUNCTION = /\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"((?:[^"\\]|\\.)*)"\s*\)/g;
const INSIGHTS_QUERY = /^\s*SELECT\s/i;
const INTERPOLATION = /\$\{([^{}]*)\}/g;

/** A string with every ${...} replaced by the literal it resolves to, or why it cannot be. */
function literalString(
  resolver: ReferenceResolver,
  stack: string,
  value: unknown,
): { value: string } | { why: string } {
  if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
  if (typeof value !== 'string') return { why: 'it is not a string' };
  let why: string | undefined;
  const replaced = value.replace(INTERPOLATION, (whole) => {
    const resolved = resolver.resolve(stack, whole);
    if (resolved.kind === 'literal' && ['string', 'number', 'boolean'].includes(typeof resolved.value)) {
      return String(resolved.value);
    }
    why ??= `${whole} is ${resolved.kind === 'unknown' ? resolved.why : 'only known at apply'}`;
    return whole;
  });
  if (why) return { why };
  if (replaced.includes('${')) return { why: 'it holds a Terraform expression the guard cannot evaluate' };
  return { value: replaced };
}

/** Measures every CloudWatch alarm, composite alarm and dashboard of an environment. */
export function measureStacks(stacks: SynthesizedStacks): LimitsModel {
  const resolver = new ReferenceResolver(stacks);
  const measurements: Measurement[] = [];
  const unmeasurable: Unmeasurable[] = [];
  const parents = new Map<string, number>();
  let insightsAlarms = 0;

  for (const [stack, json] of stacks) {
    const resources = json.resource ?? {};
    const named = (type: string, name: string, body: Body, field: string) => {
      const address = `${stack}: ${type}.${name}`;
      const literal = literalString(resolver, stack, body[field]);
      if ('why' in literal) unmeasurable.push({ address, what: field, why: literal.why });
      return { address, name: 'value' in literal ? literal.value : address };
    };

    for (const [resourceName, body] of Object.entries(resources.aws_cloudwatch_metric_alarm ?? {})) {
      const { address, name } = named('aws_cloudwatch_metric_alarm', resourceName, body, 'alarm_name');
      const queries = blocks(body.metric_query);
      if (queries.length === 0) continue;
      const add = (limit: LimitId, value: number) => measurements.push({ limit, address, name, value });
      add('alarmMetrics', queries.filter((q) => q.metric !== undefined).length);
      add('alarmExpressions', queries.filter((q) => q.expression !== undefined).length);
      add('alarmReturnData', queries.filter((q) => q.return_data === true || q.return_data === 'true').length);
      let insights = false;
      for (const query of queries.filter((q) => q.expression !== undefined)) {
        const expression = literalString(resolver, stack, query.expression);
        if ('why' in expression) {
          unmeasurable.push({ address, what: `metric_query ${String(query.id)} expression`, why: expression.why });
          continue;
        }
        add('expressionLength', expression.value.length);
        if (INSIGHTS_QUERY.test(expression.value)) {
          insights = true;
          const period = Number(query.period ?? body.period);
          const periods = Number(body.evaluation_periods);
          if (!Number.isFinite(period) || !Number.isFinite(periods)) {
            unmeasurable.push({
              address,
              what: 'evaluation window',
              why: 'period or evaluation_periods is not a number',
            });
          } else add('insightsEvaluationSeconds', period * periods);
        }
      }
      if (insights) insightsAlarms += 1;
    }

    for (const [resourceName, body] of Object.entries(resources.aws_cloudwatch_composite_alarm ?? {})) {
      const { address, name } = named('aws_cloudwatch_composite_alarm', resourceName, body, 'alarm_name');
      const rule = literalString(resolver, stack, body.alarm_rule);
      if ('why' in rule) {
        unmeasurable.push({ address, what: 'alarm_rule', why: rule.why });
        continue;
      }
      const children = new Set([...rule.value.matchAll(RULE_FUNCTION)].map((m) => m[1]!));
      measurements.push({ limit: 'compositeRuleLength', address, name, value: rule.value.length });
      measurements.push({ limit: 'compositeChildren', address, name, value: children.size });
      for (const child of children) parents.set(child, (parents.get(child) ?? 0) + 1);
    }

    for (const [resourceName, body] of Object.entries(resources.aws_cloudwatch_dashboard ?? {})) {
      const { address, name } = named('aws_cloudwatch_dashboard', resourceName, body, 'dashboard_name');
      const text = literalString(resolver, stack, body.dashboard_body);
      if ('why' in text) {
        unmeasurable.push({ address, what: 'dashboard_body', why: text.why });
        continue;
      }
      let dashboard: { widgets?: { type?: string; properties?: { metrics?: unknown[] } }[] };
      try {
        dashboard = JSON.parse(text.value) as typeof dashboard;
      } catch {
        unmeasurable.push({ address, what: 'dashboard_body', why: 'it is not JSON' });
        continue;
      }
      const widgets = Array.isArray(dashboard.widgets) ? dashboard.widgets : [];
      measurements.push({ limit: 'dashboardWidgets', address, name, value: widgets.length });
      widgets.forEach((widget, i) => {
        if (widget.type !== 'metric') return;
        const metrics = widget.properties?.metrics ?? [];
        measurements.push({ limit: 'widgetMetrics', address: `${address} widget ${i}`, name, value: metrics.length });
      });
    }
  }

  for (const [child, count] of parents) {
    measurements.push({ limit: 'compositeParents', address: 'environment', name: child, value: count });
  }
  measurements.push({ limit: 'insightsAlarms', address: 'environment', name: 'environment', value: insightsAlarms });
  return { measurements, unmeasurable };
}

/** One line per figure over its limit, and per figure that could not be measured. */
export function evaluateLimits(model: LimitsModel): string[] {
  const over = model.measurements
    .filter((m) => m.value > CLOUDWATCH_LIMITS[m.limit].max)
    .map((m) => {
      const limit = CLOUDWATCH_LIMITS[m.limit];
      return `${m.address} (${m.name}): ${limit.what} is ${m.value}; CloudWatch allows at most ${limit.max} per ${limit.per} (${citation(m.limit)})`;
    });
  const unknown = model.unmeasurable.map(
    (u) => `${u.address}: cannot measure ${u.what} against CloudWatch's limits: ${u.why}`,
  );
  return [...over, ...unknown];
}

/** The largest figure per limit: the closing note's "largest alarm against each limit". */
export function largestPerLimit(model: LimitsModel): Partial<Record<LimitId, Measurement>> {
  const largest: Partial<Record<LimitId, Measurement>> = {};
  for (const m of model.measurements) {
    const current = largest[m.limit];
    if (!current || m.value > current.value) largest[m.limit] = m;
  }
  return largest;
}
