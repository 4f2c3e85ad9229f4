import { clusterCapacity } from '../../config/capacity';
import { loadConfig } from '../../config/load';
import { capacityMarkdown } from '../../policy/capacity/report';
import { planStacks } from '../../stacks/sharding';

describe('capacity stacks and report', () => {
  it.each(['dev', 'staging', 'prod', 'emulator'])(
    '%s: every cluster with tenants gets its capacity stack',
    (environment) => {
      const config = loadConfig({ environment });
      const names = planStacks(config)
        .filter((p) => p.layer === 'capacity')
        .map((p) => p.name);
      const expected = config.clusters
        .filter((c) => c.tenants.length > 0)
        .map((c) => `${environment}-${c.id}-capacity`);
      expect(expected.length).toBeGreaterThan(0);
      expect(names).toEqual(expected);
    },
  );

  it('reports, per tenant of prod, the contract, allocation, ticket line, SLO and its alarms', () => {
    const config = loadConfig({ environment: 'prod' });
    for (const cluster of config.clusters) {
      const markdown = capacityMarkdown(config, cluster.id);
      for (const t of clusterCapacity(cluster).tenants) {
        const row = markdown.split('\n').find((l) => l.startsWith(`| ${t.tenantId} |`));
        expect(row).toContain(
          `| ${t.contractedGpus.toLocaleString('en-US')} | ${t.allocatedGpus.toLocaleString('en-US')} (${t.allocatedUnits}) |`,
        );
        expect(markdown).toContain(`\`prod-${cluster.id}-${t.tenantId}-below-contract\``);
      }
      for (const hall of cluster.halls) expect(markdown).toMatch(new RegExp(`^\\| ${hall.id} \\|`, 'm'));
    }
  });
});
