import type { AttributeChange } from './change-set';
import type { StackJson } from './synth-output';
import { attributeChanges } from './values';

/**
 * Every Terraform block other than managed resources, diffed: the backend (a changed backend
 * is a state migration, or a fresh state that re-creates everything), required providers,
 * provider configuration (default tags reach every tagged resource), data sources, outputs,
 * locals, and moved / import / removed blocks. A block kind the review does not know is a
 * change it cannot explain, so it is reported as `unknown`, never dropped.
 */

export type BlockKind =
  | 'backend'
  | 'required-providers'
  | 'terraform'
  | 'provider'
  | 'data'
  | 'output'
  | 'locals'
  | 'moved'
  | 'import'
  | 'removed'
  | 'variable'
  | 'unknown';

export interface BlockChange {
  readonly stack: string;
  readonly kind: BlockKind;
  /** backend.s3, provider.aws, data.aws_region.current, output.vpc-id, locals.x, moved[to=...] */
  readonly address: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly attributes: readonly AttributeChange[];
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strip = (v: unknown): unknown =>
  isRecord(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== '//')) : v;

/** Top-level keys this module reads; `resource` is the resource diff's. */
const KNOWN_TOP = new Set([
  '//',
  'resource',
  'terraform',
  'provider',
  'data',
  'output',
  'locals',
  'moved',
  'import',
  'removed',
  'variable',
]);

/** Blocks of one stack, flattened: address -> [kind, value]. */
export function stackBlocks(stack: StackJson): Map<string, [BlockKind, unknown]> {
  const out = new Map<string, [BlockKind, unknown]>();
  const raw = stack as unknown as Json;
  const terraform = isRecord(raw.terraform) ? raw.terraform : {};
  for (const [key, value] of Object.entries(terraform)) {
    if (key === 'backend' && isRecord(value)) {
      // One backend per stack: keyed by kind, so local -> s3 is an update of "backend".
      out.set('backend', ['backend', value]);
    } else if (key === 'required_providers' && isRecord(value)) {
      for (const [name, spec] of Object.entries(value))
        out.set(`required_providers.${name}`, ['required-providers', spec]);
    } else {
      out.set(`terraform.${key}`, ['terraform', value]);
    }
  }
  if (isRecord(raw.provider)) {
    for (const [name, configs] of Object.entries(raw.provider)) {
      const list = Array.isArray(configs) ? configs : [configs];
      list.forEach((config, i) => {
        // The default configuration has no alias; a second unaliased one (invalid) keeps its index.
        const alias =
          isRecord(config) && typeof config.alias === 'string'
            ? config.alias
            : list.slice(0, i).some((c) => !(isRecord(c) && typeof c.alias === 'string'))
              ? String(i)
              : '';
        out.set(`provider.${name}${alias ? `.${alias}` : ''}`, ['provider', strip(config)]);
      });
    }
  }
  if (isRecord(raw.data)) {
    for (const [type, byName] of Object.entries(raw.data)) {
      if (!isRecord(byName)) continue;
      for (const [name, body] of Object.entries(byName)) out.set(`data.${type}.${name}`, ['data', strip(body)]);
    }
  }
  for (const kind of ['output', 'variable'] as const) {
    const section = raw[kind];
    if (isRecord(section))
      for (const [name, body] of Object.entries(section)) out.set(`${kind}.${name}`, [kind, strip(body)]);
  }
  if (isRecord(raw.locals))
    for (const [name, body] of Object.entries(raw.locals)) out.set(`locals.${name}`, ['locals', body]);
  for (const kind of ['moved', 'import', 'removed'] as const) {
    const section = raw[kind];
    const list = Array.isArray(section) ? section : section === undefined ? [] : [section];
    for (const block of list) {
      // A moved/import/removed block is identified by what it acts on.
      const b = isRecord(block) ? block : {};
      const id =
        kind === 'moved' ? `${String(b.from)} -> ${String(b.to)}` : kind === 'import' ? String(b.to) : String(b.from);
      out.set(`${kind}[${id}]`, [kind, strip(block)]);
    }
  }
  for (const key of Object.keys(raw)) if (!KNOWN_TOP.has(key)) out.set(key, ['unknown', raw[key]]);
  return out;
}

export function diffBlocks(name: string, base: StackJson | undefined, head: StackJson | undefined): BlockChange[] {
  const before = base ? stackBlocks(base) : new Map<string, [BlockKind, unknown]>();
  const after = head ? stackBlocks(head) : new Map<string, [BlockKind, unknown]>();
  const changes: BlockChange[] = [];
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(address);
    const now = after.get(address);
    const kind = (now ?? was)![0];
    if (was && now && JSON.stringify(was[1]) === JSON.stringify(now[1])) continue;
    const wrap = (v: unknown) => (isRecord(v) ? v : { value: v });
    const attributes = attributeChanges(
      { raw: (was ? wrap(was[1]) : {}) as never, sensitive: false },
      { raw: (now ? wrap(now[1]) : {}) as never, sensitive: false },
    );
    changes.push({ stack: name, kind, address, action: !was ? 'create' : !now ? 'delete' : 'update', attributes });
  }
  return changes;
}

/** A backend change: the stack's state moves, or Terraform starts from empty state. */
export function isStateMigration(change: BlockChange): boolean {
  return change.kind === 'backend' && change.action === 'update';
}

/** Provider default tags changed: Terraform updates tags_all on every resource that takes tags. */
export function changesDefaultTags(change: BlockChange): boolean {
  return change.kind === 'provider' && change.attributes.some((a) => a.path.startsWith('default_tags'));
}
