import { UNKNOWN, type ChangeSet, type ResourceChange } from './change-set';
import type { StackJson, SynthOutput } from './synth-output';

/**
 * Blast radius across stacks. A stack exports attributes of its resources as outputs; other
 * stacks read them through `terraform_remote_state`. When an exported resource is replaced
 * (new id) or an exported attribute changes, the readers change at their next plan even
 * though their own synth output is identical, and a destroy can be refused by AWS while
 * readers that are not in this plan still use the object.
 */

/**
 * Types AWS refuses to delete while something still uses them, with the source:
 * - aws_subnet: EC2 API Reference, DeleteSubnet: "You must terminate all running instances in
 *   the subnet before you can delete the subnet."
 * - aws_security_group: EC2 API Reference, DeleteSecurityGroup: fails with DependencyViolation
 *   while the group is associated with an instance or network interface, or referenced by
 *   another group.
 * - aws_vpc: EC2 API Reference, DeleteVpc: delete or detach everything in the VPC first
 *   (subnets, security groups, network interfaces, gateways).
 * - aws_placement_group: EC2 API Reference, DeletePlacementGroup: terminate or move all
 *   instances in the group first.
 * - aws_kms_key: KMS schedules deletion (7-30 days) and data encrypted under it becomes
 *   unreadable; a replacement orphans everything its readers wrote (KMS Developer Guide,
 *   "Deleting AWS KMS keys").
 */
export const BLOCKED_WHILE_IN_USE: Readonly<Record<string, string>> = {
  aws_subnet: 'AWS refuses to delete a subnet while instances run in it (EC2 DeleteSubnet)',
  aws_security_group:
    'AWS refuses to delete a security group while network interfaces use it or another group references it (EC2 DeleteSecurityGroup, DependencyViolation)',
  aws_vpc: 'AWS refuses to delete a VPC that still holds subnets, groups or interfaces (EC2 DeleteVpc)',
  aws_placement_group: 'AWS refuses to delete a placement group that still holds instances (EC2 DeletePlacementGroup)',
  aws_kms_key:
    'a replaced KMS key is scheduled for deletion, and data its readers encrypted under it becomes unreadable',
};

export interface Reader {
  readonly stack: string;
  readonly address: string;
  /** The reader's attribute that holds the output. */
  readonly attribute: string;
  /** Whether the reader itself is destroyed or replaced in this change set. */
  readonly releasedInPlan: boolean;
}

export interface BlastEntry {
  readonly stack: string;
  readonly address: string;
  readonly action: ResourceChange['action'];
  /** Outputs of the stack that export the changed attributes. */
  readonly outputs: readonly string[];
  readonly readers: readonly Reader[];
  /** Set when the destroy will be refused, or its effect cannot be known. */
  readonly blocked?: string;
}

const OUTPUT_REF = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)/g;
const REMOTE_REF = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_]+)/g;

/** Which stack a remote state data source reads: the stack named by its state path or key. */
export function remoteStateStacks(stack: StackJson, stackNames: readonly string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const remote = (stack.data?.terraform_remote_state ?? {}) as Record<string, { config?: Record<string, unknown> }>;
  for (const [name, body] of Object.entries(remote)) {
    const where = String(body.config?.key ?? body.config?.path ?? '');
    out.set(
      name,
      stackNames.find((s) => where === `${s}.tfstate` || where.endsWith(`/${s}.tfstate`)),
    );
  }
  return out;
}

/** Output name -> [resource address, attribute] it exports. */
function exportsOf(stack: StackJson): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  for (const [name, body] of Object.entries(stack.output ?? {})) {
    const text = JSON.stringify(body.value ?? '');
    out.set(
      name,
      [...text.matchAll(OUTPUT_REF)].map((m) => [`${m[1]}.${m[2]}`, m[3] ?? 'id'] as [string, string]),
    );
  }
  return out;
}

function changedExport(change: ResourceChange, attribute: string): boolean {
  if (change.action === 'replace' || change.action === 'delete') return true;
  if (change.action !== 'update') return false;
  return change.attributes.some(
    (a) =>
      a.path === attribute ||
      a.path.startsWith(`${attribute}.`) ||
      a.path.startsWith(`${attribute}[`) ||
      (a.after === UNKNOWN && a.path === attribute),
  );
}

