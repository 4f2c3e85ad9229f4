import type { ReportRow, Rule, RuleContext, StackModel, StackReport, SuppressionProblem } from './model';
import { covers, isExpired, suppressionProblems, type Suppression } from './suppressions';

export interface EvaluateOptions {
  readonly rules: readonly Rule[];
  readonly suppressions: readonly Suppression[];
  readonly context: RuleContext;
  /** The day expiry is judged against. */
  readonly today: Date;
}

/** Suppressions that apply to this stack: declared on its constructs, or in config under its name. */
function inStack(stack: StackModel, suppressions: readonly Suppression[]): Suppression[] {
  return suppressions.filter((s) => s.path.startsWith(`${stack.name}/`));
}

const REFERENCE_TEXT = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_.-]+))?\}/g;

/**
 * An evidence value with each Terraform reference replaced by the resource it names, in
 * this stack or (through a remote state output) in the stack that exports it, as
 * "<stack>/<address>.<attribute>". A reference that cannot be followed stays as written.
 * Returns the value itself when nothing changed.
 */
export function resolveReferences(stack: StackModel, value: unknown, context: RuleContext): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const out = value.replace(REFERENCE_TEXT, (text, type: string, name: string, rest: string | undefined) => {
      if (type === 'data' && name === 'terraform_remote_state' && rest) {
        const [remote, , output] = rest.split('.');
        const other = context.stack?.(stack.remoteStates.get(remote) ?? '');
        const exported = other?.outputs.get(output ?? '');
        if (!other || typeof exported !== 'string') return text;
        const inner = resolveReferences(other, exported, { ...context, stack: undefined });
        return typeof inner === 'string' && inner !== exported ? inner : text;
      }
      const target = stack.byAddress.get(`${type}.${name}`);
      return target ? `${stack.name}/${target.address}${rest ? `.${rest}` : ''}` : text;
    });
    return out;
  }
  if (Array.isArray(value)) {
    const mapped = value.map((v) => resolveReferences(stack, v, context));
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, resolveReferences(stack, v, context)] as const);
    return entries.some(([k, v]) => v !== (value as Record<string, unknown>)[k]) ? Object.fromEntries(entries) : value;
  }
  return value;
}

/** Runs every rule over one stack and applies the suppressions that hold. */
export function evaluateStack(stack: StackModel, options: EvaluateOptions): StackReport {
  const known = new Set(options.rules.map((r) => r.id));
  const problems: SuppressionProblem[] = [];
  const active: Suppression[] = [];
  for (const s of inStack(stack, options.suppressions)) {
    const invalid = suppressionProblems(s);
    if (invalid.length) {
      problems.push(...invalid.map((message) => ({ severity: 'error' as const, path: s.path, rule: s.rule, message })));
    } else if (!known.has(s.rule)) {
      problems.push({
        severity: 'error',
        path: s.path,
        rule: s.rule,
        message: `suppression of ${s.rule} on ${s.path}: no such rule in the pack`,
      });
    } else if (isExpired(s, options.today)) {
      problems.push({
        severity: 'error',
        path: s.path,
        rule: s.rule,
        message: `suppression of ${s.rule} on ${s.path} expired on ${s.expires} (reason was: ${s.reason}); fix the finding or renew the suppression with a new expiry`,
      });
    } else {
      active.push(s);
    }
  }

  const used = new Set<Suppression>();
  const rows: ReportRow[] = [];
  for (const rule of options.rules) {
    const checks = rule.check(stack, options.context);
    if (checks.length === 0) {
      rows.push({
        rule: rule.id,
        severity: rule.severity,
        address: '-',
        path: stack.name,
        status: 'not applicable',
        evidence: null,
      });
      continue;
    }
    for (const c of checks) {
      const resolved = resolveReferences(stack, c.evidence.value, options.context);
      const base = {
        rule: rule.id,
        severity: rule.severity,
        address: c.subject.address,
        path: c.subject.path,
        evidence: c.evidence,
        ...(resolved === c.evidence.value ? {} : { resolved }),
        ...(c.message ? { message: c.message } : {}),
      };
      const suppression =
        c.status === 'fail' ? active.find((s) => s.rule === rule.id && covers(s, c.subject.path)) : undefined;
      if (suppression) {
        used.add(suppression);
        const { reason, expires, source } = suppression;
        rows.push({ ...base, status: 'suppressed', suppression: { reason, source, ...(expires ? { expires } : {}) } });
      } else {
        rows.push({ ...base, status: c.status });
      }
    }
  }
  for (const s of active.filter((a) => !used.has(a))) {
    problems.push({
      severity: 'warning',
      path: s.path,
      rule: s.rule,
      message: `suppression of ${s.rule} on ${s.path} matches no failing check; remove it`,
    });
  }
  return { stack: stack.name, rows, suppressionProblems: problems };
}

export interface Summary {
  readonly pass: number;
  readonly fail: number;
  readonly suppressed: number;
  readonly notApplicable: number;
  /** Unsuppressed failures of error-level rules, plus error-level suppression problems. */
  readonly errors: number;
  readonly warnings: number;
}

/** One pass over the rows: the prod reports summarize about a hundred thousand of them, several times. */
export function summarize(report: StackReport): Summary {
  let pass = 0;
  let fail = 0;
  let suppressed = 0;
  let notApplicable = 0;
  let errors = 0;
  let warnings = 0;
  for (const row of report.rows) {
    if (row.status === 'pass') pass++;
    else if (row.status === 'suppressed') suppressed++;
    else if (row.status === 'not applicable') notApplicable++;
    else if (row.status === 'fail') {
      fail++;
      if (row.severity === 'error') errors++;
      else if (row.severity === 'warning') warnings++;
    }
  }
  for (const p of report.suppressionProblems) {
    if (p.severity === 'error') errors++;
    else if (p.severity === 'warning') warnings++;
  }
  return { pass, fail, suppressed, notApplicable, errors, warnings };
}

/** A finding as one line: what a person reads in a synth failure or a console. */
export function describeRow(row: ReportRow, title: string): string {
  const value = JSON.stringify(row.evidence?.value ?? null);
  const why = row.message ? ` (${row.message})` : '';
  return `${row.rule} ${title}: ${row.address} ${row.evidence?.attribute ?? ''} = ${value}${why} [${row.path}]`;
}
