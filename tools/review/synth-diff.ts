import { ColossusError } from '../../config/errors';
import { UNKNOWN, type ChangeSet, type ResourceChange, type StackChange } from './change-set';
import { forcesNew, topAttribute } from './force-new';
import { defaultTags, type StackJson, type SynthOutput } from './synth-output';
import { attributeChanges, mask } from './values';
import { diffBlocks } from './blocks';

/**
 * A change set from two synth outputs (base and head), with no cloud access: a resource-level
 * diff of the synthesized Terraform JSON, attribute diffs by microdiff. Replacements are
 * predicted: from the provider's force-new attributes (force-new.ts), from references to
 * replaced resources, and from addresses that changed (a renamed construct destroys the old
 * object and creates a new one unless a `moved` block maps them).
 */

type Config = Record<string, unknown>;

interface SynthResource {
  readonly address: string;
  readonly type: string;
  readonly config: Config;
  /** Tags Terraform will apply: provider default tags under the resource's own. */
  readonly tagsAll: Record<string, unknown>;
}

/** Synthesized resources by address; cdktf's "//" metadata is not configuration. */
export function synthResources(stack: StackJson): Map<string, SynthResource> {
  const defaults = defaultTags(stack);
  const resources = new Map<string, SynthResource>();
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const config = Object.fromEntries(Object.entries(body).filter(([key]) => key !== '//'));
      const own = (config.tags ?? {}) as Record<string, unknown>;
      resources.set(`${type}.${name}`, { address: `${type}.${name}`, type, config, tagsAll: { ...defaults, ...own } });
    }
  }
  return resources;
}

/** What domain deltas read: the configuration, masked, with the tags Terraform applies. */
function sideValue(resource: SynthResource): Record<string, unknown> {
  return { ...(mask(resource.config) as Record<string, unknown>), tags_all: mask(resource.tagsAll) };
}

/** Share of top-level attributes two configurations hold equal (0..1), tags aside. */
export function similarity(a: Config, b: Config): number {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => k !== 'tags'));
  if (keys.size === 0) return 1;
  let equal = 0;
  for (const key of keys) if (JSON.stringify(a[key]) === JSON.stringify(b[key])) equal += 1;
  return equal / keys.size;
}

/** Below this, a removed and an added resource of one type are told apart, not paired as a rename. */
const RENAME_SIMILARITY = 0.5;

