import type { Construct } from 'constructs';
import { EbsEncryptionByDefault } from '@cdktf/provider-aws/lib/ebs-encryption-by-default';
import { auditBucketNames, tenantAccountNames } from '../config/account-names';
import type { ColossusConfig } from '../config/schema';
import type { Target } from '../config/target';
import { AuditTrail } from '../constructs/audit/audit-trail';
import { ConfigRecorder } from '../constructs/audit/config-recorder';
import { ColossusStack } from './colossus-stack';

export interface AuditStackProps {
  readonly config: ColossusConfig;
  readonly target?: Target;
}

/** Every tenant data bucket of the environment, named as the tenancy stacks name them. */
export function tenantDataBuckets(config: ColossusConfig): string[] {
  const env = config.environment;
  return config.clusters.flatMap((c) => c.tenants.map((t) => tenantAccountNames(env.name, t.id, env.accountId).bucket));
}

/**
 * The environment's audit trail (CIS section 3, NIST AU): CloudTrail over every region with
 * data events for every tenant data bucket, AWS Config, and EBS encryption by default in the
 * region (CIS 2.2.1). One per environment: these settings belong to the account and region.
 */
export class AuditStack extends ColossusStack {
  readonly trail: AuditTrail;

  constructor(scope: Construct, name: string, props: AuditStackProps) {
    // Not a cluster's: tagged cluster=all like the bootstrap stack; the first cluster only fills the prop.
    super(scope, name, { ...props, cluster: props.config.clusters[0], tags: { cluster: 'all' } });
    const env = props.config.environment;
    const buckets = auditBucketNames(env.name, env.accountId);
    this.trail = new AuditTrail(this, 'trail', {
      name: name,
      accountId: env.accountId,
      region: env.region,
      trailBucket: buckets.trail,
      accessLogBucket: buckets.accessLogs,
      // Tenant data, and the Terraform state (every resource attribute) where it lives in S3.
      dataBuckets: [...tenantDataBuckets(props.config), ...(env.backend.type === 's3' ? [env.backend.bucket] : [])],
      tlsOnlyPolicy: !env.emulatorGaps.includes('tls-only-bucket-policies'),
    });
    new ConfigRecorder(this, 'config', {
      name,
      accountId: env.accountId,
      bucket: this.trail.bucket.bucket,
      attachManagedPolicy: !env.emulatorGaps.includes('aws-managed-policies'),
    });
    new EbsEncryptionByDefault(this, 'ebs-encryption-by-default', { enabled: true });
  }
}
