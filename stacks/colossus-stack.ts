import type { Construct } from 'constructs';
import {
  DataTerraformRemoteStateLocal,
  Aspects,
  DataTerraformRemoteStateS3,
  Lazy,
  LocalBackend,
  S3Backend,
  type S3BackendConfig,
} from 'cdktf';
import { AwsProvider, type AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import type { ClusterConfig, ColossusConfig, EmulatorGap, EnvironmentConfig } from '../config/schema';
import type { Target } from '../config/target';
import { RemoteOutputs } from './remote-outputs';
import { AllowDestroy } from './protection';
import { IgnoreEmulatorDrift, OmitKmsRotationPeriod } from './emulator-gaps';
import { SelfContainedStack } from './stack-references';

export interface ColossusStackProps {
  readonly config: ColossusConfig;
  readonly cluster: ClusterConfig;
  /** Where the stack runs; the real cloud unless main.ts says otherwise. */
  readonly target?: Target;
  /** Tags beyond the environment's, such as the hall. */
  readonly tags?: Record<string, string>;
  /** The path from the stack's working folder to the project's .state folder (main.ts knows the output). */
  readonly stateDir?: string;
}

/** Provider settings a target needs beyond region and tags. */
export function targetProviderSettings(target: Target, env: EnvironmentConfig): Partial<AwsProviderConfig> {
  switch (target.kind) {
    case 'aws':
      return { allowedAccountIds: [env.accountId] };
    case 'offline':
      // Nothing may call AWS: no credential check, no account lookup, no metadata service.
      return {
        accessKey: 'offline-placeholder',
        secretKey: 'offline-placeholder',
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: 'true',
        skipRegionValidation: true,
      };
    case 'emulator':
      return {
        accessKey: 'emulator',
        secretKey: 'emulator',
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: 'true',
        skipRegionValidation: true,
        s3UsePathStyle: true,
        endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, target.endpoint]))],
      };
  }
}

/** Every AWS API the stacks call, pointed at the emulator under the emulator target. */
export const EMULATED_SERVICES = [
  'autoscaling',
  'cloudtrail',
  'cloudwatch',
  'configservice',
  'ec2',
  'iam',
  'kms',
  'logs',
  's3',
  'sns',
  // The GPU nodes' agent configuration (constructs/compute/gpu-node-role.ts).
  'ssm',
  'sts',
] as const;

/**
 * Where local state lives by default, seen from a stack's working folder in the default output
 * (cdktf.out/<env>/stacks/<stack>): the project's .state folder. main.ts passes the path for the
 * output it writes (stateDirFor), so any output folder finds the same state.
 */
export const DEFAULT_STATE_DIR = '../../../../.state';

/** Local state lives outside the synth output, so a fresh synth never loses it. */
export function localStatePath(environment: string, stack: string, stateDir = DEFAULT_STATE_DIR): string {
  return `${stateDir}/${environment}/${stack}.tfstate`;
}

function s3StateKey(prefix: string, stack: string): string {
  return `${prefix}/${stack}.tfstate`;
}

/** The KMS alias of the key that encrypts an S3 state bucket; the bootstrap stack creates it. */
export function stateKeyAlias(bucket: string): string {
  return `alias/${bucket}`;
}

type S3StateBackend = Extract<EnvironmentConfig['backend'], { type: 's3' }>;

/**
 * Where a stack's S3 state lives: one key per stack, encrypted with the state bucket's KMS
 * key. Under the emulator target the backend talks to the emulator's S3 as well.
 */
export function s3BackendSettings(
  env: EnvironmentConfig,
  backend: S3StateBackend,
  stack: string,
  target: Target,
): S3BackendConfig {
  return {
    bucket: backend.bucket,
    key: s3StateKey(backend.keyPrefix, stack),
    region: backend.region,
    encrypt: true,
    kmsKeyId: `arn:aws:kms:${backend.region}:${env.accountId}:${stateKeyAlias(backend.bucket)}`,
    ...(target.kind === 'emulator'
      ? {
          accessKey: 'emulator',
          secretKey: 'emulator',
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: true,
          skipRegionValidation: true,
          usePathStyle: true,
          endpoints: { s3: target.endpoint, sts: target.endpoint, iam: target.endpoint },
        }
      : {}),
  };
}

