import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpusPerScalableUnit, scalableUnitSlots } from '../../config/capacity';
import { cduIds } from '../../config/cooling';
import { ColossusError } from '../../config/errors';
import { loadConfig } from '../../config/load';
import { powerDomains } from '../../config/power';
import {
  assertContractedCapacity,
  clusterResilience,
  enumerateFailures,
  shedOrder,
  unitsToShed,
} from '../../config/resilience';
import type { ColossusConfig } from '../../config/schema';
import {
  groupScenarios,
  resilienceJson,
  resilienceMarkdown,
  writeResilienceReports,
} from '../../policy/resilience/report';

/** A parsed config changed after validation: the proof must stand on its own, not lean on the schema. */
function mutated(name: string, change: (config: ColossusConfig) => void): ColossusConfig {
  const config = structuredClone(loadConfig({ environment: name }));
  change(config);
  return config;
}

describe('shedding', () => {
  it('sheds spare SUs before tenant SUs, the last placed first', () => {
    const slots = [
      { index: 0, hallId: 'h', tenantId: 't1' },
      { index: 1, hallId: 'h', tenantId: 't2' },
      { index: 2, hallId: 'h', tenantId: undefined },
      { index: 3, hallId: 'h', tenantId: undefined },
    ];
    expect(shedOrder(slots).map((s) => s.index)).toEqual([3, 2, 1, 0]);
  });

  it('sheds the fewest whole SUs that bring the load within capacity', () => {
    expect(unitsToShed(100, 100, 10, 10)).toBe(0);
    expect(unitsToShed(100, 99, 10, 10)).toBe(1);
    expect(unitsToShed(100, 80, 10, 10)).toBe(2);
    expect(unitsToShed(100, 79, 10, 10)).toBe(3);
    expect(unitsToShed(100, 0, 10, 4)).toBe(4);
  });
});

