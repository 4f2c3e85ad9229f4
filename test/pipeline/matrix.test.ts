import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ColossusError } from '../../config/errors';
import { parseConfig } from '../../config/load';
import { changedStacks } from '../../tools/pipeline/changes';
import { readDeclaredDependencies, stackGraph, type StackGraph } from '../../tools/pipeline/graph';
import { githubOutputs, graphText, pipelinePlan, planFromChanges, planText } from '../../tools/pipeline/matrix';
import { readSynthOutput } from '../../tools/review/synth-output';
import { synthToDir } from '../review/helpers/synth-dir';

/** Job matrices by wave, and the three sample changes of issue 15 on the staging environment. */

const graph: StackGraph = {
  environment: 'e',
  stacks: [
    { name: 'e-bootstrap', dependsOn: [], backend: 'local', wave: 0 },
    { name: 'e-net', dependsOn: ['e-bootstrap'], backend: 's3', wave: 1 },
    { name: 'e-alr', dependsOn: ['e-bootstrap'], backend: 's3', wave: 1 },
    { name: 'e-cmp', dependsOn: ['e-bootstrap', 'e-net'], backend: 's3', wave: 2 },
  ],
};

describe('pipelinePlan', () => {
  it('puts every shared-state stack in the matrix, by wave, and the local one aside', () => {
    const plan = pipelinePlan(graph, 'all', [], { maxWave: 3 });
    expect(plan.matrix.include).toEqual([
      { stack: 'e-alr', wave: 1 },
      { stack: 'e-net', wave: 1 },
      { stack: 'e-cmp', wave: 2 },
    ]);
    expect(plan.manual.map((m) => m.stack)).toEqual(['e-bootstrap']);
    expect(Object.fromEntries(Object.entries(plan.byWave).map(([w, m]) => [w, m.count]))).toEqual({
      'wave-0': 0,
      'wave-1': 2,
      'wave-2': 1,
      'wave-3': 0,
    });
    expect(plan.waves).toEqual([
      { wave: 1, stacks: ['e-alr', 'e-net'] },
      { wave: 2, stacks: ['e-cmp'] },
    ]);
  });

  it('plans nothing for an empty selection', () => {
    const plan = pipelinePlan(graph, [], []);
    expect(plan).toMatchObject({ count: 0, matrix: { include: [] }, waves: [] });
    expect(planText(plan)).toContain('e: no stack to plan');
  });

  it('refuses a stack in a wave the workflow has no job for', () => {
    expect(() => pipelinePlan(graph, 'all', [], { maxWave: 1 })).toThrow(ColossusError);
    expect(() => pipelinePlan(graph, 'all', [], { maxWave: 1 })).toThrow(
      'e-cmp: wave 2, after the last wave job (wave 1)',
    );
  });

  it('refuses a changed stack the graph does not hold', () => {
    expect(() => pipelinePlan(graph, [{ name: 'e-x', direct: true, reasons: [] }])).toThrow(
      'e-x: not a stack of the head synth',
    );
  });

  it('says which stacks are applied by hand and which are removed', () => {
    const text = planText(
      pipelinePlan(
        graph,
        [{ name: 'e-bootstrap', direct: true, reasons: ['1 resource change (1 update)'] }],
        ['e-old'],
      ),
    );
    expect(text).toContain('e-bootstrap: its state is on a local backend');
    expect(text).toContain('the pipeline never destroys a stack');
    expect(text).toContain('  e-old');
  });
});