/** Every Colossus stack: the AWS provider with the environment's tags, and its own state. */
export class ColossusStack extends SelfContainedStack {
  protected readonly config: ColossusConfig;
  protected readonly cluster: ClusterConfig;
  protected readonly target: Target;
  protected readonly stateDir: string;
  /** Stacks whose outputs this one reads: they deploy first (build.ts makes them dependencies). */
  readonly upstream = new Set<string>();

  constructor(scope: Construct, name: string, props: ColossusStackProps) {
    super(scope, name);
    this.config = props.config;
    this.cluster = props.cluster;
    this.target = props.target ?? { kind: 'aws' };
    this.stateDir = props.stateDir ?? DEFAULT_STATE_DIR;
    const env = props.config.environment;

    new AwsProvider(this, 'aws', {
      region: env.region,
      ...targetProviderSettings(this.target, env),
      defaultTags: [
        {
          tags: {
            ...env.tags,
            environment: env.name,
            cluster: props.cluster.id,
            owner: env.owner,
            'data-classification': 'internal',
            'managed-by': 'colossus-infra',
            stack: name,
            ...props.tags,
          },
        },
      ],
    });

    const backend = env.backend;
    if (this.target.kind === 'offline') {
      // Offline plans start from empty state, kept apart from any real local state.
      new LocalBackend(this, { path: localStatePath(`offline/${env.name}`, name, this.stateDir) });
    } else if (backend.type === 'local') {
      new LocalBackend(this, { path: localStatePath(env.name, name, this.stateDir) });
    } else {
      new S3Backend(this, s3BackendSettings(env, backend, name, this.target));
      // S3 native locking (Terraform >= 1.10); cdktf 0.21 has no typed field for it yet.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
    if (!env.protectStatefulResources) Aspects.of(this).add(new AllowDestroy());
    if (this.emulatorLacks('kms-rotation-period')) Aspects.of(this).add(new OmitKmsRotationPeriod());
    if (env.emulatorGaps.length > 0) Aspects.of(this).add(new IgnoreEmulatorDrift(env.emulatorGaps));
  }

  /** Whether this environment leaves out a resource the emulator lacks (only runsOn: emulator may). */
  protected emulatorLacks(gap: EmulatorGap): boolean {
    return this.config.environment.emulatorGaps.includes(gap);
  }

  /** Reads another stack's outputs through the backend both stacks share. */
  protected remoteState(id: string, stack: string): RemoteOutputs {
    this.upstream.add(stack);
    const env = this.config.environment;
    const backend = env.backend;
    const arnPrefix = `arn:aws:sns:${env.region}:${env.accountId}:`;
    if (this.target.kind === 'offline') {
      let outputs: RemoteOutputs | undefined = undefined;
      // Offline, the upstream state is empty (npm run plan seeds it): every output read falls back
      // to a placeholder default.
      const state = new DataTerraformRemoteStateLocal(this, id, {
        path: localStatePath(`offline/${env.name}`, stack, this.stateDir),
        // Resolved at synth, after the stack has read every output it needs.
        defaults: Lazy.anyValue({ produce: () => outputs?.placeholders() ?? {} }) as unknown as Record<string, unknown>,
      });
      outputs = new RemoteOutputs(state, arnPrefix);
      return outputs;
    }
    if (backend.type === 'local') {
      return new RemoteOutputs(
        new DataTerraformRemoteStateLocal(this, id, { path: localStatePath(env.name, stack, this.stateDir) }),
        arnPrefix,
      );
    }
    return new RemoteOutputs(
      new DataTerraformRemoteStateS3(this, id, s3BackendSettings(env, backend, stack, this.target)),
      arnPrefix,
    );
  }
}
