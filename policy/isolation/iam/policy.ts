/**
 * A small, pure evaluator for the subset of the IAM policy language the isolation proof needs.
 * Semantics follow the AWS "Policy evaluation logic" and "IAM JSON policy elements: Condition
 * operators" pages (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 * reference_policies_elements_condition_operators.html): an explicit Deny wins; otherwise an
 * Allow is needed; Action/NotAction and Resource/NotResource with * and ? wildcards; condition
 * operators String(Not)Equals, String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool, each with
 * IfExists. Anything else is "unknown": the caller reports it as "cannot prove".
 */

import { wildcardMatch } from '../../iam-wildcard';

export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  /** undefined: an identity policy (no Principal element). */
  readonly principals?: {
    readonly any: boolean;
    readonly aws: string[];
    readonly service: string[];
    readonly other: string[];
  };
  readonly actions?: string[];
  readonly notActions?: string[];
  readonly resources?: string[];
  readonly notResources?: string[];
  readonly conditions: { readonly operator: string; readonly key: string; readonly values: string[] }[];
}

export type Parsed = { ok: true; statements: Statement[] } | { ok: false; reason: string };

const strings = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map((x) => String(x));

/** Parses a policy document (JSON text or object) into statements; refuses what it does not model. */
export function parsePolicy(document: unknown): Parsed {
  let doc: unknown = document;
  if (typeof document === 'string') {
    try {
      doc = JSON.parse(document);
    } catch {
      return { ok: false, reason: 'the policy is not valid JSON' };
    }
  }
  if (!doc || typeof doc !== 'object') return { ok: false, reason: 'the policy is not a JSON object' };
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const statements: Statement[] = [];
  for (const s of list as Record<string, unknown>[]) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return { ok: false, reason: `unknown Effect ${String(s.Effect)}` };
    if ('NotPrincipal' in s) return { ok: false, reason: 'NotPrincipal is not modeled' };
    let principals: Statement['principals'];
    if ('Principal' in s) {
      const p = s.Principal;
      if (p === '*') principals = { any: true, aws: [], service: [], other: [] };
      else if (p && typeof p === 'object') {
        const o = p as Record<string, unknown>;
        const aws = strings(o.AWS) ?? [];
        principals = {
          any: aws.includes('*'),
          aws: aws.filter((a) => a !== '*'),
          service: strings(o.Service) ?? [],
          other: [...(strings(o.Federated) ?? []), ...(strings(o.CanonicalUser) ?? [])],
        };
      } else return { ok: false, reason: 'a Principal the proof cannot read' };
    }
    const conditions: Statement['conditions'][number][] = [];
    for (const [operator, byKey] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [key, values] of Object.entries(byKey ?? {}))
        conditions.push({ operator, key, values: strings(values) ?? [] });
    }
    statements.push({
      effect: s.Effect,
      principals,
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      notResources: strings(s.NotResource),
      conditions,
    });
  }
  return { ok: true, statements };
}

export { wildcardMatch } from '../../iam-wildcard';

export type Tri = 'yes' | 'no' | { readonly unknown: string };

export interface Request {
  readonly principalArn: string;
  readonly principalAccount: string;
  readonly action: string;
  readonly resource: string;
  /** Condition keys with the values this request carries; a missing key is absent. */
  readonly context: Readonly<Record<string, readonly string[]>>;
  /** Keys whose value the caller chooses (aws:SecureTransport, kms:EncryptionContext:*): the best case for the caller. */
  readonly chosen: (key: string) => boolean;
  /** Keys the evaluator may meet; any other key is "unknown". */
  readonly known: (key: string) => boolean;
}

const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnNotEquals',
  'ArnLike',
  'ArnNotLike',
  'Bool',
];

/** One condition: yes, no, or unknown (an operator or key outside the subset). */
export function evaluateCondition(c: Statement['conditions'][number], request: Request, effect: 'Allow' | 'Deny'): Tri {
  const ifExists = c.operator.endsWith('IfExists');
  const operator = ifExists ? c.operator.slice(0, -'IfExists'.length) : c.operator;
  if (!OPERATORS.includes(operator)) return { unknown: `condition operator ${c.operator} is not modeled` };
  if (request.chosen(c.key)) return effect === 'Allow' ? 'yes' : 'no';
  if (!request.known(c.key)) return { unknown: `condition key ${c.key} is not modeled` };
  const negated = operator.includes('Not');
  const present = request.context[c.key];
  if (!present || present.length === 0) return ifExists || negated ? 'yes' : 'no';
  const match = (pattern: string, value: string) => {
    if (operator.startsWith('StringLike') || operator.startsWith('StringNotLike') || operator.startsWith('Arn'))
      return wildcardMatch(pattern, value);
    if (operator === 'Bool') return pattern.toLowerCase() === value.toLowerCase();
    return pattern === value;
  };
  const any = present.some((v) => c.values.some((p) => match(p, v)));
  return (negated ? !any : any) ? 'yes' : 'no';
}

const and = (parts: Tri[]): Tri => {
  if (parts.includes('no')) return 'no';
  const u = parts.find((p) => typeof p === 'object');
  return u ?? 'yes';
};

/** Whether the statement applies to the request (principal checked only when the statement names principals). */
export function statementApplies(s: Statement, request: Request, principalMatches?: (s: Statement) => Tri): Tri {
  const action = s.actions
    ? s.actions.some((a) => wildcardMatch(a, request.action, true))
    : !(s.notActions ?? []).some((a) => wildcardMatch(a, request.action, true));
  if (!action) return 'no';
  const resource = s.resources
    ? s.resources.some((r) => wildcardMatch(r, request.resource))
    : s.notResources
      ? !s.notResources.some((r) => wildcardMatch(r, request.resource))
      : true;
  if (!resource) return 'no';
  const principal: Tri = s.principals && principalMatches ? principalMatches(s) : 'yes';
  if (principal === 'no') return 'no';
  return and([principal, ...s.conditions.map((c) => evaluateCondition(c, request, s.effect))]);
}

/** Over a set of statements: does any Deny apply, does any Allow apply. */
export function decide(
  statements: readonly Statement[],
  request: Request,
  principalMatches?: (s: Statement) => Tri,
): { deny: Tri; allow: Tri } {
  const fold = (effect: 'Allow' | 'Deny'): Tri => {
    let out: Tri = 'no';
    for (const s of statements.filter((x) => x.effect === effect)) {
      const r = statementApplies(s, request, principalMatches);
      if (r === 'yes') return 'yes';
      if (typeof r === 'object') out = r;
    }
    return out;
  };
  return { deny: fold('Deny'), allow: fold('Allow') };
}

export const or = (parts: Tri[]): Tri => {
  if (parts.includes('yes')) return 'yes';
  return parts.find((p) => typeof p === 'object') ?? 'no';
};
export const andTri = and;
export const not = (t: Tri): Tri => (t === 'yes' ? 'no' : t === 'no' ? 'yes' : t);
