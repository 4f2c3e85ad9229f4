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
  | { readonly kind: 'unknown'; readonly expression: string };

const WHOLE_REFERENCE = /^\$\{([^{}]+)\}$/;

function backendIdentity(backend: string, config: unknown): string | undefined {
  const c = (config ?? {}) as Record<string, unknown>;
  if (backend === 'local' && typeof c.path === 'string') return `local:${c.path}`;
  if (backend === 's3' && typeof c.bucket === 'string' && typeof c.key === 'string') return `s3:${c.bucket}/${c.key}`;
  return undefined;
}

/**
 * Follows Terraform references through the synthesized stacks: ${type.name.attr} inside a
 * stack, and terraform_remote_state outputs to the stack whose backend holds that state.
 */
export class ReferenceResolver {
  private readonly nodes = new Map<string, ResourceNode>();
  private readonly stacksByState = new Map<string, string>();

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

  /** What a value means, following references and remote state as far as they lead. */
  resolve(stack: string, value: unknown, depth = 0): Resolved {
    if (typeof value !== 'string') return { kind: 'literal', value };
    const match = WHOLE_REFERENCE.exec(value);
    if (!match) return { kind: 'literal', value };
    if (depth > 20) return { kind: 'unknown', expression: value };
    const parts = match[1]!.trim().split('.');
    if (parts[0] === 'data' && parts[1] === 'terraform_remote_state' && parts[3] === 'outputs' && parts.length === 5) {
      const data = this.stacks.get(stack)?.data?.terraform_remote_state?.[parts[2]!];
      const producer = data
        ? this.stacksByState.get(backendIdentity(String(data.backend), data.config) ?? '')
        : undefined;
      const output = producer ? this.stacks.get(producer)?.output?.[parts[4]!] : undefined;
      if (!producer || !output) return { kind: 'unknown', expression: value };
      return this.resolve(producer, output.value, depth + 1);
    }
    if (parts[0] === 'data' || parts.length < 3) return { kind: 'unknown', expression: value };
    const [type, name, attribute] = parts as [string, string, string];
    const node = this.nodes.get(resourceKey(stack, type, name));
    if (!node) return { kind: 'unknown', expression: value };
    // An attribute the resource sets itself (vpc_id, cidr_block) leads on to that value.
    if (attribute !== 'id' && attribute in node.body) return this.resolve(stack, node.body[attribute], depth + 1);
    return { kind: 'resource', node, attribute };
  }

  /** The resource a value identifies (its id or arn), or undefined. */
  target(stack: string, value: unknown): ResourceNode | undefined {
    const r = this.resolve(stack, value);
    return r.kind === 'resource' && (r.attribute === 'id' || r.attribute === 'arn') ? r.node : undefined;
  }

  /** A special attribute of a resource, such as a VPC's default_route_table_id. */
  attributeOf(stack: string, value: unknown): { node: ResourceNode; attribute: string } | undefined {
    const r = this.resolve(stack, value);
    return r.kind === 'resource' ? { node: r.node, attribute: r.attribute } : undefined;
  }

  /** A literal string value (a CIDR, a flag), or undefined when it is only known at apply. */
  literal(stack: string, value: unknown): string | undefined {
    const r = this.resolve(stack, value);
    return r.kind === 'literal' &&
      (typeof r.value === 'string' || typeof r.value === 'number' || typeof r.value === 'boolean')
      ? String(r.value)
      : undefined;
  }
}
