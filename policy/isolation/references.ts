import { LOOKUP_TYPES } from './catalogue';
import type { SynthesizedStacks } from './synthesized';

/** A resource of one stack; its key is unique across the environment. */
export interface ResourceNode {
  readonly key: string;
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

export function resourceKey(stack: string, type: string, name: string): string {
  return `${stack}: ${type}.${name}`;
}

/** What a value in the JSON stands for, once references are followed. */
export type Resolved =
  | { readonly kind: 'resource'; readonly node: ResourceNode; readonly attribute: string }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'unknown'; readonly expression: string; readonly why: string };

const WHOLE_REFERENCE = /^\$\{([^{}]+)\}$/;
/** A plain traversal: names, dots and index keys, nothing a function or operator would need. */
const TRAVERSAL = /^[A-Za-z_][\w-]*(\.[\w-]+|\["[^"]*"\]|\[\d+\])*$/;

function backendIdentity(backend: string, config: unknown): string | undefined {
  const c = (config ?? {}) as Record<string, unknown>;
  if (backend === 'local' && typeof c.path === 'string') return `local:${c.path}`;
  if (backend === 's3' && typeof c.bucket === 'string' && typeof c.key === 'string') return `s3:${c.bucket}/${c.key}`;
  return undefined;
}

function splitTraversal(expression: string): string[] {
  return [...expression.matchAll(/[A-Za-z_][\w-]*|\["([^"]*)"\]|\[(\d+)\]|\.(\d+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? m[0],
  );
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function tagsOf(body: Record<string, unknown>): Record<string, string> {
  const tags = { ...((body.tags ?? {}) as Record<string, string>) };
  for (const t of list(body.tag) as { key?: string; value?: string }[]) if (t.key) tags[t.key] = String(t.value);
  return tags;
}

/**
 * Follows Terraform references through the synthesized stacks: ${type.name.attr} inside a stack,
 * locals, terraform_remote_state outputs (nested too) to the stack whose backend holds that state,
 * and lookups (data sources) whose filters select exactly one resource of the same synth output.
 * Anything else (a function call, an interpolation, an unknown data source) is "unknown".
 */
export class ReferenceResolver {
  private readonly nodes = new Map<string, ResourceNode>();
  private readonly stacksByState = new Map<string, string>();

  /** What each (stack, reference) resolved to, from the top. */
  private readonly followed = new Map<string, Resolved>();

  constructor(private readonly stacks: SynthesizedStacks) {
    for (const [stack, json] of stacks) {
      for (const [type, byName] of Object.entries(json.resource ?? {})) {
        for (const [name, body] of Object.entries(byName)) {
          const key = resourceKey(stack, type, name);
          this.nodes.set(key, { key, stack, type, name, body });
        }
      }
      const backends = (json.terraform?.backend ?? {}) as Record<string, unknown>;
      for (const [type, config] of Object.entries(backends)) {
        const id = backendIdentity(type, config);
        if (id) this.stacksByState.set(id, stack);
      }
    }
  }

  allNodes(): IterableIterator<ResourceNode> {
    return this.nodes.values();
  }

  node(key: string): ResourceNode | undefined {
    return this.nodes.get(key);
  }

  /** What a value means, following references, locals, remote state and lookups as far as they lead. */
  resolve(stack: string, value: unknown, depth = 0): Resolved {
    if (typeof value !== 'string') return { kind: 'literal', value };
    if (!value.includes('${')) return { kind: 'literal', value };
    if (depth > 0) return this.follow(stack, value, depth);
    // The synthesized stacks do not change, so neither does what a reference means: a node's
    // 32 network interfaces name the same subnet and groups, and are followed once.
    const key = `${stack}\n${value}`;
    let resolved = this.followed.get(key);
    if (!resolved) {
      resolved = this.follow(stack, value, depth);
      this.followed.set(key, resolved);
    }
    return resolved;
  }

  private follow(stack: string, value: string, depth: number): Resolved {
    const unknown = (why: string): Resolved => ({ kind: 'unknown', expression: value, why });
    const match = WHOLE_REFERENCE.exec(value);
    if (!match) return unknown('an interpolation inside a string');
    const expression = match[1]!.trim();
    if (!TRAVERSAL.test(expression)) return unknown('a function call or an expression');
    if (depth > 20) return unknown('a reference loop');
    const parts = splitTraversal(expression);
    const json = this.stacks.get(stack);
    if (parts[0] === 'local') {
      const locals = (json as { locals?: Record<string, unknown> } | undefined)?.locals ?? {};
      if (!(parts[1]! in locals)) return unknown(`local.${parts[1]} is not defined in ${stack}`);
      return this.navigate(stack, locals[parts[1]!], parts.slice(2), depth, value);
    }
    if (parts[0] === 'data' && parts[1] === 'terraform_remote_state') {
      if (parts[3] !== 'outputs' || parts.length < 5) return unknown('a remote state attribute other than outputs');
      const data = json?.data?.terraform_remote_state?.[parts[2]!];
      if (!data) return unknown(`no terraform_remote_state.${parts[2]} in ${stack}`);
      const producer = this.stacksByState.get(backendIdentity(String(data.backend), data.config) ?? '');
      if (!producer) return unknown('a remote state whose backend is no stack of this synth');
      const output = this.stacks.get(producer)?.output?.[parts[4]!];
      if (!output) return unknown(`stack ${producer} has no output ${parts[4]}`);
      return this.navigate(producer, output.value, parts.slice(5), depth, value);
    }
    if (parts[0] === 'data') {
      const [, type, name, ...rest] = parts as [string, string, string, ...string[]];
      const body = json?.data?.[type]?.[name];
      if (!body) return unknown(`no data.${type}.${name} in ${stack}`);
      if (!LOOKUP_TYPES.includes(type)) return unknown(`a data source of type ${type}, which the proof cannot resolve`);
      const found = this.lookup(stack, type.replace(/^aws_/, 'aws_'), body, depth);
      if (!found) return unknown(`data.${type}.${name} does not select exactly one resource of this synth output`);
      return this.resourceAttribute(found, rest[0] ?? 'id', depth, value);
    }
    if (parts.length < 3) return unknown('a reference the proof does not know');
    const [type, name, attribute] = parts as [string, string, string];
    const node = this.nodes.get(resourceKey(stack, type, name));
    if (!node) return unknown(`no resource ${type}.${name} in ${stack}`);
    if (parts.length > 3) return unknown('an index into a resource attribute');
    return this.resourceAttribute(node, attribute, depth, value);
  }

  /** A literal scalar as a string, or undefined when it is only known at apply. */
  literal(stack: string, value: unknown): string | undefined {
    const r = this.resolve(stack, value);
    return r.kind === 'literal' && ['string', 'number', 'boolean'].includes(typeof r.value)
      ? String(r.value)
      : undefined;
  }

  private resourceAttribute(node: ResourceNode, attribute: string, depth: number, original: string): Resolved {
    // An attribute the resource sets itself (vpc_id, cidr_block) leads on to that value.
    if (attribute !== 'id' && attribute !== 'arn' && attribute in node.body) {
      const r = this.resolve(node.stack, node.body[attribute], depth + 1);
      return r.kind === 'unknown' ? { ...r, expression: original } : r;
    }
    return { kind: 'resource', node, attribute };
  }

  private navigate(stack: string, value: unknown, path: string[], depth: number, original: string): Resolved {
    let current = value;
    for (const step of path) {
      if (typeof current === 'string') {
        // A reference to a whole object (a module-like output): resolve, then keep walking.
        const r = this.resolve(stack, current, depth + 1);
        if (r.kind !== 'literal')
          return { kind: 'unknown', expression: original, why: 'an index into a computed value' };
        current = r.value;
      }
      if (current === null || typeof current !== 'object' || !(step in (current as object))) {
        return { kind: 'unknown', expression: original, why: `no key ${step} in the value it names` };
      }
      current = (current as Record<string, unknown>)[step];
    }
    const r = this.resolve(stack, current, depth + 1);
    return r.kind === 'unknown' ? { ...r, expression: original } : r;
  }

  /** The one resource of the lookup's type whose attributes match every criterion of the data source. */
  private lookup(stack: string, type: string, body: Record<string, unknown>, depth: number): ResourceNode | undefined {
    const criteria: { field: string; tag?: string; values: unknown[] }[] = [];
    for (const [k, v] of Object.entries(body)) {
      if (k === 'tags')
        for (const [tag, tv] of Object.entries(v as object)) criteria.push({ field: 'tags', tag, values: [tv] });
      else if (k === 'filter') {
        for (const f of list(v) as { name?: string; values?: unknown[] }[]) {
          const name = String(f.name ?? '');
          if (name.startsWith('tag:')) criteria.push({ field: 'tags', tag: name.slice(4), values: list(f.values) });
          else if (['vpc-id', 'cidr-block', 'cidr', 'prefix-list-name', 'transit-gateway-id'].includes(name)) {
            const field = {
              'vpc-id': 'vpc_id',
              'cidr-block': 'cidr_block',
              cidr: 'cidr_block',
              'prefix-list-name': 'name',
              'transit-gateway-id': 'id',
            }[name]!;
            criteria.push({ field, values: list(f.values) });
          } else return undefined;
        }
      } else if (['id', 'vpc_id', 'cidr_block', 'name'].includes(k)) criteria.push({ field: k, values: [v] });
      else if (!['depends_on', 'provider', 'lifecycle', 'default', 'state', 'availability_zone'].includes(k))
        return undefined;
    }
    if (criteria.length === 0) return undefined;
    const identity = (s: string, v: unknown): string | undefined => {
      const r = this.resolve(s, v, depth + 1);
      if (r.kind === 'resource') return `resource:${r.node.key}`;
      if (r.kind === 'literal' && ['string', 'number', 'boolean'].includes(typeof r.value))
        return `literal:${String(r.value)}`;
      return undefined;
    };
    const matches = [...this.nodes.values()].filter((n) => {
      if (n.type !== type) return false;
      const tags = tagsOf(n.body);
      return criteria.every((c) => {
        const wanted = c.values.map((v) => identity(stack, v));
        if (wanted.some((w) => w === undefined)) return false;
        const have =
          c.field === 'tags'
            ? c.tag! in tags
              ? `literal:${tags[c.tag!]}`
              : undefined
            : c.field === 'id'
              ? `resource:${n.key}`
              : identity(n.stack, n.body[c.field]);
        return have !== undefined && wanted.includes(have);
      });
    });
    return matches.length === 1 ? matches[0] : undefined;
  }
}