/** Pairs removed with added addresses of the same type that look like one resource renamed. */
export function pairRenames(
  removed: readonly SynthResource[],
  added: readonly SynthResource[],
): Map<string, SynthResource> {
  const pairs = new Map<string, SynthResource>(); // new address -> old resource
  const free = new Set(removed.map((r) => r.address));
  for (const next of [...added].sort((a, b) => a.address.localeCompare(b.address))) {
    let best: { resource: SynthResource; score: number } | undefined;
    for (const old of removed) {
      if (!free.has(old.address) || old.type !== next.type) continue;
      const score = similarity(old.config, next.config);
      if (score >= RENAME_SIMILARITY && (!best || score > best.score)) best = { resource: old, score };
    }
    if (best) {
      pairs.set(next.address, best.resource);
      free.delete(best.resource.address);
    }
  }
  return pairs;
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./g;

function referencedAddresses(value: unknown): string[] {
  const text = JSON.stringify(value) ?? '';
  return [...text.matchAll(REFERENCE)].map((m) => `${m[1]}.${m[2]}`);
}

function diffStack(name: string, base: StackJson | undefined, head: StackJson | undefined): StackChange {
  const before = base ? synthResources(base) : new Map<string, SynthResource>();
  const after = head ? synthResources(head) : new Map<string, SynthResource>();
  const removed = [...before.values()].filter((r) => !after.has(r.address));
  const added = [...after.values()].filter((r) => !before.has(r.address));
  const renames = pairRenames(removed, added);
  const renamedFrom = new Set([...renames.values()].map((r) => r.address));
  const changes = new Map<string, ResourceChange>();

  for (const resource of removed) {
    if (renamedFrom.has(resource.address)) continue;
    changes.set(resource.address, {
      stack: name,
      address: resource.address,
      type: resource.type,
      mode: 'managed',
      action: 'delete',
      reason: head ? 'it was removed from the configuration' : `its stack ${name} was removed`,
      forcingAttributes: [],
      attributes: [],
      before: sideValue(resource),
      after: null,
    });
  }
  for (const resource of after.values()) {
    const old = before.get(resource.address) ?? renames.get(resource.address);
    if (!old) {
      changes.set(resource.address, {
        stack: name,
        address: resource.address,
        type: resource.type,
        mode: 'managed',
        action: 'create',
        forcingAttributes: [],
        attributes: [],
        before: null,
        after: sideValue(resource),
      });
      continue;
    }
    const own = attributeChanges({ raw: old.config, sensitive: false }, { raw: resource.config, sensitive: false });
    // Provider default tags reach every resource that takes tags: Terraform updates its tags_all.
    const tagged = 'tags' in old.config || 'tags' in resource.config;
    const attributes = [
      ...own,
      ...(tagged
        ? attributeChanges(
            { raw: { tags_all: old.tagsAll } as never, sensitive: false },
            { raw: { tags_all: resource.tagsAll } as never, sensitive: false },
          ).filter((a) => !own.some((o) => o.path === a.path.replace(/^tags_all/, 'tags')))
        : []),
    ];
    const forcing = [
      ...new Set(attributes.map((a) => topAttribute(a.path)).filter((a) => forcesNew(resource.type, a))),
    ];
    const renamed = old.address !== resource.address;
    const action = renamed || forcing.length > 0 ? 'replace' : attributes.length > 0 ? 'update' : 'no-op';
    changes.set(resource.address, {
      stack: name,
      address: resource.address,
      ...(renamed ? { previousAddress: old.address } : {}),
      type: resource.type,
      mode: 'managed',
      action,
      ...(action === 'replace' ? { replaceOrder: 'delete-then-create' as const } : {}),
      ...(renamed
        ? {
            reason: `its address changed from ${old.address}: Terraform destroys the old object and creates a new one unless a moved block maps the two addresses`,
          }
        : forcing.length > 0
          ? { reason: 'a changed attribute cannot be updated in place' }
          : {}),
      forcingAttributes: forcing,
      attributes: attributes.map((a) => ({ ...a, forcesReplacement: forcing.includes(topAttribute(a.path)) })),
      before: sideValue(old),
      after: sideValue(resource),
    });
  }
  propagateReplacements(changes, after);
  return {
    name,
    status: base && head ? 'changed' : head ? 'added' : 'removed',
    changes: [...changes.values()].sort((a, b) => a.address.localeCompare(b.address)),
    blocks: diffBlocks(name, base, head),
  };
}

/**
 * A resource that references a replaced one sees the new id or ARN only after apply: an
 * update, or a replacement when the referencing attribute forces one. Repeats to a fixed point.
 */
function propagateReplacements(changes: Map<string, ResourceChange>, head: ReadonlyMap<string, SynthResource>): void {
  for (let changed = true; changed;) {
    changed = false;
    const replaced = new Set([...changes.values()].filter((c) => c.action === 'replace').map((c) => c.address));
    for (const [address, change] of changes) {
      if (change.action === 'replace' || change.action === 'create' || change.action === 'delete') continue;
      const resource = head.get(address);
      if (!resource) continue;
      const shown = new Set(change.attributes.map((a) => topAttribute(a.path)));
      const affected = Object.entries(resource.config)
        .map(([attribute, value]) => ({ attribute, refs: referencedAddresses(value).filter((r) => replaced.has(r)) }))
        .filter(({ attribute, refs }) => refs.length > 0 && !shown.has(attribute));
      if (affected.length === 0) continue;
      const forcing = affected.filter(({ attribute }) => forcesNew(change.type, attribute));
      const replace = forcing.length > 0;
      changes.set(address, {
        ...change,
        action: replace ? 'replace' : 'update',
        ...(replace
          ? {
              replaceOrder: 'delete-then-create' as const,
              causedBy: forcing[0]?.refs[0],
              reason: `it references ${forcing[0]?.refs[0]}, which is replaced, in ${forcing[0]?.attribute}, an attribute that cannot be updated in place`,
            }
          : {}),
        forcingAttributes: [...change.forcingAttributes, ...forcing.map((f) => f.attribute)],
        attributes: [
          ...change.attributes,
          ...affected.map(({ attribute }) => ({
            path: attribute,
            before: change.before?.[attribute],
            after: UNKNOWN,
            sensitive: false,
            forcesReplacement: forcesNew(change.type, attribute),
          })),
        ],
      });
      changed = true;
    }
  }
}

/** The change set between two synth outputs of one environment. */
export function diffSynthOutputs(base: SynthOutput, head: SynthOutput): ChangeSet {
  if (base.environment !== head.environment) {
    throw new ColossusError('base and head are different environments', [
      `base ${base.dir} is environment ${base.environment}, head ${head.dir} is ${head.environment}; a review compares two synth outputs of one environment`,
    ]);
  }
  const names = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  return {
    source: 'synth',
    environment: head.environment,
    stacks: names.map((name) => diffStack(name, base.stacks.get(name), head.stacks.get(name))),
  };
}
