// The rules of a suppression, apart from the constructs that declare one (policy/code-suppressions.ts):
// the report writer's thread reads these without loading cdktf.

/**
 * An accepted exception to one rule for one construct (and the resources under it).
 * Deliberately no wildcard rule ids, no stack-wide paths: there is no global off switch.
 */
export interface Suppression {
  readonly rule: string;
  /** Construct path, such as prod-colossus-1-network/cluster-network/flow-log/log-group. */
  readonly path: string;
  readonly reason: string;
  /** Last day the exception holds, YYYY-MM-DD; the day after, synth fails. */
  readonly expires?: string;
  /** Where it was declared: "code" or "config". */
  readonly source: 'code' | 'config';
}

export const MIN_REASON_LENGTH = 20;
const RULE_ID = /^CLX-[A-Z]{3}-\d{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Problems with a suppression's own fields, as readable sentences. */
export function suppressionProblems(s: Omit<Suppression, 'source'>): string[] {
  const where = `suppression of ${s.rule || '(no rule)'} on ${s.path || '(no path)'}`;
  const problems: string[] = [];
  if (!RULE_ID.test(s.rule))
    problems.push(`${where}: rule must be one rule id such as CLX-ENC-001, not ${JSON.stringify(s.rule)}`);
  if (s.path.split('/').filter(Boolean).length < 2) {
    problems.push(`${where}: path must name a construct inside a stack (<stack>/<construct>...), not a whole stack`);
  }
  if ((s.reason ?? '').trim().length < MIN_REASON_LENGTH) {
    problems.push(`${where}: reason must explain the exception in at least ${MIN_REASON_LENGTH} characters`);
  }
  if (s.expires !== undefined && (!DATE.test(s.expires) || Number.isNaN(Date.parse(`${s.expires}T00:00:00Z`)))) {
    problems.push(`${where}: expires must be a date YYYY-MM-DD, not ${JSON.stringify(s.expires)}`);
  }
  return problems;
}

/** Whether the suppression has run out on the given day (UTC). */
export function isExpired(s: Pick<Suppression, 'expires'>, today: Date): boolean {
  if (!s.expires) return false;
  return today.toISOString().slice(0, 10) > s.expires;
}

/** Whether a resource at this construct path falls under the suppression. */
export function covers(s: Pick<Suppression, 'path'>, resourcePath: string): boolean {
  return resourcePath === s.path || resourcePath.startsWith(`${s.path}/`);
}
