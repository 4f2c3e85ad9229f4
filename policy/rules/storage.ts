import { asList, blocks, bucketConfig, isTrue, referencedResources, type PolicyStatement, ofType } from '../attributes';
import { readPolicy } from '../policy-documents';
import type { Resource, Rule, StackModel } from '../model';
import { check } from './check';

const configOf = (stack: StackModel, type: string, bucket: Resource) => bucketConfig(stack, type, bucket);

const ALL_S3 = ['s3:*', '*'];

/**
 * A deny that holds for every request without TLS: every principal, every S3 action, the
 * bucket and its objects, and no condition but aws:SecureTransport = false.
 */
function isTlsDeny(stack: StackModel, s: PolicyStatement, bucket: Resource): boolean {
  if (s.Effect !== 'Deny') return false;
  const p = s.Principal;
  const everyone =
    p === '*' || (!!p && typeof p === 'object' && asList((p as Record<string, unknown>).AWS).includes('*'));
  if (!everyone || (s as Record<string, unknown>).NotPrincipal !== undefined) return false;
  if (s.NotAction !== undefined || !asList(s.Action).some((a) => ALL_S3.includes(String(a).toLowerCase())))
    return false;
  const resources = asList(s.Resource).map(String);
  const name = String(bucket.attrs.bucket ?? '');
  const isBucket = (r: string) =>
    r === '*' || referencedResources(stack, r).includes(bucket) || r === `arn:aws:s3:::${name}`;
  const bucketArn = resources.some((r) => isBucket(r) && !r.endsWith('/*'));
  const objects = resources.some((r) => r === '*' || (r.endsWith('/*') && isBucket(r.slice(0, -2))));
  if (!bucketArn || !objects) return false;
  const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const operators = Object.keys(condition);
  if (operators.length !== 1 || operators[0] !== 'Bool') return false;
  const keys = Object.entries(condition.Bool ?? {});
  return (
    keys.length === 1 &&
    keys[0][0] === 'aws:SecureTransport' &&
    asList(keys[0][1]).length === 1 &&
    String(asList(keys[0][1])[0]) === 'false'
  );
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
        const read = policy ? readPolicy(stack, policy.attrs.policy) : { unreadable: 'no aws_s3_bucket_policy' };
        const denies = 'statements' in read && read.statements.some((s) => isTlsDeny(stack, s, bucket));
        return check(
          bucket,
          'aws_s3_bucket_policy.Statement[Deny * s3:* bucket+objects if aws:SecureTransport=false]',
          denies,
          denies,
          'unreadable' in read
            ? read.unreadable
            : 'no Deny of every principal and S3 action on the bucket and its objects when aws:SecureTransport is false',
        );
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