describe('enumerateFailures', () => {
  it.each(['dev', 'staging', 'prod'])(
    '%s: baseline, every feed and every CDU of every hall, and no contract broken',
    (name) => {
      const config = loadConfig({ environment: name });
      for (const cluster of config.clusters) {
        const scenarios = enumerateFailures(cluster);
        const expected = [
          'baseline',
          ...powerDomains(cluster.power).flatMap((d) => d.feeds.map((f) => `feed:${f.id}`)),
          ...cluster.halls.flatMap((h) => cduIds(cluster.cooling).map((c) => `cdu:${h.id}:${c}`)),
        ];
        expect(scenarios.map((s) => s.id)).toEqual(expected);
        for (const s of scenarios) {
          expect(s.tenants.map((t) => t.tenantId)).toEqual(cluster.tenants.map((t) => t.id));
          for (const t of s.tenants) expect(t.meetsContract).toBe(true);
          for (const impact of s.impacts) expect(impact.marginKw).toBeGreaterThanOrEqual(0);
        }
      }
      expect(() => assertContractedCapacity(config)).not.toThrow();
    },
  );

  it('reports headroom as surviving minus contracted GPUs', () => {
    const config = loadConfig({ environment: 'prod' });
    const cluster = config.clusters[1]!;
    const baseline = enumerateFailures(cluster)[0]!;
    for (const tenant of cluster.tenants) {
      const outcome = baseline.tenants.find((t) => t.tenantId === tenant.id)!;
      const units = tenant.allocations.reduce((sum, a) => sum + a.scalableUnits, 0);
      expect(outcome.survivingGpus).toBe(units * gpusPerScalableUnit(cluster.fabric));
      expect(outcome.headroomGpus).toBe(outcome.survivingGpus - tenant.contractedGpus);
    }
  });

  it('a CDU loss one SU short sheds the spare SU and no tenant loses anything', () => {
    // dev colossus-1 hall-a: 2 SUs (one tenant, one spare) of 68 kW liquid heat each.
    const config = mutated('dev', (c) => {
      c.clusters[0]!.cooling.cduCapacityKw = 80;
    });
    const cluster = config.clusters[0]!;
    const cdu = enumerateFailures(cluster).find((s) => s.kind === 'cdu')!;
    const spares = scalableUnitSlots(cluster, cluster.halls[0]!).filter((s) => !s.tenantId).length;
    expect(cdu.impacts[0]).toMatchObject({ shedSpareUnits: Math.min(1, spares), shedTenantUnits: {} });
    expect(cdu.tenants.every((t) => t.meetsContract)).toBe(true);
    expect(() => assertContractedCapacity(config)).not.toThrow();
  });

  it('fails synth naming the CDU failure and the tenant it takes below contract', () => {
    const config = mutated('dev', (c) => {
      c.clusters[0]!.cooling.cduCapacityKw = 50;
    });
    expect(() => assertContractedCapacity(config)).toThrow(ColossusError);
    expect(() => assertContractedCapacity(config)).toThrow(
      'clusters[colossus-1]: cdu-01 of hall hall-a lost [cdu:hall-a:cdu-01] leaves tenant lab-alpha 0 GPUs, below its contracted 16',
    );
  });

  it('fails synth naming the feed failure and the tenant it takes below contract', () => {
    const config = mutated('dev', (c) => {
      for (const feed of c.clusters[1]!.power.feeds) feed.capacityMw = 0.05;
    });
    const feeds = config.clusters[1]!.power.feeds.map((f) => f.id);
    let message = '';
    try {
      assertContractedCapacity(config);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('a single failure takes a tenant below its contracted GPUs');
    for (const feed of feeds) {
      expect(message).toContain(
        `clusters[colossus-2]: power feed ${feed} lost (serves hall-a) [feed:${feed}] leaves tenant lab-delta 0 GPUs, below its contracted 72`,
      );
    }
    // The baseline sheds the spare SU only: no breach line for it.
    expect(message).not.toContain('[baseline]');
  });
});

describe('resilience report', () => {
  const prod = loadConfig({ environment: 'prod' });

  it('JSON carries the verdict, every scenario and each tenant worst case', () => {
    for (const cluster of prod.clusters) {
      const resilience = clusterResilience(prod, cluster);
      const json = JSON.parse(resilienceJson(resilience)) as {
        verdict: string;
        scenarios: unknown[];
        tenants: { tenantId: string; worstHeadroomGpus: number }[];
      };
      expect(json.verdict).toBe('pass');
      expect(json.scenarios).toHaveLength(resilience.scenarios.length);
      expect(json.tenants.map((t) => t.tenantId)).toEqual(cluster.tenants.map((t) => t.id));
      for (const t of json.tenants) {
        const minimum = Math.min(
          ...resilience.scenarios.flatMap((s) =>
            s.tenants.filter((x) => x.tenantId === t.tenantId).map((x) => x.headroomGpus),
          ),
        );
        expect(t.worstHeadroomGpus).toBe(minimum);
      }
    }
  });

  it('Markdown groups identical scenarios so a person can read it', () => {
    const cluster = prod.clusters[1]!;
    const resilience = clusterResilience(prod, cluster);
    const markdown = resilienceMarkdown(resilience);
    expect(markdown).toContain(`# Resilience report: prod ${cluster.id}`);
    expect(markdown).toContain('**Verdict: pass.**');
    // One section per group of identical outcomes: the baseline, each power domain, each hall's CDUs.
    const groups = groupScenarios(resilience.scenarios);
    expect(groups).toHaveLength(1 + powerDomains(cluster.power).length + cluster.halls.length);
    expect(markdown.match(/^### /gm)).toHaveLength(groups.length);
    for (const hall of cluster.halls) {
      expect(markdown).toContain(
        `### ${cluster.cooling.cdusPerHall} scenarios with the same outcome: cdu:${hall.id}:cdu-01 … cdu:${hall.id}:${cduIds(cluster.cooling).at(-1)}`,
      );
    }
    for (const tenant of cluster.tenants) expect(markdown).toContain(`| ${tenant.id} |`);
  });

  it('Markdown shows a broken contract', () => {
    const config = mutated('dev', (c) => {
      c.clusters[0]!.cooling.cduCapacityKw = 50;
    });
    const markdown = resilienceMarkdown(clusterResilience(config, config.clusters[0]!));
    expect(markdown).toContain('**Verdict: FAIL.**');
    expect(markdown).toContain('**BROKEN**');
  });

  it('writes a JSON and a Markdown report per cluster into the output folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resilience-'));
    try {
      const config = loadConfig({ environment: 'dev' });
      const paths = writeResilienceReports(config, dir);
      expect(paths).toEqual(
        config.clusters.flatMap((c) => [
          join(dir, 'resilience', `dev-${c.id}.json`),
          join(dir, 'resilience', `dev-${c.id}.md`),
        ]),
      );
      for (const path of paths) expect(readFileSync(path, 'utf8').length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
