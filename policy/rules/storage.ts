import { blocks, isTrue, ofType, policyStatements, referencedResources } from '../attributes';
import type { Resource, Rule, StackModel } from '../model';
import { check } from './check';

/** The resource of a given type that configures a bucket (by its `bucket` argument). */
function configOf(stack: StackModel, type: string, bucket: Resource): Resource | undefined {
  return ofType(stack, type).find((r) => referencedResources(stack, r.attrs.bucket).includes(bucket));
}

const BLOCKS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

export const storageRules: Rule[] = [
  {
    id: 'CLX-STO-001',
    title: 'S3 buckets block every form of public access',
    severity: 'error',
    rationale: 'Tenant data and logs are never public; the block stops a later ACL or policy from exposing them.',
    controls: { cis: ['2.1.4'], nist: ['AC-3', 'AC-21', 'SC-7'] },
    checkov: ['CKV2_AWS_6', 'CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'],
    check: (stack) =>
      ofType(stack, 'aws_s3_bucket').map((bucket) => {
        const pab = configOf(stack, 'aws_s3_bucket_public_access_block', bucket);
        const value = pab ? Object.fromEntries(BLOCKS.map((k) => [k, pab.attrs[k] ?? false])) : null;
        return check(
          bucket,
          'aws_s3_bucket_public_access_block',
          value,
          !!pab && BLOCKS.every((k) => isTrue(pab.attrs[k])),
        );
      }),
  },
  {
    id: 'CLX-STO-002',
    title: 'S3 bucket policies deny requests that do not use TLS',
    severity: 'error',
    rationale: 'Data in transit to a bucket must be encrypted; the deny makes plain HTTP fail instead of leak.',
    controls: { cis: ['2.1.1'], nist: ['SC-8', 'SC-8(1)'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_s3_bucket').map((bucket) => {
        const policy = configOf(stack, 'aws_s3_bucket_policy', bucket);
        const denies = (policyStatements(policy?.attrs.policy) ?? []).some(
          (s) =>
            s.Effect === 'Deny' && /"aws:SecureTransport":\s*(false|"false")/.test(JSON.stringify(s.Condition ?? {})),
        );
        return check(bucket, 'aws_s3_bucket_policy.Statement[Condition aws:SecureTransport=false]', denies, denies);
      }),
  },
  {
    id: 'CLX-STO-003',
    title: 'S3 buckets disable ACLs (bucket owner enforced)',
    severity: 'warning',
    rationale: 'With ACLs off, the bucket policy alone decides access, which is what the isolation review reads.',
    controls: { cis: [], nist: ['AC-3', 'AC-6'] },
    checkov: ['CKV2_AWS_65'],
    check: (stack) =>
      ofType(stack, 'aws_s3_bucket').map((bucket) => {
        const controls = configOf(stack, 'aws_s3_bucket_ownership_controls', bucket);
        const ownership = blocks(controls?.attrs.rule)[0]?.object_ownership ?? null;
        return check(
          bucket,
          'aws_s3_bucket_ownership_controls.rule.object_ownership',
          ownership,
          ownership === 'BucketOwnerEnforced',
        );
      }),
  },
];
