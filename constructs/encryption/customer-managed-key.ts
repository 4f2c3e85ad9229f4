import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';

/** One IAM policy statement, as AWS writes it. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Record<string, string | string[]>;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface CustomerManagedKeyProps {
  /** Alias without the "alias/" prefix. */
  readonly alias: string;
  readonly description: string;
  readonly accountId: string;
  /** Grants beyond the account root, for the services or roles that use the key. */
  readonly statements: readonly PolicyStatement[];
  readonly tags?: Record<string, string>;
  /** Terraform refuses to destroy the key (default true): losing it loses every byte under it (CLX-LIF-001). */
  readonly preventDestroy?: boolean;
}

/** A KMS key that rotates yearly and carries an explicit key policy. */
export class CustomerManagedKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps) {
    super(scope, id);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        // Without the root statement the key becomes unmanageable if every other principal goes.
        {
          Sid: 'AccountRootAdministers',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        ...props.statements,
      ],
    };
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: JSON.stringify(policy),
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: `alias/${props.alias}`,
      targetKeyId: this.key.keyId,
    });
  }
}
