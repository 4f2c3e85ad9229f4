import { ColossusError } from '../config/errors';

/** A stack as far as choosing what to synthesize goes: its name and the stacks it reads. */
export interface StackNode {
  readonly name: string;
  /** Stacks whose outputs it reads through remote state (ColossusStack.upstream). */
  readonly upstream: Iterable<string>;
}

/**
 * The named stacks and every stack they read, transitively, in the order given. The stacks
 * read are synthesized too, because the gates need them: the isolation proof follows a tenant's
 * subnets and groups into the tenancy stack, and compliance rules resolve remote state against
 * the upstream stack's outputs. Unknown names fail, listing the environment's stacks.
 */
export function withUpstream(stacks: readonly StackNode[], wanted: readonly string[], environment: string): string[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const unknown = wanted.filter((w) => !byName.has(w));
  if (unknown.length > 0) {
    throw new ColossusError(`unknown stack${unknown.length > 1 ? 's' : ''} in ${environment}`, [
      ...unknown.map((u) => `${u}: not a stack of ${environment} (COLOSSUS_STACKS or --stack)`),
      `stacks are: ${stacks.map((s) => s.name).join(', ')}`,
    ]);
  }
  const keep = new Set<string>();
  const add = (name: string): void => {
    if (keep.has(name)) return;
    keep.add(name);
    for (const up of byName.get(name)?.upstream ?? []) add(up);
  };
  wanted.forEach(add);
  return stacks.map((s) => s.name).filter((n) => keep.has(n));
}

/** Stack names from COLOSSUS_STACKS (commas or spaces) and repeated --stack options. */
export function parseStackSelection(setting: string | undefined, options: readonly string[]): string[] {
  const names = [...(setting ?? '').split(/[\s,]+/), ...options].map((n) => n.trim()).filter(Boolean);
  return [...new Set(names)];
}

/**
 * Splits stacks into `parts` groups of about equal weight (largest first, each to the lightest
 * group), keeping the given order inside each group. Each stack is in exactly one group.
 */
export function balancedParts<T extends { readonly name: string; readonly weight: number }>(
  stacks: readonly T[],
  parts: number,
): string[][] {
  const groups = Array.from({ length: Math.max(1, parts) }, () => ({ weight: 0, names: new Set<string>() }));
  for (const stack of [...stacks].sort((a, b) => b.weight - a.weight)) {
    const lightest = groups.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.weight += stack.weight;
    lightest.names.add(stack.name);
  }
  return groups.map((g) => stacks.map((s) => s.name).filter((n) => g.names.has(n))).filter((g) => g.length > 0);
}
