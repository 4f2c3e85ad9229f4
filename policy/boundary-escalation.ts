import { asList, policyStatements, type PolicyStatement } from './attributes';
import { actionMatches, strings } from './policy-documents';
import { BOUNDARY_CONDITIONED_ACTIONS, BOUNDARY_REMOVING_ACTIONS } from './catalogue/privilege-escalation';

/**
 * Can a principal with these identity statements make a role freer than itself? Each grant of
 * an action that creates a role or changes its permissions must carry a condition pinning
 * `iam:PermissionsBoundary` to boundaries of the allowed list, and nothing may remove a boundary.
 * However the grant is spelled (a wildcard such as iam:*Role* or iam:Put*, a NotAction, a second
 * statement), it is judged by the actions it matches. A condition this check cannot read as a
 * pin (an IfExists or set operator, a value outside the list) is a failure, never a pass.
 */

/** Operators that require the request's boundary to be one of the values (IAM User Guide, "Condition operators"). */
const PINNING_OPERATORS = ['StringEquals', 'ArnEquals', 'StringLike', 'ArnLike'];
const KEY = 'iam:permissionsboundary';

/** The catalogued actions a statement allows. */
function granted(s: PolicyStatement, catalogue: readonly string[]): string[] {
  if (s.NotAction !== undefined) return catalogue.filter((a) => !strings(s.NotAction).some((p) => actionMatches(p, a)));
  return catalogue.filter((a) => strings(s.Action).some((p) => actionMatches(p, a)));
}

/** Whether some operator of the condition holds the boundary to the allowed values. */
function pinned(condition: unknown, allowed: readonly string[]): boolean {
  if (!condition || typeof condition !== 'object') return false;
  return Object.entries(condition as Record<string, unknown>).some(([operator, keys]) => {
    if (!PINNING_OPERATORS.includes(operator) || !keys || typeof keys !== 'object') return false;
    return Object.entries(keys as Record<string, unknown>).some(([key, value]) => {
      const values = asList(value);
      return (
        key.toLowerCase() === KEY &&
        values.length > 0 &&
        values.every((v) => typeof v === 'string' && allowed.includes(v))
      );
    });
  });
}

/** Every escalation the statements allow, as `<Sid>: <action> ...`; empty when none. */
export function boundaryEscalations(statements: readonly PolicyStatement[], allowed: readonly string[]): string[] {
  const problems: string[] = [];
  statements.forEach((s, i) => {
    const sid = s.Sid ?? `Statement[${i}]`;
    if (s.Effect === 'Deny') return;
    if (s.Effect !== 'Allow') {
      problems.push(`${sid}: effect ${JSON.stringify(s.Effect)} is not Allow or Deny`);
      return;
    }
    for (const action of granted(s, BOUNDARY_REMOVING_ACTIONS))
      problems.push(`${sid}: allows ${action}, which frees a principal of its boundary`);
    const open = granted(s, BOUNDARY_CONDITIONED_ACTIONS);
    if (open.length > 0 && !pinned(s.Condition, allowed))
      problems.push(
        `${sid}: allows ${open.join(', ')} without iam:PermissionsBoundary pinned to ${allowed.join(' or ')}`,
      );
  });
  return problems;
}

/** The same over a synthesized policy document (a JSON string); a document it cannot read fails. */
export function documentBoundaryEscalations(document: unknown, allowed: readonly string[]): string[] {
  const statements = policyStatements(document);
  if (!statements) return ['cannot read the policy document'];
  if (statements.some((s) => !s || typeof s !== 'object')) return ['a Statement entry is not an object'];
  return boundaryEscalations(statements, allowed);
}
