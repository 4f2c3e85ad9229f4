import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../tools/terraform';
import { Testing, type TerraformStack } from 'cdktf';
import { loadConfig } from '../../config/load';
import type { Target } from '../../config/target';
import { buildStacks } from '../../stacks/build';
import { BootstrapStack, bootstrapStackName } from '../../stacks/bootstrap-stack';
import { s3BackendSettings, stateKeyAlias } from '../../stacks/colossus-stack';
import { planStacks } from '../../stacks/sharding';
import { resourcesOf, synthStack } from '../helpers/synth';

const EMULATOR: Target = { kind: 'emulator', endpoint: 'http://127.0.0.1:4566' };

describe('S3 state backend settings', () => {
  const staging = loadConfig({ environment: 'staging' }).environment;
  const backend = staging.backend.type === 's3' ? staging.backend : undefined;

  it('keeps one KMS-encrypted key per stack, and talks to AWS itself on the aws target', () => {
    const settings = s3BackendSettings(staging, backend!, 'staging-colossus-1-network', { kind: 'aws' });
    expect(settings).toEqual({
      bucket: backend!.bucket,
      key: `${backend!.keyPrefix}/staging-colossus-1-network.tfstate`,
      region: backend!.region,
      encrypt: true,
      kmsKeyId: `arn:aws:kms:${backend!.region}:${staging.accountId}:${stateKeyAlias(backend!.bucket)}`,
    });
  });

  it("points state at the emulator's S3 on the emulator target", () => {
    const settings = s3BackendSettings(staging, backend!, 'x', EMULATOR);
    expect(settings.endpoints).toEqual({ s3: EMULATOR.endpoint, sts: EMULATOR.endpoint, iam: EMULATOR.endpoint });
    expect(settings.usePathStyle).toBe(true);
    expect(settings.skipCredentialsValidation).toBe(true);
    expect(settings.skipRequestingAccountId).toBe(true);
  });

  it('gives remote state reads the same backend, and makes them stack dependencies', () => {
    const config = loadConfig({ environment: 'emulator' });
    const app = Testing.app();
    const [bootstrap, ...stacks] = buildStacks(app, config, EMULATOR);
    expect(bootstrap).toBeInstanceOf(BootstrapStack);
    const byName = new Map<string, TerraformStack>(stacks.map((s) => [s.node.id, s]));
    const compute = planStacks(config).find((p) => p.layer === 'compute')!;
    const json = synthStack(byName.get(compute.name)!);
    const backendJson = (json.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
    expect(backendJson.use_lockfile).toBe(true);
    expect(backendJson.endpoints).toEqual({ s3: EMULATOR.endpoint, sts: EMULATOR.endpoint, iam: EMULATOR.endpoint });
    const remote = (json.data as Record<string, Record<string, { config: Record<string, unknown> }>>)
      .terraform_remote_state!;
    for (const state of Object.values(remote)) expect(state.config.endpoints).toEqual(backendJson.endpoints);
    const dependencies = byName.get(compute.name)!.dependencies.map((d) => d.node.id);
    expect(dependencies).toEqual(
      expect.arrayContaining([
        bootstrap.node.id,
        ...Object.keys(remote).map((id) => `emulator-${compute.cluster.id}-${id}`),
      ]),
    );
    for (const stack of stacks) expect(stack.dependencies).toContain(bootstrap);
  });
});

describe('bootstrap stack', () => {
  it('puts local state where main.ts says, for any output folder', () => {
    const config = loadConfig({ environment: 'staging' });
    const json = synthStack(
      new BootstrapStack(Testing.app(), 'staging-bootstrap', { config, stateDir: '../../../.state' }),
    );
    expect((json.terraform as { backend: Record<string, unknown> }).backend.local).toEqual({
      path: '../../../.state/staging/staging-bootstrap.tfstate',
    });
  });

  it('is built only for an S3 backend', () => {
    const dev = loadConfig({ environment: 'dev' });
    const app = Testing.app();
    expect(buildStacks(app, dev).some((stack) => stack instanceof BootstrapStack)).toBe(false);
  });

  describe.each(['staging', 'prod'])('%s', (environment) => {
    const config = loadConfig({ environment });
    const backend = config.environment.backend;
    const json = synthStack(new BootstrapStack(Testing.app(), bootstrapStackName(environment), { config }));
    const bucket = Object.values(resourcesOf(json, 'aws_s3_bucket'));
    const key = Object.values(resourcesOf(json, 'aws_kms_key'));

    it('creates the state bucket on local state, in <project>/.state seen from the default output folder', () => {
      const local = (json.terraform as { backend: { local: { path: string } } }).backend.local;
      expect(local).toEqual({ path: `../../../../.state/${environment}/${environment}-bootstrap.tfstate` });
      // Terraform runs in cdktf.out/<env>/stacks/<stack>.
      const stackDir = join(PROJECT_ROOT, 'cdktf.out', environment, 'stacks', bootstrapStackName(environment));
      expect(resolve(stackDir, local.path)).toBe(
        join(PROJECT_ROOT, '.state', environment, `${environment}-bootstrap.tfstate`),
      );
      expect(bucket).toHaveLength(1);
      expect(bucket[0]!.bucket).toBe(backend.type === 's3' ? backend.bucket : undefined);
    });

    it('versions, KMS-encrypts, closes and protects the bucket and its key', () => {
      expect(Object.values(resourcesOf(json, 'aws_s3_bucket_versioning'))[0]!.versioning_configuration).toEqual({
        status: 'Enabled',
      });
      const sse = Object.values(resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration'))[0]!;
      expect(JSON.stringify(sse.rule)).toContain('"sse_algorithm":"aws:kms"');
      expect(Object.values(resourcesOf(json, 'aws_s3_bucket_public_access_block'))[0]).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(Object.values(resourcesOf(json, 'aws_s3_bucket_policy'))).toHaveLength(1);
      expect(bucket[0]!.lifecycle).toEqual({ prevent_destroy: true });
      expect(key).toHaveLength(1);
      expect(key[0]!.lifecycle).toEqual({ prevent_destroy: true });
      expect(key[0]!.enable_key_rotation).toBe(true);
      const alias = Object.values(resourcesOf(json, 'aws_kms_alias'))[0]!;
      expect(alias.name).toBe(stateKeyAlias(backend.type === 's3' ? backend.bucket : ''));
    });
  });
});
