import { INSTANCE_TYPES } from '../../config/instance-types';
import { UNKNOWN, type ChangeSet, type ResourceChange } from './change-set';
import { capacityMoves, collect, unitGpus, type CapacityMove } from './moves';

/**
 * What a change means for the clusters: GPUs and scalable units per tenant and hall (from
 * capacity reservations: instance_count x GPUs per node of the instance type, located by
 * the tenant, hall and scalable-unit tags), reservations changed, alarms added or removed.
 */

/** The spare pool's tenant tag (compute-stack.ts). */
export const UNALLOCATED = 'unallocated';

export interface CapacityRow {
  readonly cluster: string;
  readonly hall: string;
  readonly tenant: string;
  readonly unitsBefore: number;
  readonly unitsAfter: number;
  readonly gpusBefore: number;
  readonly gpusAfter: number;
  /** A count, type or tag was unknown on some reservation: the after figures are a floor. */
  readonly unknown: boolean;
}

export interface ReservationChange {
  readonly stack: string;
  readonly address: string;
  readonly action: ResourceChange['action'];
  readonly name: string;
  readonly before?: ReservationFacts;
  readonly after?: ReservationFacts;
}

export interface ReservationFacts {
  readonly cluster: string;
  readonly hall: string;
  readonly tenant: string;
  readonly unit: string;
  readonly instanceType: string;
  readonly instanceCount: number | null;
  readonly availabilityZone: string;
  readonly gpus: number | null;
}

export interface AlarmChange {
  readonly stack: string;
  readonly address: string;
  readonly action: ResourceChange['action'];
  readonly name: string;
  readonly kind: 'metric' | 'composite';
  /** Settings that changed (threshold, periods, actions…), masked like every value. */
  readonly settings: readonly { path: string; before?: unknown; after?: unknown }[];
}

export interface DomainDeltas {
  /** SUs handed from one tenant (or the spare pool) to another: the review's first lines. */
  readonly moves: readonly CapacityMove[];
  readonly capacity: readonly CapacityRow[];
  readonly reservations: readonly ReservationChange[];
  readonly alarms: readonly AlarmChange[];
}

const RESERVATION = 'aws_ec2_capacity_reservation';
// An SU bought as Capacity Blocks holds its capacity in a capacity reservation group, tagged
// with its instance type, count and zone (constructs/compute/scalable-unit.ts).
const BLOCK_GROUP = 'aws_resourcegroups_group';

function holdsCapacity(change: Pick<ResourceChange, 'type' | 'before' | 'after'>): boolean {
  if (change.type === RESERVATION) return true;
  if (change.type !== BLOCK_GROUP) return false;
  return [change.before, change.after].some((side) => side && tagsOf(side)['capacity-model'] === 'capacity-block');
}
const ALARMS: Record<string, AlarmChange['kind']> = {
  aws_cloudwatch_metric_alarm: 'metric',
  aws_cloudwatch_composite_alarm: 'composite',
};

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' && value !== UNKNOWN ? value : fallback;
}

function tagsOf(side: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const all = side.tags_all;
  const own = side.tags;
  return {
    ...(typeof all === 'object' && all !== null ? (all as Record<string, unknown>) : {}),
    ...(typeof own === 'object' && own !== null ? (own as Record<string, unknown>) : {}),
  };
}

export function reservationFacts(side: Readonly<Record<string, unknown>>, stack: string): ReservationFacts {
  const tags = tagsOf(side);
  const instanceType = text(side.instance_type ?? tags['instance-type'], UNKNOWN);
  const countTag = tags['instance-count'];
  const count =
    typeof side.instance_count === 'number'
      ? side.instance_count
      : typeof countTag === 'string' && /^\d+$/.test(countTag)
        ? Number(countTag)
        : null;
  const perNode = (INSTANCE_TYPES as Record<string, { gpus: number } | undefined>)[instanceType]?.gpus;
  return {
    cluster: text(tags.cluster, stack),
    hall: text(tags.hall, '(no hall tag)'),
    tenant: text(tags.tenant, '(no tenant tag)'),
    unit: text(tags['scalable-unit'], text(tags.Name, '(no scalable-unit tag)')),
    instanceType,
    instanceCount: count,
    availabilityZone: text(side.availability_zone ?? tags['availability-zone'], UNKNOWN),
    gpus: count !== null && perNode !== undefined ? count * perNode : null,
  };
}

