import type { Construct } from 'constructs';
import {
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  LocalBackend,
  S3Backend,
  TerraformStack,
  type TerraformRemoteState,
} from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { ClusterConfig, ColossusConfig } from '../config/schema';

export interface ColossusStackProps {
  readonly config: ColossusConfig;
  readonly cluster: ClusterConfig;
  /** Tags beyond the environment's, such as the hall. */
  readonly tags?: Record<string, string>;
}

/** Local state lives outside the synth output, so a fresh synth never loses it. */
function localStatePath(environment: string, stack: string): string {
  // Terraform runs in cdktf.out/stacks/<stack>; state goes to <project>/.state/<env>/.
  return `../../../.state/${environment}/${stack}.tfstate`;
}

function s3StateKey(prefix: string, stack: string): string {
  return `${prefix}/${stack}.tfstate`;
}

/** Every Colossus stack: the AWS provider with the environment's tags, and its own state. */
export class ColossusStack extends TerraformStack {
  protected readonly config: ColossusConfig;
  protected readonly cluster: ClusterConfig;

  constructor(scope: Construct, name: string, props: ColossusStackProps) {
    super(scope, name);
    this.config = props.config;
    this.cluster = props.cluster;
    const env = props.config.environment;

    new AwsProvider(this, 'aws', {
      region: env.region,
      allowedAccountIds: [env.accountId],
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
    if (backend.type === 'local') {
      new LocalBackend(this, { path: localStatePath(env.name, name) });
    } else {
      new S3Backend(this, {
        bucket: backend.bucket,
        key: s3StateKey(backend.keyPrefix, name),
        region: backend.region,
        encrypt: true,
      });
      // S3 native locking (Terraform >= 1.10); cdktf 0.21 has no typed field for it yet.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
  }

  /** Reads another stack's outputs through the backend both stacks share. */
  protected remoteState(id: string, stack: string): TerraformRemoteState {
    const env = this.config.environment;
    const backend = env.backend;
    if (backend.type === 'local') {
      return new DataTerraformRemoteStateLocal(this, id, { path: localStatePath(env.name, stack) });
    }
    return new DataTerraformRemoteStateS3(this, id, {
      bucket: backend.bucket,
      key: s3StateKey(backend.keyPrefix, stack),
      region: backend.region,
    });
  }
}
