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
      const base = {
        rule: rule.id,
        severity: rule.severity,
        address: c.subject.address,
        path: c.subject.path,
        evidence: c.evidence,
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

export function summarize(report: StackReport): Summary {
  const count = (status: ReportRow['status']) => report.rows.filter((r) => r.status === status).length;
  const failures = report.rows.filter((r) => r.status === 'fail');
  return {
    pass: count('pass'),
    fail: count('fail'),
    suppressed: count('suppressed'),
    notApplicable: count('not applicable'),
    errors:
      failures.filter((r) => r.severity === 'error').length +
      report.suppressionProblems.filter((p) => p.severity === 'error').length,
    warnings:
      failures.filter((r) => r.severity === 'warning').length +
      report.suppressionProblems.filter((p) => p.severity === 'warning').length,
  };
}

/** A finding as one line: what a person reads in a synth failure or a console. */
export function describeRow(row: ReportRow, title: string): string {
  const value = JSON.stringify(row.evidence?.value ?? null);
  const why = row.message ? ` (${row.message})` : '';
  return `${row.rule} ${title}: ${row.address} ${row.evidence?.attribute ?? ''} = ${value}${why} [${row.path}]`;
}
