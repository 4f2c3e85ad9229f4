import type { Resource, RuleContext, StackModel } from './model';

/** Helpers rules share to read synthesized Terraform arguments. */

/** cdktf writes booleans of some arguments as strings ("true"). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A nested block synthesizes as an object or as a list of objects; both read as a list. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object') as Record<string, unknown>[];
  if (value && typeof value === 'object') return [value as Record<string, unknown>];
  return [];
}

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function ofType(stack: StackModel, ...types: string[]): Resource[] {
  return stack.resources.filter((r) => types.includes(r.type));
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/g;

/** Resources of the stack that an argument value refers to, such as "${aws_kms_key.k.arn}". */
export function referencedResources(stack: StackModel, value: unknown): Resource[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  const found: Resource[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const target = stack.byAddress.get(`${match[1]}.${match[2]}`);
    if (target && !found.includes(target)) found.push(target);
  }
  return found;
}

/** Whether a value refers to the given resource, by any attribute. */
export function refersTo(value: unknown, resource: Resource): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return text.includes(`\${${resource.address}.`);
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: unknown;
}

/** Statements of a policy document synthesized as a JSON string (or already an object). */
export function policyStatements(value: unknown): PolicyStatement[] | undefined {
  let doc: unknown = value;
  if (typeof value === 'string') {
    try {
      doc = JSON.parse(value);
    } catch {
      return undefined; // a Terraform expression, such as a data source reference: not readable here
    }
  }
  if (!doc || typeof doc !== 'object') return undefined;
  return asList((doc as { Statement?: unknown }).Statement) as PolicyStatement[];
}

/** Whether a policy principal admits anyone: "*" or {"AWS": "*"}. */
export function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    return asList((principal as Record<string, unknown>).AWS).includes('*');
  }
  return false;
}

/** The first segment of a resource's construct path below its stack, for messages. */
export function lifecycleOf(resource: Resource): Record<string, unknown> {
  return blocks(resource.attrs.lifecycle)[0] ?? {};
}

const REMOTE_OUTPUT = /\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\}/;

/**
 * The resource a value stands for, following one remote state output into the stack that
 * exports it: "${data.terraform_remote_state.alerting.outputs.page_topic_arn}" leads to the
 * topic of the alerting stack. Returns the resource and the stack it lives in.
 */
export function resolveResource(
  stack: StackModel,
  value: unknown,
  context: RuleContext,
): { resource: Resource; stack: StackModel } | undefined {
  const local = referencedResources(stack, value)[0];
  if (local) return { resource: local, stack };
  const match = typeof value === 'string' ? REMOTE_OUTPUT.exec(value) : null;
  const name = match ? stack.remoteStates.get(match[1]) : undefined;
  const other = name ? context.stack?.(name) : undefined;
  if (!match || !other) return undefined;
  const target = referencedResources(other, other.outputs.get(match[2]))[0];
  return target ? { resource: target, stack: other } : undefined;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/(.+)$/;
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a KMS key argument was found to name: the key, where it lives, and whether it is customer-managed. */
export interface KeyResolution {
  readonly ok: boolean;
  /** The key as resolved: "<stack>/<address>" of a key or alias, or the literal. */
  readonly resolved: string | null;
  readonly why?: string;
}

/**
 * Whether a key argument names a customer-managed KMS key: a reference to an aws_kms_key or
 * aws_kms_alias (in this stack, or exported by another through remote state), a key ARN or id,
 * or an alias other than alias/aws/*. Anything else — a remote output that is not a key, a
 * variable, an AWS-managed alias — fails, and a reference that cannot be followed fails too.
 */
export function customerManagedKey(stack: StackModel, value: unknown, context: RuleContext): KeyResolution {
  if (typeof value !== 'string' || value === '') return { ok: false, resolved: null, why: 'no KMS key' };
  if (value.includes('${')) {
    const found = resolveResource(stack, value, context);
    if (!found) return { ok: false, resolved: value, why: `cannot follow ${value} to a KMS key` };
    const resolved = `${found.stack.name}/${found.resource.address}`;
    if (found.resource.type === 'aws_kms_key') return { ok: true, resolved };
    if (found.resource.type === 'aws_kms_alias') {
      const name = String(found.resource.attrs.name ?? '');
      return name.startsWith('alias/aws/')
        ? { ok: false, resolved, why: 'an AWS-managed alias' }
        : { ok: true, resolved };
    }
    return { ok: false, resolved, why: `${resolved} is a ${found.resource.type}, not a KMS key` };
  }
  if (/(^|:)alias\/aws\//.test(value)) return { ok: false, resolved: value, why: 'an AWS-managed key alias' };
  if (KEY_ARN.test(value) || KEY_ID.test(value) || ALIAS_ARN.test(value) || /^alias\/[A-Za-z0-9/_-]+$/.test(value))
    return { ok: true, resolved: value };
  return { ok: false, resolved: value, why: 'not a KMS key ARN, key id, alias or key reference' };
}

/**
 * The resource of a given type that configures a bucket: its `bucket` argument refers to the
 * bucket, or names it literally (the bucket's own `bucket` argument).
 */
export function bucketConfig(stack: StackModel, type: string, bucket: Resource): Resource | undefined {
  const name = bucket.attrs.bucket;
  return ofType(stack, type).find(
    (r) =>
      referencedResources(stack, r.attrs.bucket).includes(bucket) ||
      (typeof name === 'string' && !name.includes('${') && r.attrs.bucket === name),
  );
}
