import { INSTANCE_TYPES } from '../../config/instance-types';
import { nodesPerScalableUnit } from '../../config/capacity';
import { MAX_RESOURCES_PER_STACK, planStacks } from '../../stacks/sharding';
import { remoteStateStacks } from '../../policy/stack-model';
import { availableEnvironments, loadConfig } from '../../config/load';
import {
  resourceCount,
  resourcesOf,
  synthEnvironment,
  type SynthJson,
  type SynthesizedEnvironment,
} from '../helpers/synth';

// Every real environment: the emulator one leaves out what the emulator lacks and has
// tests of its own (test/deploy). Prod takes seconds: each is built once for the file.
const realEnvironments = availableEnvironments().filter(
  (name) => loadConfig({ environment: name }).environment.runsOn !== 'emulator',
);
const environments: Record<string, SynthesizedEnvironment> = Object.fromEntries(
  realEnvironments.map((name) => [name, synthEnvironment(name)]),
);

/** The four resources each scalable unit is made of. */
const PER_SU = ['aws_autoscaling_group', 'aws_ec2_capacity_reservation', 'aws_launch_template', 'aws_placement_group'];

/**
 * What a stack is, without its attribute values: resources and data sources by type, the
 * stacks whose state it reads, and how many outputs it offers. Small enough to review for
 * every environment, prod included, where a full snapshot (about 10,700 resources) is not.
 */
function topology(json: SynthJson) {
  const countByType = (blocks: SynthJson['resource']) =>
    Object.fromEntries(
      Object.entries(blocks ?? {})
        .map(([type, byName]) => [type, Object.keys(byName).length] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  const reads = [...remoteStateStacks(json).values()].sort();
  return {
    resources: countByType(json.resource),
    data: countByType(json.data),
    reads,
    outputs: Object.keys(json.output ?? {}).length,
  };
}

describe.each(Object.keys(environments))('%s environment', (name) => {
  const env = environments[name]!;

  it('names stacks <env>-<cluster>-<layer>[-<hall>] and builds exactly the plan', () => {
    const plan = planStacks(env.config);
    expect([...env.stacks.keys()]).toEqual(plan.map((p) => p.name));
    for (const stack of env.stacks.keys())
      expect(stack).toMatch(new RegExp(`^${name}-(bootstrap|audit|colossus-[12]-[a-z]+(-[a-z0-9-]+)?)$`));
    expect(env.stacks.has(`${name}-bootstrap`)).toBe(env.config.environment.backend.type === 's3');
    expect(env.stacks.has(`${name}-audit`)).toBe(true);
  });

  it('audits the environment: one multi-region trail recording every tenant data bucket, and AWS Config', () => {
    const audit = env.stacks.get(`${name}-audit`)!;
    const trails = Object.values(resourcesOf(audit, 'aws_cloudtrail')) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized JSON
    expect(trails).toHaveLength(1);
    expect(trails[0].is_multi_region_trail).toBe(true);
    const recorded = trails[0].event_selector.flatMap((s: { data_resource: { values: string[] }[] }) =>
      s.data_resource.flatMap((d) => d.values),
    );
    const buckets = env.config.clusters.flatMap((c) =>
      c.tenants.map(
        (t) => `arn:aws:s3:::${env.config.environment.name}-${t.id}-data-${env.config.environment.accountId}/`,
      ),
    );
    const backend = env.config.environment.backend;
    if (backend.type === 's3') buckets.push(`arn:aws:s3:::${backend.bucket}/`);
    expect(recorded.sort()).toEqual(buckets.sort());
    expect(Object.keys(resourcesOf(audit, 'aws_config_configuration_recorder'))).toHaveLength(1);
    expect(Object.keys(resourcesOf(audit, 'aws_config_delivery_channel'))).toHaveLength(1);
  });

  it('keeps its topology: resource types and counts, state reads and outputs of every stack', () => {
    const summary = Object.fromEntries([...env.stacks].map(([stack, json]) => [stack, topology(json)]));
    // Beside the snapshot, what config says the compute stacks must hold: four resources per SU.
    for (const cluster of env.config.clusters) {
      for (const hall of cluster.halls) {
        const compute = summary[`${name}-${cluster.id}-compute-${hall.id}`]!;
        for (const type of PER_SU) expect([type, compute.resources[type]]).toEqual([type, hall.scalableUnits]);
        expect(compute.reads).toEqual(
          [
            `${name}-${cluster.id}-network`,
            ...(cluster.tenants.length ? [`${name}-${cluster.id}-tenancy`] : []),
          ].sort(),
        );
      }
    }
    expect(summary).toMatchSnapshot();
  });

  it(`keeps every stack at or under ${MAX_RESOURCES_PER_STACK} resources`, () => {
    const oversized = [...env.stacks].filter(([, json]) => resourceCount(json) > MAX_RESOURCES_PER_STACK);
    expect(oversized.map(([stack, json]) => `${stack}: ${resourceCount(json)}`)).toEqual([]);
  });

  it('has one compute stack per hall, holding one capacity reservation per scalable unit', () => {
    for (const cluster of env.config.clusters) {
      for (const hall of cluster.halls) {
        const json = env.stacks.get(`${name}-${cluster.id}-compute-${hall.id}`);
        expect(json).toBeDefined();
        expect(Object.keys(resourcesOf(json!, 'aws_ec2_capacity_reservation'))).toHaveLength(hall.scalableUnits);
      }
    }
  });

  it('reserves exactly the nodes of each unit, and launches each with an EFA interface on every card and IMDSv2', () => {
    for (const cluster of env.config.clusters) {
      const cards = INSTANCE_TYPES[cluster.fabric.instanceType].networkCards;
      const nodes = nodesPerScalableUnit(cluster.fabric);
      for (const hall of cluster.halls) {
        const json = env.stacks.get(`${name}-${cluster.id}-compute-${hall.id}`)!;
        for (const reservation of Object.values(resourcesOf(json, 'aws_ec2_capacity_reservation'))) {
          expect(reservation).toEqual(
            expect.objectContaining({
              instance_count: nodes,
              instance_type: cluster.fabric.instanceType,
              availability_zone: hall.availabilityZone,
            }),
          );
        }
        for (const template of Object.values(resourcesOf(json, 'aws_launch_template'))) {
          const nics = template.network_interfaces as { network_card_index: number; interface_type: string }[];
          expect(nics.map((n) => n.network_card_index)).toEqual([...Array(cards).keys()]);
          expect(nics.every((n) => n.interface_type.startsWith('efa'))).toBe(true);
          expect(template.metadata_options).toEqual(expect.objectContaining({ http_tokens: 'required' }));
        }
        for (const group of Object.values(resourcesOf(json, 'aws_autoscaling_group'))) {
          expect([group.min_size, group.max_size, group.desired_capacity]).toEqual([nodes, nodes, nodes]);
        }
      }
    }
  });

  it('tags every SU with its tenant, or as unallocated spare capacity', () => {
    for (const cluster of env.config.clusters) {
      for (const tenant of cluster.tenants) {
        const expected = tenant.allocations.reduce((sum, a) => sum + a.scalableUnits, 0);
        const tagged = cluster.halls.flatMap((hall) =>
          Object.values(
            resourcesOf(env.stacks.get(`${name}-${cluster.id}-compute-${hall.id}`)!, 'aws_ec2_capacity_reservation'),
          ).filter((r) => (r.tags as Record<string, string>).tenant === tenant.id),
        );
        expect(tagged).toHaveLength(expected);
      }
    }
  });
});
