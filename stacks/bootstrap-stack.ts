import type { Construct } from 'constructs';
import { Aspects, LocalBackend, TerraformOutput } from 'cdktf';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SecureBucket } from '../constructs/storage/secure-bucket';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ColossusError } from '../config/errors';
import type { ColossusConfig } from '../config/schema';
import type { Target } from '../config/target';
import { CustomerManagedKey } from '../constructs/encryption/customer-managed-key';
import { localStatePath, stateKeyAlias, targetProviderSettings } from './colossus-stack';
import { AllowDestroy } from './protection';
import { OmitKmsRotationPeriod } from './emulator-gaps';
import { SelfContainedStack } from './stack-references';
import { deliveryNames } from '../config/account-names';
import { GithubOidcProvider } from '../constructs/delivery/github-oidc-provider';
import { githubOidcProviderArn } from '../constructs/delivery/github-oidc';
import { PlanRole } from '../constructs/delivery/plan-role';
import { DeployRole } from '../constructs/delivery/deploy-role';
import { roleBoundaries } from '../constructs/delivery/delivery-policies';

export interface BootstrapStackProps {
  readonly config: ColossusConfig;
  readonly target?: Target;
  /** The path from the stack's working folder to the project's .state folder. */
  readonly stateDir?: string;
}

export { bootstrapStackName } from './sharding';

export const bootstrapOutputs = {
  stateBucket: 'state_bucket',
  stateKeyArn: 'state_key_arn',
  planRoleArn: 'plan_role_arn',
  deployRoleArn: 'deploy_role_arn',
} as const;

/**
 * The S3 bucket every other stack of the environment keeps its state in, and the KMS key
 * that encrypts it. Its own state is local (.state/<env>/), because the bucket cannot hold
 * the state of the stack that creates it. Both are protected from destroy.
 * With `environment.delivery`, also GitHub's OIDC provider and the pipeline's plan and deploy
 * roles: they are applied by hand with the bucket, never by the pipeline they let in.
 */
export class BootstrapStack extends SelfContainedStack {
  readonly key: CustomerManagedKey;
  readonly bucket: S3Bucket;

  constructor(scope: Construct, name: string, props: BootstrapStackProps) {
    super(scope, name);
    const env = props.config.environment;
    const target = props.target ?? { kind: 'aws' };
    const backend = env.backend;
    if (backend.type !== 's3') {
      throw new ColossusError('invalid bootstrap', [
        `environment.backend: environment ${env.name} keeps its state locally; only an S3 backend needs a bootstrap stack`,
      ]);
    }

    new AwsProvider(this, 'aws', {
      region: backend.region,
      ...targetProviderSettings(target, env),
      defaultTags: [
        {
          tags: {
            ...env.tags,
            environment: env.name,
            // The state of every cluster of the environment lives here.
            cluster: 'all',
            owner: env.owner,
            'data-classification': 'internal',
            'managed-by': 'colossus-infra',
            stack: name,
          },
        },
      ],
    });
    new LocalBackend(this, {
      path: localStatePath(target.kind === 'offline' ? `offline/${env.name}` : env.name, name, props.stateDir),
    });

    this.key = new CustomerManagedKey(this, 'state-key', {
      alias: stateKeyAlias(backend.bucket).replace(/^alias\//, ''),
      description: `Encrypts the Terraform state of environment ${env.name}`,
      accountId: env.accountId,
      // The account root statement lets IAM policies grant the deploy roles their use of the key.
      statements: [],
      preventDestroy: true,
    });

    // Every state write is a new version: a bad apply can be rolled back to the one before.
    this.bucket = new SecureBucket(this, 'state-bucket', {
      bucketName: backend.bucket,
      kmsKeyArn: this.key.key.arn,
      tlsOnlyPolicy: !env.emulatorGaps.includes('tls-only-bucket-policies'),
    }).bucket;
    new TerraformOutput(this, bootstrapOutputs.stateBucket, { value: this.bucket.bucket });
    new TerraformOutput(this, bootstrapOutputs.stateKeyArn, { value: this.key.key.arn });

    if (env.delivery) {
      const names = deliveryNames(env.name);
      const provider = env.delivery.createOidcProvider
        ? new GithubOidcProvider(this, 'github-oidc').provider
        : undefined;
      const scope = {
        accountId: env.accountId,
        region: backend.region,
        stateBucketArn: this.bucket.arn,
        stateKeyArn: this.key.key.arn,
        keyPrefix: backend.keyPrefix,
      };
      const iam = (kind: string, name: string) => `arn:aws:iam::${env.accountId}:${kind}/${name}`;
      const plan = new PlanRole(this, 'plan-role', {
        roleName: names.planRole,
        policyName: names.planPolicy,
        repository: env.delivery.repository,
        defaultBranch: env.delivery.defaultBranch,
        scope,
        ...(provider ? { provider } : {}),
      });
      const deploy = new DeployRole(this, 'deploy-role', {
        roleName: names.deployRole,
        boundaryName: names.deployBoundary,
        repository: env.delivery.repository,
        githubEnvironment: env.delivery.githubEnvironment ?? env.name,
        scope,
        roleBoundaries: roleBoundaries(env.accountId, names.deployBoundary, env.name),
        protectedArns: [
          iam('role', names.planRole),
          iam('role', names.deployRole),
          iam('policy', names.planPolicy),
          iam('policy', names.deployBoundary),
          githubOidcProviderArn(env.accountId),
        ],
        ...(provider ? { provider } : {}),
      });
      new TerraformOutput(this, bootstrapOutputs.planRoleArn, { value: plan.role.arn });
      new TerraformOutput(this, bootstrapOutputs.deployRoleArn, { value: deploy.role.arn });
    }
    if (!env.protectStatefulResources) Aspects.of(this).add(new AllowDestroy());
    if (env.emulatorGaps.includes('kms-rotation-period')) Aspects.of(this).add(new OmitKmsRotationPeriod());
  }
}
