import { loadConfig } from '../../config/load';
import { placeUnits, tenantUnits, unitNameOf } from '../../stacks/capacity-units';
import { scalableUnitId } from '../../stacks/compute-stack';
import { planStacks } from '../../stacks/sharding';
import { resourcesOf, synthEnvironment } from '../helpers/synth';

describe.each(['dev', 'staging', 'prod'])('placing SUs in compute stacks: %s', (environment) => {
  const config = loadConfig({ environment });
  const plans = planStacks(config);
  const placed = placeUnits(config, plans);

  it('places every SU of every hall once, in the compute part whose range holds its index', () => {
    const expectedCount = config.clusters.reduce((n, c) => n + c.halls.reduce((m, h) => m + h.scalableUnits, 0), 0);
    expect(placed).toHaveLength(expectedCount);
    expect(new Set(placed.map((u) => u.name)).size).toBe(expectedCount);
    for (const unit of placed) {
      const holders = plans.filter(
        (p) =>
          p.layer === 'compute' &&
          p.cluster.id === unit.clusterId &&
          p.hall.id === unit.hallId &&
          unit.index >= p.units.first &&
          unit.index < p.units.first + p.units.count,
      );
      expect(holders.map((p) => p.name)).toEqual([unit.computeStack]);
      expect(unit.unitId).toBe(scalableUnitId(unit.index));
      expect(unit.name).toBe(
        `${config.environment.name}-${unit.clusterId}-${unit.hallId}-${scalableUnitId(unit.index)}`,
      );
    }
  });

  it('gives each tenant exactly the SUs of its allocations', () => {
    for (const cluster of config.clusters) {
      for (const tenant of cluster.tenants) {
        const names = tenantUnits(placed, cluster.id, tenant.id)
          .map((u) => u.name)
          .sort();
        const expected = tenant.allocations
          .flatMap((a) =>
            Array.from({ length: a.scalableUnits }, (_, i) =>
              unitNameOf(config.environment.name, cluster.id, a.hall, a.firstUnit + i),
            ),
          )
          .sort();
        expect(names).toEqual(expected);
      }
    }
  });
});

describe('placed SUs against the synthesized dev environment', () => {
  it('names an auto scaling group that the named compute stack creates, with the tenant tag', () => {
    const { config, stacks } = synthEnvironment('dev');
    const placed = placeUnits(config);
    expect(placed.length).toBeGreaterThan(0);
    for (const unit of placed) {
      const json = stacks.get(unit.computeStack);
      expect(json).toBeDefined();
      const asgs = Object.values(resourcesOf(json!, 'aws_autoscaling_group')).filter((a) => a.name === unit.name);
      expect(asgs).toHaveLength(1);
      const tags = asgs[0]!.tag as { key: string; value: string }[];
      expect(tags.find((t) => t.key === 'tenant')?.value).toBe(unit.tenantId ?? 'unallocated');
    }
  });
});

describe('placing SUs fails closed', () => {
  it('refuses an SU that no compute stack holds', () => {
    const config = loadConfig({ environment: 'dev' });
    const plans = planStacks(config).filter((p) => !(p.layer === 'compute' && p.cluster.id === 'colossus-2'));
    expect(() => placeUnits(config, plans)).toThrow('colossus-2 hall-a su-000: no compute stack holds this SU');
  });
});