/**
 * Readers of every output, across stacks: "<upstream stack>\u0000<output>" -> the resources of
 * other stacks that use it through terraform_remote_state. changeOf marks readers the change
 * set itself destroys or replaces.
 */
export function outputReaders(
  head: SynthOutput,
  names: readonly string[],
  changeOf: ReadonlyMap<string, ResourceChange> = new Map(),
): Map<string, Reader[]> {
  const readers = new Map<string, Reader[]>();
  for (const [stackName, stack] of head.stacks) {
    const sources = remoteStateStacks(stack, names);
    for (const [type, byName] of Object.entries(stack.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const address = `${type}.${name}`;
        const change = changeOf.get(`${stackName}\u0000${address}`);
        for (const [attribute, value] of Object.entries(body)) {
          for (const m of (JSON.stringify(value) ?? '').matchAll(REMOTE_REF)) {
            const upstream = sources.get(m[1] ?? '') ?? `(unresolved remote state ${m[1]})`;
            const key = `${upstream}\u0000${m[2]}`;
            const list = readers.get(key) ?? [];
            if (!list.some((r) => r.stack === stackName && r.address === address && r.attribute === attribute)) {
              list.push({
                stack: stackName,
                address,
                attribute,
                releasedInPlan: change?.action === 'replace' || change?.action === 'delete',
              });
            }
            readers.set(key, list);
          }
        }
      }
    }
  }
  return readers;
}

export function blastRadius(changeSet: ChangeSet, head: SynthOutput, base?: SynthOutput): BlastEntry[] {
  const names = [...new Set([...head.stacks.keys(), ...(base?.stacks.keys() ?? [])])];
  const changeOf = new Map<string, ResourceChange>();
  for (const s of changeSet.stacks) for (const c of s.changes) changeOf.set(`${s.name}\u0000${c.address}`, c);

  // Readers: (upstream stack, output) -> resources of other stacks that use it.
  const readers = outputReaders(head, names, changeOf);

  const entries: BlastEntry[] = [];
  // A remote state the review cannot tie to a stack hides its readers: a failure, not a pass.
  for (const [stackName, stack] of head.stacks) {
    for (const [name, upstream] of remoteStateStacks(stack, names)) {
      if (upstream) continue;
      entries.push({
        stack: stackName,
        address: `data.terraform_remote_state.${name}`,
        action: 'read',
        outputs: [],
        readers: [],
        blocked: `the review cannot tell which stack the remote state ${name} of ${stackName} reads (its key or path names no stack of this output), so it cannot say what a change there breaks`,
      });
    }
  }
  for (const stackChange of changeSet.stacks) {
    // The exporting side: head outputs, or base outputs for a removed stack or resource.
    const exported = new Map<string, [string, string][]>([
      ...exportsOf(base?.stacks.get(stackChange.name) ?? {}),
      ...exportsOf(head.stacks.get(stackChange.name) ?? {}),
    ]);
    for (const change of stackChange.changes) {
      if (change.mode !== 'managed' || !['update', 'replace', 'delete'].includes(change.action)) continue;
      const outputs = [...exported]
        .filter(([, refs]) =>
          refs.some(([address, attribute]) => address === change.address && changedExport(change, attribute)),
        )
        .map(([name]) => name);
      if (outputs.length === 0) continue;
      const found = outputs.flatMap((o) => readers.get(`${stackChange.name}\u0000${o}`) ?? []);
      if (found.length === 0) continue;
      const holding = found.filter((r) => !r.releasedInPlan);
      const destroys = change.action === 'replace' || change.action === 'delete';
      const known = BLOCKED_WHILE_IN_USE[change.type];
      const blocked =
        !destroys || holding.length === 0
          ? undefined
          : known
            ? `${known}; ${holding.length} reader${holding.length === 1 ? '' : 's'} in ${[...new Set(holding.map((r) => r.stack))].join(', ')} keep using it and are not replaced in this plan`
            : `the review cannot tell whether AWS lets a ${change.type} be destroyed while ${holding.length} reader${holding.length === 1 ? '' : 's'} in ${[...new Set(holding.map((r) => r.stack))].join(', ')} use it: check before applying`;
      entries.push({
        stack: stackChange.name,
        address: change.address,
        action: change.action,
        outputs,
        readers: found,
        ...(blocked ? { blocked } : {}),
      });
    }
  }
  return entries;
}
