import { Testing } from 'cdktf';
import { INSTANCE_TYPES } from '../../config/instance-types';
import { buildStacks } from '../../stacks/build';
import { efaInterfaces } from '../../constructs/compute/efa-interfaces';
import { nodesPerScalableUnit, scalableUnitSlots } from '../../config/capacity';
import { MAX_RESOURCES_PER_STACK, planStacks } from '../../stacks/sharding';
import { stackResourceCounts } from '../../stacks/resource-count';
import { PLAN_BUDGET_SECONDS } from '../../stacks/plan-cost';
import { resourceNames } from '../../config/resource-names';
import { PROJECT_TAG_KEYS } from '../../config/schema';
import { ROOT_VOLUME_TYPE } from '../../config/aws-limits';
import { remoteStateStacks } from '../../policy/stack-model';
import { availableEnvironments, loadConfig } from '../../config/load';
import {
  resourceCount,
  resourcesOf,
  synthEnvironment,
  synthStack,
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

/**
 * A hall's compute with every part merged: a hall the sharding plan splits (stacks/sharding.ts)
 * holds, across its parts, exactly what one unsplit stack would.
 */
function hallCompute(env: SynthesizedEnvironment, cluster: string, hall: string): SynthJson {
  const parts = planStacks(env.config)
    .filter((p) => p.layer === 'compute' && p.cluster.id === cluster && p.hall.id === hall)
    .map((p) => env.stacks.get(p.name)!);
  const resource: NonNullable<SynthJson['resource']> = {};
  for (const json of parts) {
    for (const [type, byName] of Object.entries(json.resource ?? {})) resource[type] = { ...resource[type], ...byName };
  }
  return { ...parts[0], resource };
}

/** The resources each scalable unit is made of, by how its capacity is bought. */
const PER_SU = {
  'on-demand-reservation': [
    'aws_autoscaling_group',
    'aws_ec2_capacity_reservation',
    'aws_launch_template',
    'aws_placement_group',
  ],
  'capacity-block': ['aws_autoscaling_group', 'aws_launch_template', 'aws_resourcegroups_group'],
} as const;
const ALL_PER_SU = [...new Set(Object.values(PER_SU).flat())];

/** Every launch template of an environment against the layout function of its instance type. */
function expectLaunchTemplatesFollowLayout(env: SynthesizedEnvironment): number {
  let checked = 0;
  for (const cluster of env.config.clusters) {
    const expected = efaInterfaces(INSTANCE_TYPES[cluster.fabric.instanceType]).map((n) => [
      n.networkCardIndex,
      n.deviceIndex,
      n.interfaceType,
    ]);
    for (const hall of cluster.halls) {
      const json = hallCompute(env, cluster.id, hall.id);
      for (const template of Object.values(resourcesOf(json, 'aws_launch_template'))) {
        const nics = template.network_interfaces as {
          network_card_index: number;
          device_index: number;
          interface_type: string;
          security_groups: string[];
        }[];
        expect(nics.map((n) => [n.network_card_index, n.device_index, n.interface_type])).toEqual(expected);
        // The primary carries the node group; every interface carries the EFA group (first).
        expect(nics.map((n) => n.security_groups.length)).toEqual(nics.map((_, i) => (i === 0 ? 2 : 1)));
        expect(new Set(nics.map((n) => n.security_groups[0])).size).toBe(1);
        checked += 1;
      }
    }
  }
  return checked;
}

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

  it('gives GitHub Actions one OIDC provider and a plan and a deploy role, trusted for the configured repository only', () => {
    // Every environment with remote state (a bootstrap stack) is delivered by the pipeline
    // (README, "Delivery"); one with local state has no bootstrap and no delivery.
    const boot = env.stacks.get(`${name}-bootstrap`);
    const delivery = env.config.environment.delivery;
    expect(delivery !== undefined).toBe(boot !== undefined);
    if (!boot || !delivery) return;
    const providers = Object.values(resourcesOf(boot, 'aws_iam_openid_connect_provider'));
    expect(providers.map((p) => p.url)).toEqual(['https://token.actions.githubusercontent.com']);
    const subs = Object.fromEntries(
      Object.values(resourcesOf(boot, 'aws_iam_role')).map((r) => [
        r.name,
        JSON.parse(r.assume_role_policy as string).Statement.map(
          (s: { Condition: { StringEquals: Record<string, unknown> } }) =>
            s.Condition.StringEquals['token.actions.githubusercontent.com:sub'],
        ),
      ]),
    );
    const repo = `repo:${delivery.repository}`;
    expect(subs).toEqual({
      [`${name}-github-plan`]: [[`${repo}:pull_request`, `${repo}:ref:refs/heads/${delivery.defaultBranch}`]],
      [`${name}-github-deploy`]: [[`${repo}:environment:${name}`]],
    });
  });

  it('gives every role the pipeline deploys a boundary the deploy role may set (<env>-...-boundary)', () => {
    if (!env.config.environment.delivery) return;
    // The deploy role creates or changes a role only with iam:PermissionsBoundary set to
    // arn:aws:iam::<account>:policy/<env>-*-boundary (constructs/delivery/delivery-policies.ts).
    // The one exception is AWS Config's recorder role, whose grants are AWS's managed
    // AWS_ConfigRole: it has no boundary, so it is applied by hand (README, "Delivery").
    const exempt = new Set([`${name}-audit-config`]);
    const unbounded: string[] = [];
    let roles = 0;
    for (const [stack, json] of env.stacks) {
      if (stack === `${name}-bootstrap`) continue;
      const policies = resourcesOf(json, 'aws_iam_policy');
      for (const [id, role] of Object.entries(resourcesOf(json, 'aws_iam_role'))) {
        roles += 1;
        const ref = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(String(role.permissions_boundary ?? ''));
        const boundary = ref ? policies[ref[1]!] : undefined;
        const ok =
          typeof boundary?.name === 'string' &&
          boundary.name.startsWith(`${name}-`) &&
          boundary.name.endsWith('-boundary');
        if (!ok && !exempt.has(String(role.name)))
          unbounded.push(`${stack}: aws_iam_role.${id} (${String(role.name)})`);
      }
    }
    expect(roles).toBeGreaterThan(exempt.size);
    expect(unbounded).toEqual([]);
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
    // Beside the snapshot, what config says the compute stacks must hold: four resources per SU
    // of the part; every part reads the tenancy stack (tenant SUs' subnets and groups, every SU's
    // GPU node instance profile) and a later part reads part 1 for spare SUs' groups.
    for (const plan of planStacks(env.config)) {
      if (plan.layer !== 'compute') continue;
      const compute = summary[plan.name]!;
      for (const type of ALL_PER_SU) {
        const expected = (PER_SU[plan.cluster.fabric.capacity] as readonly string[]).includes(type)
          ? plan.units.count
          : undefined;
        expect([plan.name, type, compute.resources[type]]).toEqual([plan.name, type, expected]);
      }
      const slots = scalableUnitSlots(plan.cluster, plan.hall).slice(
        plan.units.first,
        plan.units.first + plan.units.count,
      );
      expect([plan.name, compute.reads]).toEqual([
        plan.name,
        [
          `${name}-${plan.cluster.id}-network`,
          `${name}-${plan.cluster.id}-tenancy`,
          ...(plan.part > 1 && slots.some((s) => !s.tenantId) ? [plan.hallStack] : []),
        ].sort(),
      ]);
    }
    expect(summary).toMatchSnapshot();
  });

  it(`keeps every stack at or under ${MAX_RESOURCES_PER_STACK} resources`, () => {
    const oversized = [...env.stacks].filter(([, json]) => resourceCount(json) > MAX_RESOURCES_PER_STACK);
    expect(oversized.map(([stack, json]) => `${stack}: ${resourceCount(json)}`)).toEqual([]);
  });

  it('has one compute stack per hall, holding one capacity reservation or block group per scalable unit', () => {
    for (const cluster of env.config.clusters) {
      const holder =
        cluster.fabric.capacity === 'capacity-block' ? 'aws_resourcegroups_group' : 'aws_ec2_capacity_reservation';
      for (const hall of cluster.halls) {
        expect(env.stacks.get(`${name}-${cluster.id}-compute-${hall.id}`)).toBeDefined();
        expect(Object.keys(resourcesOf(hallCompute(env, cluster.id, hall.id), holder))).toHaveLength(
          hall.scalableUnits,
        );
      }
    }
  });

  it('lays out every launch template as the layout function derives it from the instance type', () => {
    const units = env.config.clusters.flatMap((c) => c.halls).reduce((sum, h) => sum + h.scalableUnits, 0);
    expect(expectLaunchTemplatesFollowLayout(env)).toBe(units);
  });

  it('holds whole UltraServers in every SU of an UltraServer type, bought as Capacity Blocks', () => {
    for (const cluster of env.config.clusters) {
      const spec = INSTANCE_TYPES[cluster.fabric.instanceType];
      if (!('ultraServer' in spec)) continue;
      expect(cluster.fabric.capacity).toBe('capacity-block');
      for (const hall of cluster.halls) {
        const json = hallCompute(env, cluster.id, hall.id);
        for (const group of Object.values(resourcesOf(json, 'aws_autoscaling_group'))) {
          expect((group.desired_capacity as number) % spec.ultraServer.instances).toBe(0);
        }
      }
    }
  });

  it('reserves exactly the nodes of each unit, and launches each with IMDSv2', () => {
    for (const cluster of env.config.clusters) {
      const nodes = nodesPerScalableUnit(cluster.fabric);
      for (const hall of cluster.halls) {
        const json = hallCompute(env, cluster.id, hall.id);
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
      const holder =
        cluster.fabric.capacity === 'capacity-block' ? 'aws_resourcegroups_group' : 'aws_ec2_capacity_reservation';
      for (const tenant of cluster.tenants) {
        const expected = tenant.allocations.reduce((sum, a) => sum + a.scalableUnits, 0);
        const tagged = cluster.halls.flatMap((hall) =>
          Object.values(resourcesOf(hallCompute(env, cluster.id, hall.id), holder)).filter(
            (r) => (r.tags as Record<string, string>).tenant === tenant.id,
          ),
        );
        expect(tagged).toHaveLength(expected);
      }
    }
  });
});

