import { blocks, bucketConfig, isTrue, lifecycleOf, ofType } from '../attributes';
import type { Resource, Rule } from '../model';
import { check } from './check';

function protectedFromDestroy(r: Resource) {
  const value = lifecycleOf(r).prevent_destroy;
  return check(
    r,
    'lifecycle.prevent_destroy',
    value ?? null,
    isTrue(value),
    'a destroy or replacement would delete it',
  );
}

export const lifecycleRules: Rule[] = [
  {
    id: 'CLX-LIF-001',
    title: 'KMS keys are protected from destroy',
    severity: 'error',
    rationale: 'Destroying a key makes everything encrypted under it unreadable, backups included.',
    controls: { cis: [], nist: ['SC-12', 'CP-9'] },
    checkov: [],
    check: (stack) => ofType(stack, 'aws_kms_key').map(protectedFromDestroy),
  },
  {
    id: 'CLX-LIF-002',
    title: 'Log groups are protected from destroy',
    severity: 'error',
    rationale: 'Flow and audit logs are evidence; a Terraform destroy must not delete them.',
    controls: { cis: [], nist: ['AU-9', 'AU-11'] },
    checkov: [],
    check: (stack) => ofType(stack, 'aws_cloudwatch_log_group').map(protectedFromDestroy),
  },
  {
    id: 'CLX-LIF-003',
    title: 'S3 buckets (data, log and state) are protected from destroy',
    severity: 'error',
    rationale: 'Buckets hold tenant data, logs and state; losing one is not recoverable from code.',
    controls: { cis: [], nist: ['CP-9', 'AU-9', 'SI-12'] },
    checkov: [],
    check: (stack) => ofType(stack, 'aws_s3_bucket').map(protectedFromDestroy),
  },
  {
    id: 'CLX-LIF-004',
    title: 'KMS keys wait the full 30 days before deletion',
    severity: 'warning',
    rationale: 'The waiting period is the only undo for a scheduled key deletion.',
    controls: { cis: [], nist: ['SC-12', 'CP-9'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_kms_key').map((k) =>
        check(
          k,
          'deletion_window_in_days',
          k.attrs.deletion_window_in_days ?? 30,
          Number(k.attrs.deletion_window_in_days ?? 30) >= 30,
        ),
      ),
  },
  {
    id: 'CLX-LIF-005',
    title: 'Log groups keep logs for at least a year',
    severity: 'warning',
    rationale: 'Investigations and audits look back a year; shorter retention destroys the evidence.',
    controls: { cis: [], nist: ['AU-11'] },
    checkov: ['CKV_AWS_338'],
    check: (stack) =>
      ofType(stack, 'aws_cloudwatch_log_group').map((g) => {
        const days = Number(g.attrs.retention_in_days ?? 0); // 0 or absent: kept forever
        return check(g, 'retention_in_days', g.attrs.retention_in_days ?? 'never expire', days === 0 || days >= 365);
      }),
  },
  {
    id: 'CLX-LIF-006',
    title: 'S3 buckets keep object versions',
    severity: 'error',
    rationale: 'Versioning is what recovers an overwritten or deleted object.',
    controls: { cis: [], nist: ['CP-9', 'SI-12'] },
    checkov: ['CKV_AWS_21'],
    check: (stack) => {
      return ofType(stack, 'aws_s3_bucket').map((bucket) => {
        const v = bucketConfig(stack, 'aws_s3_bucket_versioning', bucket);
        const status = blocks(v?.attrs.versioning_configuration)[0]?.status ?? null;
        return check(bucket, 'aws_s3_bucket_versioning.versioning_configuration.status', status, status === 'Enabled');
      });
    },
  },
];
