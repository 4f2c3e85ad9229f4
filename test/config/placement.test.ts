import { parseDocument } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scalableUnitSlots } from '../../config/capacity';
import { availableEnvironments, parseConfig } from '../../config/load';
import type { ColossusConfig } from '../../config/schema';
import { problemsOf } from './config-problems';

/** Explicit SU placement (config/placement.ts): messages, and the stability it exists for. */

const envFile = (name: string) => join(__dirname, '..', '..', 'config', 'environments', `${name}.yaml`);

function edited(name: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(readFileSync(envFile(name), 'utf8'));
  edit(doc);
  return doc.toString();
}

/** Every SU of every hall: cluster/hall/su -> tenant (or spare). */
function layout(config: ColossusConfig): Map<string, string> {
  const units = new Map<string, string>();
  for (const cluster of config.clusters) {
    for (const hall of cluster.halls) {
      for (const slot of scalableUnitSlots(cluster, hall)) {
        units.set(`${cluster.id}/${hall.id}/${slot.index}`, slot.tenantId ?? 'spare');
      }
    }
  }
  return units;
}

const alloc = (cluster: number, tenant: number, allocation: number) => [
  'clusters',
  cluster,
  'tenants',
  tenant,
  'allocations',
  allocation,
];

describe('placement rules', () => {
  it('accepts an allocation moved inside its hall, and places it where it says', () => {
    const text = edited('dev', (doc) => doc.setIn([...alloc(0, 0, 0), 'firstUnit'], 1));
    const config = parseConfig(text, 'test.yaml');
    const c1 = config.clusters[0]!;
    expect(scalableUnitSlots(c1, c1.halls[0]!).map((s) => s.tenantId)).toEqual([undefined, 'lab-alpha']);
  });

  it('rejects an allocation that runs past the end of its hall', () => {
    const problems = problemsOf(edited('dev', (doc) => doc.setIn([...alloc(0, 0, 0), 'firstUnit'], 2)));
    expect(problems).toContain(
      'clusters[colossus-1].tenants[lab-alpha].allocations[0].firstUnit: tenant lab-alpha is placed on su-002 but hall hall-a holds su-000..su-001 (2 SUs); an allocation must lie inside its hall',
    );
  });

  it('rejects two tenants placed on the same SU, naming both runs and the shared SUs', () => {
    const problems = problemsOf(
      edited('staging', (doc) => {
        // colossus-2 hall-b: lab-epsilon holds su-000, lab-delta su-001..su-002.
        doc.setIn([...alloc(1, 1, 0), 'firstUnit'], 0);
      }),
    );
    expect(problems).toContain(
      'clusters[colossus-2].tenants[lab-delta].allocations[0].firstUnit: tenant lab-delta is placed on su-000..su-001 in hall hall-b, which overlaps su-000 of tenant lab-epsilon (shared: su-000); an SU belongs to one tenant only',
    );
  });

  it('requires firstUnit on every allocation, so no SU is placed by file order', () => {
    const problems = problemsOf(edited('dev', (doc) => doc.deleteIn([...alloc(0, 0, 0), 'firstUnit'])));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^clusters\[colossus-1\]\.tenants\[lab-alpha\]\.allocations\[0\]\.firstUnit: /);
  });

  it('rejects a negative or fractional firstUnit', () => {
    for (const bad of [-1, 0.5]) {
      const problems = problemsOf(edited('dev', (doc) => doc.setIn([...alloc(0, 0, 0), 'firstUnit'], bad)));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^clusters\[colossus-1\]\.tenants\[lab-alpha\]\.allocations\[0\]\.firstUnit: /);
    }
  });
});

/** A block inside each cluster's supernet that no shipped environment uses. */
const FREE_CIDR: Record<string, string> = { 'colossus-1': '10.12.0.0/16', 'colossus-2': '10.28.0.0/16' };

describe.each(availableEnvironments())('environment %s: tenants added or removed anywhere move no SU', (name) => {
  const base = parseConfig(readFileSync(envFile(name), 'utf8'), `${name}.yaml`);
  const before = layout(base);

  it('inserting a tenant at the start and in the middle of every cluster changes no existing SU', () => {
    let inserted = 0;
    base.clusters.forEach((cluster, c) => {
      const hall = cluster.halls.find((h) => scalableUnitSlots(cluster, h).some((s) => !s.tenantId));
      if (!hall) return;
      const free = scalableUnitSlots(cluster, hall).find((s) => !s.tenantId)!.index;
      for (const at of [0, Math.floor(cluster.tenants.length / 2)]) {
        const text = edited(name, (doc) => {
          const tenants = doc.getIn(['clusters', c, 'tenants']) as { items: unknown[] };
          tenants.items.splice(
            at,
            0,
            doc.createNode({
              id: 'lab-inserted',
              displayName: 'Inserted lab',
              cidr: FREE_CIDR[cluster.id],
              allocations: [{ hall: hall.id, firstUnit: free, scalableUnits: 1 }],
              contractedGpus: 1,
              dataClassification: 'restricted',
            }),
          );
        });
        const after = layout(parseConfig(text, `${name}.yaml`));
        const newUnit = `${cluster.id}/${hall.id}/${free}`;
        expect(after.get(newUnit)).toBe('lab-inserted');
        expect([...after].filter(([unit]) => unit !== newUnit)).toEqual(
          [...before].filter(([unit]) => unit !== newUnit),
        );
        inserted += 1;
      }
    });
    expect(inserted).toBeGreaterThan(0);
  });

  it('removing the first tenant of a cluster only returns its own SUs to the spare pool', () => {
    const text = edited(name, (doc) => doc.deleteIn(['clusters', 0, 'tenants', 0]));
    const removed = base.clusters[0]!.tenants[0]!.id;
    const after = layout(parseConfig(text, `${name}.yaml`));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [unit, tenant] of before) {
      expect(after.get(unit)).toBe(
        tenant === removed && unit.startsWith(`${base.clusters[0]!.id}/`) ? 'spare' : tenant,
      );
    }
  });
});
