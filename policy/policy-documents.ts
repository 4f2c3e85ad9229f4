import { asList, blocks, ofType, referencedResources, type PolicyStatement } from './attributes';
import { wildcardMatch } from './iam-wildcard';
import type { Resource, StackModel } from './model';

/**
 * Every IAM policy document of a synthesized stack, wherever it appears, read into statements.
 * cdktf writes a document as a JSON string, as `${jsonencode({...})}`, or as a reference to
 * `data.aws_iam_policy_document.<name>.json` or to another resource's policy; all four are
 * read here. A document that cannot be read keeps the reason, and every IAM rule fails it:
 * a guard never passes what it could not see.
 */

/** Where a document acts: what it grants (identity, boundary) or who it admits (the rest). */
export type PolicyKind = 'identity' | 'boundary' | 'trust' | 'key' | 'bucket' | 'topic' | 'queue';

export interface PolicyDocument {
  readonly resource: Resource;
  /** The argument holding the document, such as `policy` or `inline_policy[0].policy`. */
  readonly attribute: string;
  readonly kind: PolicyKind;
  /** The statements, or undefined when the document could not be read. */
  readonly statements?: readonly PolicyStatement[];
  /** Why the document could not be read. */
  readonly unreadable?: string;
}

/** Resource types whose `policy` argument is a document, and what kind it is. */
const POLICY_ARGUMENTS: readonly (readonly [string, string, PolicyKind])[] = [
  ['aws_iam_policy', 'policy', 'identity'],
  ['aws_iam_role_policy', 'policy', 'identity'],
  ['aws_iam_user_policy', 'policy', 'identity'],
  ['aws_iam_group_policy', 'policy', 'identity'],
  ['aws_iam_role', 'assume_role_policy', 'trust'],
  ['aws_kms_key', 'policy', 'key'],
  ['aws_kms_key_policy', 'policy', 'key'],
  ['aws_s3_bucket', 'policy', 'bucket'],
  ['aws_s3_bucket_policy', 'policy', 'bucket'],
  ['aws_sns_topic', 'policy', 'topic'],
  ['aws_sns_topic_policy', 'policy', 'topic'],
  ['aws_sqs_queue', 'policy', 'queue'],
  ['aws_sqs_queue_policy', 'policy', 'queue'],
];

/** Resource types that hold policy documents; the catalogue the rules know. */
export const POLICY_HOLDING_TYPES: readonly string[] = [...new Set(POLICY_ARGUMENTS.map(([t]) => t))];

/** Reads one document value; returns the statements or the reason it cannot. */
export function readPolicy(
  stack: StackModel,
  value: unknown,
  depth = 0,
): { statements: PolicyStatement[] } | { unreadable: string } {
  if (depth > 5) return { unreadable: 'references nest more than five deep' };
  if (value && typeof value === 'object') return fromDocument(value);
  if (typeof value !== 'string' || value.trim() === '') return { unreadable: 'no policy document' };
  const text = value.trim();
  const whole = /^\$\{([^{}]+)\}$/.exec(text);
  if (whole) return fromReference(stack, whole[1].trim(), depth);
  const encoded = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(text);
  if (encoded) {
    const json = hclToJson(encoded[1]);
    if (json === undefined) return { unreadable: `cannot read the jsonencode() expression ${abbreviate(text)}` };
    return fromDocument(json);
  }
  try {
    return fromDocument(JSON.parse(text));
  } catch {
    return { unreadable: `not a JSON policy document nor a reference this guard follows: ${abbreviate(text)}` };
  }
}

function abbreviate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function fromDocument(doc: unknown): { statements: PolicyStatement[] } | { unreadable: string } {
  if (!doc || typeof doc !== 'object' || !('Statement' in doc)) return { unreadable: 'the document has no Statement' };
  const statements = asList((doc as { Statement?: unknown }).Statement);
  if (statements.some((s) => !s || typeof s !== 'object')) return { unreadable: 'a Statement entry is not an object' };
  return { statements: statements as PolicyStatement[] };
}

/** `data.aws_iam_policy_document.x.json`, or another resource's policy argument. */
function fromReference(
  stack: StackModel,
  expression: string,
  depth: number,
): { statements: PolicyStatement[] } | { unreadable: string } {
  const doc = /^data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.(json|minified_json)$/.exec(expression);
  if (doc) {
    const data = stack.data.get(`data.aws_iam_policy_document.${doc[1]}`);
    if (!data)
      return { unreadable: `refers to data.aws_iam_policy_document.${doc[1]}, which the stack does not declare` };
    return fromPolicyDocumentData(stack, data, depth);
  }
  const other = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.(policy|assume_role_policy)$/.exec(expression);
  if (other) {
    const target = stack.byAddress.get(`${other[1]}.${other[2]}`);
    if (!target) return { unreadable: `refers to ${other[1]}.${other[2]}, which the stack does not declare` };
    return readPolicy(stack, target.attrs[other[3]], depth + 1);
  }
  return { unreadable: `\${${expression}} is a reference this guard cannot follow to a policy document` };
}