describe('sample changes on staging (synthesized)', () => {
  const root = mkdtempSync(join(tmpdir(), 'colossus-pipeline-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const variant = (name: string, edits: [readonly (string | number)[], unknown][]) => {
    const file = join(__dirname, '..', '..', 'config', 'environments', 'staging.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    for (const [path, value] of edits) doc.setIn(path, value);
    return synthToDir(parseConfig(doc.toString(), `${name}.yaml`), join(root, name));
  };
  const baseDir = variant('base', []);
  const plan = (headDir: string) => {
    const head = readSynthOutput(headDir);
    const g = stackGraph(head, readDeclaredDependencies(headDir));
    return planFromChanges(g, changedStacks(readSynthOutput(baseDir), head, g), { maxWave: 3 });
  };

  it('has the deploy waves of the graph: bootstrap by hand, then three', () => {
    const g = stackGraph(readSynthOutput(baseDir), readDeclaredDependencies(baseDir));
    const text = graphText(g);
    expect(text).toContain('staging: 18 stacks in 4 deploy waves');
    expect(g.stacks.filter((s) => s.wave === 3).map((s) => s.name)).toEqual([
      'staging-colossus-1-compute-hall-a',
      'staging-colossus-1-compute-hall-b',
      'staging-colossus-2-compute-hall-a',
      'staging-colossus-2-compute-hall-b',
    ]);
  });

  it('an unchanged head plans nothing', () => {
    expect(plan(variant('same', [])).count).toBe(0);
  });

  it("one hall: a spare scalable unit taken out of one hall plans that hall's compute, and the cluster's capacity alarms", () => {
    const p = plan(variant('hall', [[['clusters', 0, 'halls', 0, 'scalableUnits'], 3]]));
    // The spare pool's GPU count is the threshold of its node-health alarm (capacity stack).
    expect(p.matrix.include.map((e) => e.stack)).toEqual([
      'staging-colossus-1-capacity',
      'staging-colossus-1-compute-hall-a',
    ]);
  });

  it("one tenant: its classification reaches the tenancy stack and its hall's compute", () => {
    const p = plan(variant('tenant', [[['clusters', 0, 'tenants', 0, 'dataClassification'], 'restricted']]));
    // The tenant's capacity alarms carry its classification tag too.
    expect(p.matrix.include.map((e) => e.stack)).toEqual([
      'staging-colossus-1-capacity',
      'staging-colossus-1-tenancy',
      'staging-colossus-1-compute-hall-a',
    ]);
  });

  it("downstream of a changed output: a tenant's new address block replaces its VPC, so the hall reading its subnet is planned too", () => {
    const headDir = variant('tenant-cidr', [[['clusters', 0, 'tenants', 0, 'cidr'], '10.6.0.0/18']]);
    const head = readSynthOutput(headDir);
    const g = stackGraph(head, readDeclaredDependencies(headDir));
    const changes = changedStacks(readSynthOutput(baseDir), head, g);
    const hall = changes.changed.find((c) => c.name === 'staging-colossus-1-compute-hall-a');
    // The hall's own configuration is identical: only what it reads changes.
    expect(hall).toMatchObject({ direct: false });
    expect(hall?.reasons).toContain('reads lab_alpha_hall_a_subnet_id of staging-colossus-1-tenancy, which changes');
    expect(changes.changed.map((c) => c.name)).toEqual([
      'staging-colossus-1-compute-hall-a',
      'staging-colossus-1-tenancy',
    ]);
  });

  it('default tags: every stack, the bootstrap one by hand', () => {
    const p = plan(variant('tags', [[['environment', 'tags', 'team'], 'gpu-platform']]));
    expect(p.count).toBe(17);
    expect(p.manual.map((m) => m.stack)).toEqual(['staging-bootstrap']);
    expect(p.waves.map((w) => w.stacks.length)).toEqual([5, 8, 4]);
  });
});

describe('githubOutputs', () => {
  it('writes one name=value line per output, JSON on one line, for GITHUB_OUTPUT', () => {
    const lines = githubOutputs(pipelinePlan(graph, 'all', [], { maxWave: 2 }))
      .trimEnd()
      .split('\n');
    expect(lines).toEqual([
      'matrix={"include":[{"stack":"e-alr","wave":1},{"stack":"e-net","wave":1},{"stack":"e-cmp","wave":2}]}',
      'count=3',
      'wave-0={"include":[]}',
      'count-wave-0=0',
      'wave-1={"include":[{"stack":"e-alr","wave":1},{"stack":"e-net","wave":1}]}',
      'count-wave-1=2',
      'wave-2={"include":[{"stack":"e-cmp","wave":2}]}',
      'count-wave-2=1',
      'stacks=e-alr e-net e-cmp',
      'manual=e-bootstrap',
      'removed=',
    ]);
  });
});
