import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTANCE_TYPES } from '../../config/instance-types';
import { nodesPerScalableUnit } from '../../config/capacity';
import { planStacks } from '../../stacks/sharding';
import { diagramModel } from '../../tools/diagram/model';
import { capacityGraph, capacityTable, diagramMarkdown, stackGraph } from '../../tools/diagram/mermaid';
import { synthEnvironment } from '../helpers/synth';

const root = join(__dirname, '..', '..');

describe.each(['dev', 'staging'])('diagram of %s', (name) => {
  const env = synthEnvironment(name);
  const model = diagramModel(env.stacks);

  it('draws every stack the sharding plan lists, in its cluster', () => {
    const plan = planStacks(env.config);
    expect(model.stacks.map((s) => s.name)).toEqual(plan.map((p) => p.name));
    for (const p of plan) {
      const node = model.stacks.find((s) => s.name === p.name)!;
      expect(node.cluster).toBe('cluster' in p ? p.cluster.id : undefined);
    }
  });

  it('orders stacks by the state they read, and hangs every cluster off the state bucket where there is one', () => {
    const bootstrap = `${name}-bootstrap`;
    const hasBootstrap = env.stacks.has(bootstrap);
    for (const cluster of env.config.clusters) {
      const prefix = `${name}-${cluster.id}`;
      const node = (suffix: string) => model.stacks.find((s) => s.name === `${prefix}-${suffix}`)!;
      expect(node('tenancy').reads).toEqual([`${prefix}-network`]);
      for (const hall of cluster.halls) {
        expect(node(`compute-${hall.id}`).reads).toEqual([`${prefix}-network`, `${prefix}-tenancy`]);
        expect(node(`monitoring-${hall.id}`).reads).toEqual([`${prefix}-alerting`]);
      }
      expect(node('network').stateIn).toBe(hasBootstrap ? bootstrap : undefined);
    }
    const graph = stackGraph(model);
    expect(graph).toContain(`s_${name}_colossus_1_network --> s_${name}_colossus_1_tenancy`);
    expect(graph.includes(`s_${name}_bootstrap -.->|state| c_colossus_1`)).toBe(hasBootstrap);
  });

  it('gives each tenant its allocation in every hall, and the spare pool the rest, in units and GPUs', () => {
    for (const cluster of env.config.clusters) {
      const gpusPerUnit = nodesPerScalableUnit(cluster.fabric) * INSTANCE_TYPES[cluster.fabric.instanceType].gpus;
      for (const hall of cluster.halls) {
        const cells = model.allocations.filter((a) => a.cluster === cluster.id && a.hall === hall.id);
        const expected = cluster.tenants.flatMap((t) =>
          t.allocations.filter((a) => a.hall === hall.id).map((a) => [t.id, a.scalableUnits] as const),
        );
        const allocated = expected.reduce((n, [, units]) => n + units, 0);
        if (hall.scalableUnits > allocated) expected.push(['unallocated', hall.scalableUnits - allocated]);
        expect(cells.map((c) => [c.tenant, c.units])).toEqual(
          [...expected].sort((a, b) =>
            a[0] === 'unallocated' ? 1 : b[0] === 'unallocated' ? -1 : a[0].localeCompare(b[0]),
          ),
        );
        for (const cell of cells) {
          expect(cell.gpus).toBe(cell.units * gpusPerUnit);
          expect(cell.availabilityZone).toBe(hall.availabilityZone);
        }
      }
    }
  });

  it('declares every node an edge uses, and shows the table the graph draws', () => {
    for (const graph of [stackGraph(model), capacityGraph(model)]) {
      const declared = new Set([...graph.matchAll(/^\s*(?:subgraph )?([a-z]_[A-Za-z0-9_]+)[[(]/gm)].map((m) => m[1]));
      const used = [...graph.matchAll(/^\s*([a-z]_[A-Za-z0-9_]+) -\S*>(?:\|[^|]*\|)? ([a-z]_[A-Za-z0-9_]+)$/gm)];
      expect(used.length).toBeGreaterThan(0);
      for (const [, from, to] of used) {
        expect(declared).toContain(from);
        expect(declared).toContain(to);
      }
    }
    const table = capacityTable(model);
    expect(table.split('\n')).toHaveLength(model.allocations.length + 2);
    expect(diagramMarkdown(model, 'out')).toContain('```mermaid\nflowchart LR');
  });
});

describe('npm run diagram', () => {
  it('names the folder and what to do when it holds no synth output', () => {
    const empty = mkdtempSync(join(tmpdir(), 'colossus-diagram-'));
    try {
      const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tools', 'diagram.ts'), empty], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`diagram: no synthesized stacks in ${empty}:`);
      expect(result.stderr).toContain('run a synth first (npm run synth) and pass its output folder');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