export function capacityRows(changes: readonly ResourceChange[]): CapacityRow[] {
  const rows = new Map<string, { -readonly [K in keyof CapacityRow]: CapacityRow[K] }>();
  const row = (facts: ReservationFacts) => {
    const key = JSON.stringify([facts.cluster, facts.hall, facts.tenant]);
    let found = rows.get(key);
    if (!found) {
      found = {
        cluster: facts.cluster,
        hall: facts.hall,
        tenant: facts.tenant,
        unitsBefore: 0,
        unitsAfter: 0,
        gpusBefore: 0,
        gpusAfter: 0,
        unknown: false,
      };
      rows.set(key, found);
    }
    return found;
  };
  for (const change of changes) {
    if (!holdsCapacity(change) || change.mode !== 'managed') continue;
    if (change.before) {
      const facts = reservationFacts(change.before, change.stack);
      const r = row(facts);
      r.unitsBefore += 1;
      r.gpusBefore += facts.gpus ?? 0;
    }
    if (change.after && change.action !== 'forget') {
      const facts = reservationFacts(change.after, change.stack);
      const r = row(facts);
      r.unitsAfter += 1;
      r.gpusAfter += facts.gpus ?? 0;
      if (facts.gpus === null) r.unknown = true;
    }
  }
  // Stacks without reservations or Capacity Block groups (an emulator gap) are counted from their
  // SUs' launch templates and auto scaling groups instead.
  const withReservations = new Set(changes.filter((c) => holdsCapacity(c)).map((c) => c.stack));
  const rest = changes.filter((c) => !withReservations.has(c.stack));
  const sides = [
    [collect(rest, (c) => c.before), 'before'],
    [
      collect(
        rest.filter((c) => c.action !== 'delete' && c.action !== 'forget'),
        (c) => c.after,
      ),
      'after',
    ],
  ] as const;
  for (const [units, side] of sides) {
    for (const [key, facts] of units) {
      const stack = key.split('\u0000')[0] ?? '';
      const r = row({
        cluster: facts.cluster ?? stack,
        hall: facts.hall ?? '(no hall tag)',
        tenant: facts.tenant ?? '(no tenant tag)',
      } as ReservationFacts);
      const gpus = unitGpus(facts);
      if (side === 'before') {
        r.unitsBefore += 1;
        r.gpusBefore += gpus ?? 0;
      } else {
        r.unitsAfter += 1;
        r.gpusAfter += gpus ?? 0;
        if (gpus === null) r.unknown = true;
      }
    }
  }
  return [...rows.values()].sort(
    (a, b) => a.cluster.localeCompare(b.cluster) || a.hall.localeCompare(b.hall) || a.tenant.localeCompare(b.tenant),
  );
}

function settingsOf(change: ResourceChange): AlarmChange['settings'] {
  return change.attributes
    .filter((a) => !a.path.startsWith('tags'))
    .map((a) => ({
      path: a.path,
      ...('before' in a ? { before: a.before } : {}),
      ...('after' in a ? { after: a.after } : {}),
    }));
}

export function domainDeltas(changeSet: ChangeSet): DomainDeltas {
  const all = changeSet.stacks.flatMap((s) => s.changes);
  const changed = all.filter((c) => c.mode === 'managed' && c.action !== 'no-op' && c.action !== 'read');
  return {
    moves: capacityMoves(changeSet),
    capacity: capacityRows(all),
    reservations: changed
      .filter((c) => holdsCapacity(c))
      .map((c) => {
        const before = c.before ? reservationFacts(c.before, c.stack) : undefined;
        const after = c.after && c.action !== 'forget' ? reservationFacts(c.after, c.stack) : undefined;
        return {
          stack: c.stack,
          address: c.address,
          action: c.action,
          name: text(tagsOf(c.after ?? c.before ?? {}).Name, c.address),
          ...(before ? { before } : {}),
          ...(after ? { after } : {}),
        };
      }),
    alarms: changed
      .filter((c) => ALARMS[c.type])
      .map((c) => ({
        stack: c.stack,
        address: c.address,
        action: c.action,
        name: text((c.after ?? c.before)?.alarm_name, c.address),
        kind: ALARMS[c.type] ?? 'metric',
        settings: settingsOf(c),
      })),
  };
}

/** Rows whose units or GPUs change. */
export function changedCapacity(rows: readonly CapacityRow[]): CapacityRow[] {
  return rows.filter((r) => r.unitsBefore !== r.unitsAfter || r.gpusBefore !== r.gpusAfter || r.unknown);
}
