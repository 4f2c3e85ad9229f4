import { INSTANCE_TYPES } from '../../config/instance-types';
import { UNKNOWN, type ChangeSet, type ResourceChange } from './change-set';

/**
 * Capacity moves: a scalable unit that exists on both sides (same stack, same SU) but whose
 * tenant changes. The SU keeps its address, so Terraform updates it in place: the nodes of one
 * tenant (or the spare pool) now serve another, which is the change a reviewer must see first.
 * An SU is recognised by its `scalable-unit` tag on any resource of its construct (launch
 * template, auto scaling group `tag` blocks, capacity reservation), so emulator environments
 * without reservations are covered too.
 */

/** The spare pool's tenant tag (stacks/compute-stack.ts). */
const SPARE = 'unallocated';

export interface CapacityMove {
  readonly stack: string;
  readonly cluster: string;
  readonly hall: string;
  readonly unit: string;
  /** Tenant ids; `unallocated` is the spare pool. */
  readonly from: string;
  readonly to: string;
  readonly fromClassification: string;
  readonly toClassification: string;
  /** GPUs in the SU, or null when a count or instance type is unknown. */
  readonly gpus: number | null;
}

type Side = Readonly<Record<string, unknown>>;

/** Tags of a side: tags_all, tags, and an ASG's list of `tag` blocks. */
export function sideTags(side: Side): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (obj: unknown) => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return;
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v;
  };
  put(side.tags_all);
  put(side.tags);
  if (Array.isArray(side.tag)) {
    for (const t of side.tag as unknown[]) {
      const { key, value } = (t ?? {}) as { key?: unknown; value?: unknown };
      if (typeof key === 'string' && typeof value === 'string') out[key] = value;
    }
  }
  return out;
}

export interface UnitFacts {
  tenant?: string;
  classification?: string;
  cluster?: string;
  hall?: string;
  instanceType?: string;
  nodes?: number;
}

/** Facts per SU (key: stack NUL unit) from the side `pick` returns. */
export function collect(changes: readonly ResourceChange[], pick: (c: ResourceChange) => Side | null) {
  const units = new Map<string, UnitFacts>();
  for (const change of changes) {
    if (change.mode !== 'managed') continue;
    const side = pick(change);
    if (!side) continue;
    const tags = sideTags(side);
    const unit = tags['scalable-unit'];
    if (!unit) continue;
    const key = `${change.stack}\u0000${unit}`;
    const facts = units.get(key) ?? {};
    units.set(key, facts);
    facts.tenant ??= tags.tenant;
    facts.classification ??= tags['data-classification'];
    facts.cluster ??= tags.cluster;
    facts.hall ??= tags.hall;
    if (typeof side.instance_type === 'string' && side.instance_type !== UNKNOWN)
      facts.instanceType ??= side.instance_type;
    const count = change.type === 'aws_autoscaling_group' ? side.max_size : side.instance_count;
    if (typeof count === 'number') facts.nodes ??= count;
  }
  return units;
}

export function unitGpus(facts: UnitFacts): number | null {
  const perNode = facts.instanceType
    ? (INSTANCE_TYPES as Record<string, { gpus: number } | undefined>)[facts.instanceType]?.gpus
    : undefined;
  return perNode !== undefined && facts.nodes !== undefined ? perNode * facts.nodes : null;
}

export function capacityMoves(changeSet: ChangeSet): CapacityMove[] {
  const all = changeSet.stacks.flatMap((s) => s.changes);
  const before = collect(all, (c) => c.before);
  const after = collect(
    all.filter((c) => c.action !== 'delete' && c.action !== 'forget'),
    (c) => c.after,
  );
  const moves: CapacityMove[] = [];
  for (const [key, was] of before) {
    const now = after.get(key);
    if (!now || !was.tenant || !now.tenant || was.tenant === now.tenant) continue;
    const [stack = '', unit = ''] = key.split('\u0000');
    const perNode = now.instanceType
      ? (INSTANCE_TYPES as Record<string, { gpus: number } | undefined>)[now.instanceType]?.gpus
      : undefined;
    moves.push({
      stack,
      cluster: now.cluster ?? stack,
      hall: now.hall ?? '(no hall tag)',
      unit,
      from: was.tenant,
      to: now.tenant,
      fromClassification: was.tenant === SPARE ? 'spare' : (was.classification ?? 'unknown'),
      toClassification: now.tenant === SPARE ? 'spare' : (now.classification ?? 'unknown'),
      gpus: perNode !== undefined && now.nodes !== undefined ? perNode * now.nodes : null,
    });
  }
  return moves.sort(
    (a, b) => a.cluster.localeCompare(b.cluster) || a.hall.localeCompare(b.hall) || a.unit.localeCompare(b.unit),
  );
}
