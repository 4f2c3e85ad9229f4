import { Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import type { ColossusConfig } from '../../config/schema';
import { buildStacks, preflight } from '../../stacks/build';
import { ComputeStack } from '../../stacks/compute-stack';
import { MonitoringStack } from '../../stacks/monitoring-stack';
import { estimatePlanSeconds, PLAN_BUDGET_SECONDS, type PlanCostModel } from '../../stacks/plan-cost';
import { stackResourceCounts } from '../../stacks/resource-count';
import { MAX_RESOURCES_PER_STACK, planStacks, splitUnits, stackName } from '../../stacks/sharding';
import { configFromYaml, synthStack, type SynthJson } from '../helpers/synth';

const MODEL: PlanCostModel = {
  fixedSeconds: 4,
  secondsPerResource: { a: 0.5, b: 0.25 },
  defaultSecondsPerResource: 0.1,
  secondsPerBlock: { 'a.nic': 0.01 },
};

describe('estimatePlanSeconds', () => {
  it('adds the fixed cost, each type by its weight, unknown types by the default and priced blocks', () => {
    expect(estimatePlanSeconds({ resources: {}, blocks: {} }, MODEL)).toBe(4);
    expect(estimatePlanSeconds({ resources: { a: 2, b: 4, other: 10 }, blocks: { 'a.nic': 100 } }, MODEL)).toBeCloseTo(
      4 + 1 + 1 + 1 + 1,
    );
  });

  it('refuses a block it has no figure for, rather than pricing it at nothing', () => {
    expect(() => estimatePlanSeconds({ resources: {}, blocks: { 'b.nic': 1 } }, MODEL)).toThrow(
      /no figure for the block b.nic/,
    );
  });
});

describe('splitUnits', () => {
  const hall = { resources: { b: 4 }, blocks: {} }; // 1 s
  const unit = { resources: { a: 1, b: 2 }, blocks: {} }; // 1 s

  it('leaves a hall under the budget whole', () => {
    expect(splitUnits(hall, unit, 5, 10, MODEL)).toEqual([5]);
    expect(splitUnits(hall, unit, 0, 10, MODEL)).toEqual([0]);
  });

  it('cuts a hall over the budget into the fewest parts, part 1 carrying the hall-level resources', () => {
    // Part 1: 4 + 1 + n <= 10 -> 5 units; later parts: 4 + n <= 10 -> 6 units.
    expect(splitUnits(hall, unit, 6, 10, MODEL)).toEqual([5, 1]);
    expect(splitUnits(hall, unit, 17, 10, MODEL)).toEqual([5, 6, 6]);
    expect(splitUnits(hall, unit, 18, 10, MODEL)).toEqual([5, 6, 6, 1]);
    for (const n of [1, 7, 40, 123]) {
      const parts = splitUnits(hall, unit, n, 10, MODEL);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(n);
      // Fewest: no part could have taken one more unit.
      expect(parts.length).toBe(n <= 5 ? 1 : 1 + Math.ceil((n - 5) / 6));
    }
  });

  it('keeps a part under the resource limit even when the budget would allow more', () => {
    const cheap: PlanCostModel = { ...MODEL, secondsPerResource: { a: 0, b: 0 } };
    const parts = splitUnits(hall, unit, 800, 10, cheap);
    expect(parts[0]).toBe(Math.floor((MAX_RESOURCES_PER_STACK - 4) / 3));
    expect(parts.reduce((a, b) => a + b, 0)).toBe(800);
  });

  it('gives a unit that fits nowhere a part of its own (the preflight check refuses it)', () => {
    expect(splitUnits(hall, { resources: { a: 20 }, blocks: {} }, 3, 10, MODEL)).toEqual([1, 1, 1]);
  });
});

const devText = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8');

/** Dev with a hall too large for one stack (over the resource limit, whatever the calibration) and many CDUs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a YAML document, edited freely
function bigDev(edit?: (doc: any) => void): ColossusConfig {
  const doc = parse(devText);
  const c1 = doc.clusters[0];
  c1.halls[0].scalableUnits = 260;
  c1.halls[0].fabricCidr = '10.1.0.0/22';
  c1.power.rackKw = 0.5;
  c1.cooling.cdusPerHall = 100;
  c1.cooling.cduCapacityKw = 5;
  edit?.(doc);
  return configFromYaml(stringify(doc));
}

function addresses(json: SynthJson): string[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((n) => `${type}.${n}`),
  );
}

describe('a hall too large for one stack', () => {
  const config = bigDev();
  const hall = config.clusters[0]!.halls[0]!;
  const cluster = config.clusters[0]!;
  const plans = planStacks(config);
  const compute = plans.filter((p) => p.layer === 'compute' && p.cluster === cluster);
  // By part: the plan lists later monitoring parts before part 1, which reads them.
  const monitoring = plans
    .filter((p) => p.layer === 'monitoring' && p.cluster === cluster)
    .sort((a, b) => (a.layer === 'monitoring' && b.layer === 'monitoring' ? a.part - b.part : 0));
  const app = Testing.app();
  const stacks = new Map(buildStacks(app, config).map((s) => [s.node.id, synthStack(s)]));
  const network = stackName('dev', cluster.id, 'network');
  const unsplitApp = Testing.app();
  const common = { config, cluster, hall, target: { kind: 'aws' as const } };
  const unsplitCompute = synthStack(
    new ComputeStack(unsplitApp, compute[0]!.name, {
      ...common,
      networkStack: network,
      tenancyStack: stackName('dev', cluster.id, 'tenancy'),
    }),
  );
  const unsplitMonitoring = synthStack(
    new MonitoringStack(unsplitApp, monitoring[0]!.name, {
      ...common,
      alertingStack: stackName('dev', cluster.id, 'alerting'),
    }),
  );

  it('is split into consecutive parts that cover every SU and CDU once, part 1 keeping the hall stack name', () => {
    expect(compute.length).toBeGreaterThan(1);
    expect(monitoring.length).toBeGreaterThan(1);
    expect(compute[0]!.name).toBe('dev-colossus-1-compute-hall-a');
    expect(compute.map((p) => p.name).slice(1)).toEqual(
      compute.slice(1).map((_, i) => `dev-colossus-1-compute-hall-a-part-${i + 2}`),
    );
    let next = 0;
    for (const p of compute) {
      if (p.layer !== 'compute') throw new Error('not compute');
      expect(p.units.first).toBe(next);
      next += p.units.count;
    }
    expect(next).toBe(hall.scalableUnits);
    const byPart = monitoring.map((p) => (p.layer === 'monitoring' ? p : undefined)!).sort((a, b) => a.part - b.part);
    expect(byPart[0]!.name).toBe('dev-colossus-1-monitoring-hall-a');
    next = 0;
    for (const p of byPart) {
      expect(p.cdus.first).toBe(next);
      next += p.cdus.count;
    }
    expect(next).toBe(cluster.cooling.cdusPerHall);
    // Every part within the budget and the resource limit.
    for (const s of stackResourceCounts(config)) {
      expect([s.name, s.planSeconds <= PLAN_BUDGET_SECONDS, s.count <= MAX_RESOURCES_PER_STACK]).toEqual([
        s.name,
        true,
        true,
      ]);
    }
  });

  it('renames no resource: part 1 holds a subset of the unsplit addresses, and the parts hold exactly them', () => {
    for (const [parts, unsplit] of [
      [compute, unsplitCompute],
      [monitoring, unsplitMonitoring],
    ] as const) {
      const whole = addresses(unsplit);
      const first = addresses(stacks.get(parts[0]!.name)!);
      expect(first.filter((a) => !whole.includes(a))).toEqual([]);
      const all = parts.flatMap((p) => addresses(stacks.get(p.name)!));
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual([...whole].sort());
    }
    // The SU construct ids stay su-NNN at the stack root.
    const later = stacks.get(compute[1]!.name)!;
    const first = compute[1]!.layer === 'compute' ? compute[1]!.units.first : -1;
    const asg = Object.keys(later.resource!.aws_autoscaling_group!)[0]!;
    expect(asg.startsWith(`su-${String(first).padStart(3, '0')}_asg_`)).toBe(true);
  });

  it("gives a later part's spare SUs the hall's security groups through part 1's outputs", () => {
    const first = stacks.get(compute[0]!.name)!;
    const second = stacks.get(compute[1]!.name)!;
    expect(Object.keys(first.output ?? {}).sort()).toEqual(['efa_security_group_id', 'node_security_group_id']);
    expect(second.resource?.aws_security_group).toBeUndefined();
    expect(second.data?.terraform_remote_state?.hall).toBeDefined();
    const templates = Object.values(second.resource!.aws_launch_template!);
    const groups = (templates[templates.length - 1]!.network_interfaces as { security_groups: string[] }[])[0]!
      .security_groups;
    expect(groups).toEqual([
      '${data.terraform_remote_state.hall.outputs.efa_security_group_id}',
      '${data.terraform_remote_state.hall.outputs.node_security_group_id}',
    ]);
  });

  it("keeps the hall's redundancy-lost page over every CDU, naming later parts' alarms through their outputs", () => {
    const rule = (json: SynthJson) =>
      Object.entries(json.resource!.aws_cloudwatch_composite_alarm!).find(([n]) =>
        n.startsWith('cooling_redundancy-lost'),
      )![1].alarm_rule as string;
    const split = rule(stacks.get(monitoring[0]!.name)!);
    const whole = rule(unsplitMonitoring);
    expect(split.split(' OR ')).toHaveLength(whole.split(' OR ').length);
    expect(split).toContain('${data.terraform_remote_state.part-2.outputs.cdu_');
    // Later parts deploy first: part 1 reads them.
    const order = plans.filter((p) => p.layer === 'monitoring' && p.cluster === cluster).map((p) => p.name);
    expect(order[order.length - 1]).toBe('dev-colossus-1-monitoring-hall-a');
  });
});

describe('preflight', () => {
  it('refuses a hall named like a split hall part, naming the field', () => {
    const config = bigDev((doc) => {
      doc.clusters[0].halls.push({
        id: 'hall-a-part-2',
        availabilityZone: 'us-east-1b',
        scalableUnits: 1,
        fabricCidr: '10.2.0.0/24',
      });
      for (const feed of doc.clusters[0].power.feeds) feed.halls.push('hall-a-part-2');
    });
    expect(() => preflight(config)).toThrow(
      /halls\[hall-a-part-2\]\.scalableUnits: makes stack dev-colossus-1-compute-hall-a-part-2 for compute, a name part 2 of hall hall-a already has/,
    );
  });
});

describe('prod', () => {
  it('plans every stack within the budget, by the estimate from config', () => {
    const counts = stackResourceCounts(loadConfig({ environment: 'prod' }));
    expect(counts.filter((s) => s.planSeconds > PLAN_BUDGET_SECONDS).map((s) => s.name)).toEqual([]);
    // The estimate is not trivially small: the largest stack uses most of the budget.
    expect(Math.max(...counts.map((s) => s.planSeconds))).toBeGreaterThan(PLAN_BUDGET_SECONDS * 0.7);
  });
});
