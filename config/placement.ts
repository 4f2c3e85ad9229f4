import type { ClusterConfig } from './schema';
import type { Problem } from './rules';

/**
 * Explicit SU placement. Each allocation names its first SU in the hall, so an SU's id (and so
 * its Terraform address and its tenant) never depends on the order of tenants in the file:
 * inserting or removing a tenant anywhere leaves every other tenant's SUs where they are, and
 * handing an SU to another tenant is a visible edit of firstUnit/scalableUnits.
 */

export interface PlacedRun {
  readonly tenantId: string;
  readonly hall: string;
  readonly first: number;
  /** One past the last SU of the run. */
  readonly end: number;
  readonly path: (string | number)[];
}

export function unitRange(first: number, count: number): string {
  const name = (i: number) => `su-${String(i).padStart(3, '0')}`;
  return count === 1 ? name(first) : `${name(first)}..${name(first + count - 1)}`;
}

export function placedRuns(cluster: ClusterConfig, path: (string | number)[] = []): PlacedRun[] {
  return cluster.tenants.flatMap((tenant, tenantIndex) =>
    tenant.allocations.map((allocation, index) => ({
      tenantId: tenant.id,
      hall: allocation.hall,
      first: allocation.firstUnit,
      end: allocation.firstUnit + allocation.scalableUnits,
      path: [...path, 'tenants', tenantIndex, 'allocations', index],
    })),
  );
}

export function checkPlacementRules(cluster: ClusterConfig, path: (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  const halls = new Map(cluster.halls.map((h) => [h.id, h]));
  const byHall = new Map<string, PlacedRun[]>();
  for (const run of placedRuns(cluster, path)) {
    const hall = halls.get(run.hall);
    // An unknown hall is reported by the cluster rules.
    if (!hall) continue;
    const range = unitRange(run.first, run.end - run.first);
    if (run.end > hall.scalableUnits) {
      problems.push({
        path: [...run.path, 'firstUnit'],
        message: `tenant ${run.tenantId} is placed on ${range} but hall ${hall.id} holds su-000..${unitRange(hall.scalableUnits - 1, 1)} (${hall.scalableUnits} SUs); an allocation must lie inside its hall`,
      });
    }
    const earlier = byHall.get(run.hall) ?? [];
    for (const other of earlier) {
      if (run.first < other.end && other.first < run.end) {
        const shared = unitRange(
          Math.max(run.first, other.first),
          Math.min(run.end, other.end) - Math.max(run.first, other.first),
        );
        problems.push({
          path: [...run.path, 'firstUnit'],
          message: `tenant ${run.tenantId} is placed on ${range} in hall ${run.hall}, which overlaps ${unitRange(other.first, other.end - other.first)} of tenant ${other.tenantId} (shared: ${shared}); an SU belongs to one tenant only`,
        });
      }
    }
    byHall.set(run.hall, [...earlier, run]);
  }
  return problems;
}