/** aws_iam_policy_document arguments into statements; source and override documents are merged in. */
function fromPolicyDocumentData(
  stack: StackModel,
  data: Readonly<Record<string, unknown>>,
  depth: number,
): { statements: PolicyStatement[] } | { unreadable: string } {
  const statements: PolicyStatement[] = [];
  for (const key of ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json']) {
    for (const nested of asList(data[key])) {
      const read = readPolicy(stack, nested, depth + 1);
      if ('unreadable' in read) return { unreadable: `${key}: ${read.unreadable}` };
      statements.push(...read.statements);
    }
  }
  for (const s of blocks(data.statement)) {
    const principals = (block: unknown) => {
      const out: Record<string, unknown[]> = {};
      for (const p of blocks(block)) {
        const type = String(p.type ?? '');
        out[type] = [...(out[type] ?? []), ...asList(p.identifiers)];
      }
      return Object.keys(out).length ? (out['*'] ? '*' : out) : undefined;
    };
    const condition: Record<string, Record<string, unknown[]>> = {};
    for (const c of blocks(s.condition)) {
      const test = String(c.test ?? '');
      condition[test] = { ...(condition[test] ?? {}), [String(c.variable ?? '')]: asList(c.values) };
    }
    const statement: Record<string, unknown> = {
      Sid: s.sid,
      Effect: s.effect ?? 'Allow', // the data source's default
      Principal: principals(s.principals),
      NotPrincipal: principals(s.not_principals),
      Action: s.actions,
      NotAction: s.not_actions,
      Resource: s.resources,
      NotResource: s.not_resources,
      Condition: Object.keys(condition).length ? condition : undefined,
    };
    statements.push(
      Object.fromEntries(Object.entries(statement).filter(([, v]) => v !== undefined)) as PolicyStatement,
    );
  }
  return { statements };
}

/**
 * The argument of jsonencode() as cdktf writes it (`{"Key" = value, ...}`, references bare)
 * into JSON, with bare references kept as "${...}" strings. Undefined when it is not that shape.
 */
export function hclToJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '=') {
      out += ':';
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*(?:\[\d+\]|\.[\w-]+|\.\*)*/.exec(text.slice(i));
      const word = m ? m[0] : c;
      out += ['true', 'false', 'null'].includes(word) ? word : JSON.stringify(`\${${word}}`);
      i += word.length;
    } else {
      out += c;
      i++;
    }
  }
  try {
    return JSON.parse(out);
  } catch {
    return undefined;
  }
}

/** Every policy document of the stack. */
export function policyDocuments(stack: StackModel): PolicyDocument[] {
  const boundaries = new Set(
    ofType(stack, 'aws_iam_role', 'aws_iam_user').flatMap((r) =>
      referencedResources(stack, r.attrs.permissions_boundary).map((p) => p.address),
    ),
  );
  const found: PolicyDocument[] = [];
  const add = (resource: Resource, attribute: string, kind: PolicyKind, value: unknown) => {
    const read = readPolicy(stack, value);
    found.push(
      'unreadable' in read
        ? { resource, attribute, kind, unreadable: read.unreadable }
        : { resource, attribute, kind, statements: read.statements },
    );
  };
  for (const [type, attribute, kind] of POLICY_ARGUMENTS) {
    for (const r of ofType(stack, type)) {
      const value = r.attrs[attribute];
      // Optional on these types: absent means no resource policy (AWS then applies its default).
      if (value === undefined && ['aws_kms_key', 'aws_s3_bucket', 'aws_sns_topic', 'aws_sqs_queue'].includes(type))
        continue;
      add(r, attribute, kind === 'identity' && boundaries.has(r.address) ? 'boundary' : kind, value);
    }
  }
  for (const role of ofType(stack, 'aws_iam_role')) {
    blocks(role.attrs.inline_policy).forEach((p, i) => {
      if (p.policy !== undefined) add(role, `inline_policy[${i}].policy`, 'identity', p.policy);
    });
  }
  return found;
}

/** Documents that grant permissions to the principals they are attached to. */
export function grantingDocuments(stack: StackModel): PolicyDocument[] {
  return policyDocuments(stack).filter((d) => d.kind === 'identity' || d.kind === 'boundary');
}

/** Whether an action pattern (with * and ? wildcards, case-insensitive) matches an action. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, true);
}

/** The strings of a statement field (Action, Resource, ...). */
export function strings(value: unknown): string[] {
  return asList(value).map(String);
}