/** Where each kind of name sits in the synthesized JSON (config/resource-names.ts). */
const NAME_ATTRIBUTES: Record<string, [type: string, attribute: string][]> = {
  iamRole: [['aws_iam_role', 'name']],
  iamPolicy: [['aws_iam_policy', 'name']],
  s3Bucket: [['aws_s3_bucket', 'bucket']],
  kmsAlias: [['aws_kms_alias', 'name']],
  logGroup: [['aws_cloudwatch_log_group', 'name']],
  snsTopic: [['aws_sns_topic', 'name']],
  launchTemplate: [['aws_launch_template', 'name']],
  autoScalingGroup: [['aws_autoscaling_group', 'name']],
  placementGroup: [['aws_placement_group', 'name']],
  resourceGroup: [['aws_resourcegroups_group', 'name']],
  alarm: [
    ['aws_cloudwatch_metric_alarm', 'alarm_name'],
    ['aws_cloudwatch_composite_alarm', 'alarm_name'],
  ],
  dashboard: [['aws_cloudwatch_dashboard', 'dashboard_name']],
  securityGroup: [['aws_security_group', 'name']],
};

// Issue 10: config is checked against what the stacks will build, so what config predicts
// must be exactly what synthesizes.
describe.each(Object.keys(environments))('%s environment, as predicted from config', (name) => {
  const env = environments[name]!;

  it('has the resource count per stack that config predicts (the fail-fast size check)', () => {
    const predicted = Object.fromEntries(stackResourceCounts(env.config).map((s) => [s.name, s.count]));
    const actual = Object.fromEntries([...env.stacks].map(([stack, json]) => [stack, resourceCount(json)]));
    expect(predicted).toEqual(actual);
  });

  it('has the resources by type, and the launch template interfaces, per stack that config predicts (the plan cost estimate)', () => {
    const predicted = Object.fromEntries(stackResourceCounts(env.config).map((s) => [s.name, s.contents]));
    const actual = Object.fromEntries(
      [...env.stacks].map(([stack, json]) => {
        const resources = Object.fromEntries(
          Object.entries(json.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName).length]),
        );
        const nics = Object.values(resourcesOf(json, 'aws_launch_template')).reduce(
          (sum, t) => sum + (t.network_interfaces as unknown[]).length,
          0,
        );
        return [stack, { resources, blocks: nics ? { 'aws_launch_template.network_interfaces': nics } : {} }];
      }),
    );
    expect(predicted).toEqual(actual);
  });

  it('keeps every stack within the plan budget, by the estimate from config', () => {
    const over = stackResourceCounts(env.config).filter((s) => s.planSeconds > PLAN_BUDGET_SECONDS);
    expect(over.map((s) => `${s.name}: ${s.planSeconds.toFixed(1)} s`)).toEqual([]);
  });

  it('names every resource as config/resource-names.ts predicts, so the name rules check the real names', () => {
    const predicted = new Map<string, string[]>();
    for (const { kind, name: resource } of resourceNames(env.config, { everyUnit: true })) {
      predicted.set(kind, [...(predicted.get(kind) ?? []), resource]);
    }
    for (const [kind, places] of Object.entries(NAME_ATTRIBUTES)) {
      const actual = [...env.stacks.values()].flatMap((json) =>
        places.flatMap(([type, attribute]) => Object.values(resourcesOf(json, type)).map((r) => String(r[attribute]))),
      );
      expect({ kind, names: [...new Set(actual)].sort() }).toEqual({
        kind,
        names: [...new Set(predicted.get(kind) ?? [])].sort(),
      });
    }
  });

  it('sets no tag keys beyond PROJECT_TAG_KEYS and the environment tags (the 50-tag budget)', () => {
    const allowed = [...PROJECT_TAG_KEYS, ...Object.keys(env.config.environment.tags)].sort();
    const used = new Set<string>();
    for (const json of env.stacks.values()) {
      const defaults = (json.provider?.aws?.[0] as { default_tags?: { tags: Record<string, string> }[] } | undefined)
        ?.default_tags?.[0]?.tags;
      for (const key of Object.keys(defaults ?? {})) used.add(key);
      for (const byName of Object.values(json.resource ?? {})) {
        for (const resource of Object.values(byName)) {
          for (const key of Object.keys((resource.tags as Record<string, string> | undefined) ?? {})) used.add(key);
        }
      }
    }
    expect([...used].filter((key) => !allowed.includes(key))).toEqual([]);
  });

  it('gives every node a root volume of the type the EBS size limit is checked for', () => {
    for (const json of env.stacks.values()) {
      for (const template of Object.values(resourcesOf(json, 'aws_launch_template'))) {
        const devices = template.block_device_mappings as { ebs: { volume_type: string } }[];
        for (const device of devices) expect(device.ebs.volume_type).toBe(ROOT_VOLUME_TYPE);
      }
    }
  });
});

describe('emulator environment', () => {
  const app = Testing.app();
  const config = loadConfig({ environment: 'emulator' });
  const emulator: SynthesizedEnvironment = {
    config,
    stacks: new Map(
      buildStacks(app, config, { kind: 'emulator', endpoint: 'http://127.0.0.1:5000' }).map((s) => [
        s.node.id,
        synthStack(s),
      ]),
    ),
  };

  it('lays out every launch template as the layout function derives it, without reservations or placement groups', () => {
    expect(expectLaunchTemplatesFollowLayout(emulator)).toBeGreaterThan(0);
    for (const json of emulator.stacks.values()) {
      expect(Object.keys(resourcesOf(json, 'aws_ec2_capacity_reservation'))).toHaveLength(0);
      expect(Object.keys(resourcesOf(json, 'aws_placement_group'))).toHaveLength(0);
    }
  });
});
