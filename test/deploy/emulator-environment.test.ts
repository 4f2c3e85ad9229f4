import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, type TerraformStack } from 'cdktf';
import { parse, stringify } from 'yaml';
import { ColossusError } from '../../config/errors';
import { ConfigError, loadConfig, parseConfig } from '../../config/load';
import { EMULATOR_GAPS, type ColossusConfig } from '../../config/schema';
import type { Target } from '../../config/target';
import { buildStacks } from '../../stacks/build';
import { resourcesOf, synthStack, type SynthJson } from '../helpers/synth';

const ENVIRONMENTS = join(__dirname, '..', '..', 'config', 'environments');
const EMULATOR: Target = { kind: 'emulator', endpoint: 'http://127.0.0.1:4566' };

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary YAML under test

function problemsAfter(environment: string, edit: (doc: Doc) => void): string[] {
  const doc = parse(readFileSync(join(ENVIRONMENTS, `${environment}.yaml`), 'utf8')) as Doc;
  edit(doc);
  try {
    parseConfig(stringify(doc), 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

function synthAll(config: ColossusConfig, target: Target): Map<string, SynthJson> {
  const app = Testing.app();
  const stacks: TerraformStack[] = buildStacks(app, config, target);
  return new Map(stacks.map((s) => [s.node.id, synthStack(s)]));
}

function allResources(stacks: Map<string, SynthJson>, type: string): Record<string, unknown>[] {
  return [...stacks.values()].flatMap((json) => Object.values(resourcesOf(json, type)));
}

const lifecycleOf = (r: Record<string, unknown>) => (r.lifecycle ?? {}) as { prevent_destroy?: boolean };

describe('emulator-only switches in the config', () => {
  it('accepts the emulator environment with its gaps and without protection', () => {
    const config = loadConfig({ environment: 'emulator' });
    expect(config.environment.runsOn).toBe('emulator');
    expect(config.environment.emulatorGaps.length).toBeGreaterThan(0);
    expect(config.environment.protectStatefulResources).toBe(false);
  });

  it('rejects a real environment that switches a resource off', () => {
    const problems = problemsAfter('prod', (doc) => {
      doc.environment.emulatorGaps = ['capacity-reservations'];
    });
    expect(problems).toEqual([
      'environment.emulatorGaps: switches off capacity-reservations, but only an environment with runsOn: emulator may leave out resources the emulator lacks; a real environment keeps every resource',
    ]);
  });

  it('rejects a real environment that drops prevent_destroy', () => {
    const problems = problemsAfter('staging', (doc) => {
      doc.environment.protectStatefulResources = false;
    });
    expect(problems).toEqual([
      'environment.protectStatefulResources: only an environment with runsOn: emulator may drop prevent_destroy; a real environment keeps its state, keys, log groups and buckets protected',
    ]);
  });

  it('rejects a gap the project does not know, naming the known ones', () => {
    const problems = problemsAfter('emulator', (doc) => {
      doc.environment.emulatorGaps = ['vpcs'];
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^environment\.emulatorGaps\[0\]: /);
    for (const gap of EMULATOR_GAPS) expect(problems[0]).toContain(gap);
  });

  it('refuses to build an emulator environment for AWS', () => {
    const config = loadConfig({ environment: 'emulator' });
    expect(() => buildStacks(Testing.app(), config, { kind: 'aws' })).toThrow(ColossusError);
    try {
      buildStacks(Testing.app(), config, { kind: 'aws' });
    } catch (error) {
      expect((error as ColossusError).problems).toEqual([
        'environment.runsOn: environment emulator runs on the emulator and may not be deployed to AWS; set COLOSSUS_TARGET=emulator (with COLOSSUS_EMULATOR_ENDPOINT) or COLOSSUS_TARGET=offline',
      ]);
    }
  });
});

describe('what the emulator environment leaves out, and what dev keeps', () => {
  const emulatorConfig = loadConfig({ environment: 'emulator' });
  const emulator = synthAll(emulatorConfig, EMULATOR);
  const devConfig = loadConfig({ environment: 'dev' });
  const dev = synthAll(devConfig, { kind: 'aws' });
  const scalableUnits = (config: ColossusConfig, capacity?: ColossusConfig['clusters'][number]['fabric']['capacity']) =>
    config.clusters
      .filter((c) => capacity === undefined || c.fabric.capacity === capacity)
      .reduce((sum, c) => sum + c.halls.reduce((s, h) => s + h.scalableUnits, 0), 0);

  it('drops placement groups and capacity reservations only in the emulator environment', () => {
    expect(allResources(emulator, 'aws_placement_group')).toHaveLength(0);
    expect(allResources(emulator, 'aws_ec2_capacity_reservation')).toHaveLength(0);
    expect(allResources(emulator, 'aws_autoscaling_group')).toHaveLength(scalableUnits(emulatorConfig));
    for (const asg of allResources(emulator, 'aws_autoscaling_group')) {
      expect(asg.placement_group).toBeUndefined();
      expect(asg.capacity_reservation_specification).toBeUndefined();
    }
    // Dev keeps them for every SU bought on demand; SUs bought as Capacity Blocks have a group instead.
    expect(allResources(emulator, 'aws_resourcegroups_group')).toHaveLength(0);
    const onDemand = scalableUnits(devConfig, 'on-demand-reservation');
    expect(onDemand).toBeGreaterThan(0);
    expect(allResources(dev, 'aws_placement_group')).toHaveLength(onDemand);
    expect(allResources(dev, 'aws_ec2_capacity_reservation')).toHaveLength(onDemand);
    expect(allResources(dev, 'aws_resourcegroups_group')).toHaveLength(scalableUnits(devConfig, 'capacity-block'));
  });

  it('leaves the Transit Gateway default-route-table options to AWS only in the emulator environment', () => {
    const emuAttachments = allResources(emulator, 'aws_ec2_transit_gateway_vpc_attachment');
    expect(emuAttachments.length).toBeGreaterThan(0);
    for (const a of emuAttachments) expect(a.transit_gateway_default_route_table_association).toBeUndefined();
    for (const a of allResources(emulator, 'aws_ec2_transit_gateway_route_table_association')) {
      expect(a.replace_existing_association).toBeUndefined();
    }
    for (const a of allResources(dev, 'aws_ec2_transit_gateway_vpc_attachment')) {
      expect(a.transit_gateway_default_route_table_association).toBe(false);
      expect(a.transit_gateway_default_route_table_propagation).toBe(false);
    }
    for (const a of allResources(dev, 'aws_ec2_transit_gateway_route_table_association')) {
      expect(a.replace_existing_association).toBe(true);
    }
  });

  it('drops TLS-only bucket policies and explicit key rotation periods only in the emulator environment', () => {
    // Service grants (CloudTrail, Config, access logs) stay; the deny-unless-TLS statement goes.
    for (const policy of allResources(emulator, 'aws_s3_bucket_policy'))
      expect(String(policy.policy)).not.toContain('aws:SecureTransport');
    expect(allResources(emulator, 'aws_s3_bucket_policy').length).toBeLessThan(
      allResources(emulator, 'aws_s3_bucket').length,
    );
    expect(allResources(dev, 'aws_s3_bucket_policy')).toHaveLength(allResources(dev, 'aws_s3_bucket').length);
    for (const key of allResources(emulator, 'aws_kms_key')) {
      expect(key.enable_key_rotation).toBe(true);
      expect(key.rotation_period_in_days).toBeUndefined();
    }
    for (const key of allResources(dev, 'aws_kms_key')) expect(key.rotation_period_in_days).toBe(365);
  });

  it('ignores only the attributes the emulator reads back wrong, in the emulator environment only', () => {
    const ignored = (stacks: Map<string, SynthJson>, type: string) =>
      allResources(stacks, type).map((r) => (r.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes);
    const attachments = ignored(emulator, 'aws_ec2_transit_gateway_vpc_attachment');
    expect(attachments.length).toBeGreaterThan(0);
    for (const list of attachments) expect(list).toEqual(['tags', 'tags_all']);
    for (const list of ignored(emulator, 'aws_vpc_security_group_ingress_rule')) {
      expect(list).toEqual(['description', 'referenced_security_group_id']);
    }
    for (const type of ['aws_ec2_transit_gateway_vpc_attachment', 'aws_vpc_security_group_ingress_rule']) {
      for (const list of ignored(dev, type)) expect(list).toBeUndefined();
    }
  });

  it('lifts prevent_destroy in the emulator environment only', () => {
    const protectedIn = (stacks: Map<string, SynthJson>) =>
      ['aws_kms_key', 'aws_s3_bucket', 'aws_cloudwatch_log_group'].flatMap((type) =>
        allResources(stacks, type).filter((r) => lifecycleOf(r).prevent_destroy === true),
      );
    expect(protectedIn(emulator)).toHaveLength(0);
    const devStateful = ['aws_kms_key', 'aws_s3_bucket', 'aws_cloudwatch_log_group'].flatMap((t) =>
      allResources(dev, t),
    );
    expect(devStateful.length).toBeGreaterThan(0);
    expect(protectedIn(dev)).toHaveLength(devStateful.length);
  });

  it('keeps every stack and every other resource type of the emulator environment', () => {
    const types = (stacks: Map<string, SynthJson>) =>
      new Set([...stacks.values()].flatMap((json) => Object.keys(json.resource ?? {})));
    const gapTypes = [
      'aws_placement_group',
      'aws_ec2_capacity_reservation',
      // Capacity Block groups: the emulator environment runs no Capacity Block type (and lacks reservations).
      'aws_resourcegroups_group',
      'aws_s3_bucket_policy',
      'aws_cloudwatch_composite_alarm',
      // aws-managed-policies: the Config recorder role's AWS_ConfigRole attachment
      'aws_iam_role_policy_attachment',
    ];
    const missing = [...types(dev)].filter((t) => !types(emulator).has(t) && !gapTypes.includes(t));
    expect(missing).toEqual([]);
  });
});
