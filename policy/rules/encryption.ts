import {
  isTrue,
  blocks,
  ofType,
  policyStatements,
  isWildcardPrincipal,
  asList,
  referencedResources,
} from '../attributes';
import type { Rule } from '../model';
import { check } from './check';

const KMS_ARN = /^arn:aws[a-z-]*:kms:/;

/** Whether a key argument names a customer-managed key: a reference to a key or alias of the stack, or a key ARN. */
function isCustomerManagedKey(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  if (/\$\{aws_kms_(key|alias)\./.test(value) || /\$\{data\.terraform_remote_state\./.test(value)) return true;
  // alias/aws/<service> is an AWS-managed key: no key policy or rotation under our control.
  return KMS_ARN.test(value) && !/:alias\/aws\//.test(value);
}

export const encryptionRules: Rule[] = [
  {
    id: 'CLX-ENC-001',
    title: 'KMS keys rotate automatically',
    severity: 'error',
    rationale: 'Rotation limits the data encrypted under one key version and the blast radius of a leaked key.',
    controls: { cis: ['3.6'], nist: ['SC-12', 'SC-28'] },
    checkov: ['CKV_AWS_7'],
    check: (stack) =>
      ofType(stack, 'aws_kms_key')
        .filter((k) => (k.attrs.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT')
        .map((k) => check(k, 'enable_key_rotation', k.attrs.enable_key_rotation, isTrue(k.attrs.enable_key_rotation))),
  },
  {
    id: 'CLX-ENC-002',
    title: 'KMS keys carry an explicit key policy',
    severity: 'error',
    rationale:
      'Without an explicit policy AWS applies the default one, which lets any IAM principal of the account with kms permissions use the key.',
    controls: { cis: [], nist: ['AC-3', 'SC-12'] },
    checkov: ['CKV2_AWS_64'],
    check: (stack) =>
      ofType(stack, 'aws_kms_key').map((k) => {
        const hasPolicy = typeof k.attrs.policy === 'string' && k.attrs.policy.length > 0;
        const attached = ofType(stack, 'aws_kms_key_policy').some((p) =>
          referencedResources(stack, p.attrs.key_id).includes(k),
        );
        return check(k, 'policy', hasPolicy ? '<policy document>' : (k.attrs.policy ?? null), hasPolicy || attached);
      }),
  },
  {
    id: 'CLX-ENC-003',
    title: 'KMS key policies grant nothing to a wildcard principal without a condition',
    severity: 'error',
    rationale: 'A wildcard principal opens the key to every AWS account unless a condition narrows it.',
    controls: { cis: [], nist: ['AC-3', 'AC-6'] },
    checkov: ['CKV_AWS_33'],
    check: (stack) =>
      [...ofType(stack, 'aws_kms_key'), ...ofType(stack, 'aws_kms_key_policy')]
        .filter((k) => policyStatements(k.attrs.policy) !== undefined)
        .map((k) => {
          const open = (policyStatements(k.attrs.policy) ?? []).filter(
            (s) => s.Effect === 'Allow' && isWildcardPrincipal(s.Principal) && !s.Condition,
          );
          return check(
            k,
            'policy.Statement[].Principal',
            open.length ? open.map((s) => s.Sid ?? '(no Sid)') : 'no wildcard',
            open.length === 0,
          );
        }),
  },
  {
    id: 'CLX-ENC-004',
    title: 'SNS topics are encrypted with a customer-managed KMS key',
    severity: 'error',
    rationale:
      'Alert payloads name facilities and tenants; the AWS-managed SNS key cannot be granted to CloudWatch alarms.',
    controls: { cis: [], nist: ['SC-28', 'SC-28(1)'] },
    checkov: ['CKV_AWS_26'],
    check: (stack) =>
      ofType(stack, 'aws_sns_topic').map((t) =>
        check(t, 'kms_master_key_id', t.attrs.kms_master_key_id, isCustomerManagedKey(t.attrs.kms_master_key_id)),
      ),
  },
  {
    id: 'CLX-ENC-005',
    title: 'S3 buckets encrypt by default with a customer-managed KMS key',
    severity: 'error',
    rationale: 'Tenant data and logs must be encrypted under a key whose policy we control and can revoke.',
    controls: { cis: [], nist: ['SC-28', 'SC-28(1)'] },
    checkov: ['CKV_AWS_145'],
    check: (stack) => {
      const configs = ofType(stack, 'aws_s3_bucket_server_side_encryption_configuration');
      return ofType(stack, 'aws_s3_bucket').map((bucket) => {
        const config = configs.find((c) => referencedResources(stack, c.attrs.bucket).includes(bucket));
        const rule = blocks(config?.attrs.rule)[0];
        const sse = blocks(rule?.apply_server_side_encryption_by_default)[0];
        const ok = sse?.sse_algorithm === 'aws:kms' || sse?.sse_algorithm === 'aws:kms:dsse';
        const keyed = ok && isCustomerManagedKey(sse?.kms_master_key_id);
        return check(
          bucket,
          'server_side_encryption_configuration.rule.apply_server_side_encryption_by_default',
          sse ? { sse_algorithm: sse.sse_algorithm, kms_master_key_id: sse.kms_master_key_id ?? null } : null,
          keyed,
          config
            ? 'default encryption is not SSE-KMS with a customer-managed key'
            : 'no aws_s3_bucket_server_side_encryption_configuration for this bucket',
        );
      });
    },
  },
  {
    id: 'CLX-ENC-006',
    title: 'CloudWatch log groups are encrypted with a KMS key',
    severity: 'error',
    rationale:
      'Flow and audit logs reveal the network layout and tenant traffic; they are encrypted under a key we control.',
    controls: { cis: [], nist: ['SC-28', 'AU-9'] },
    checkov: ['CKV_AWS_158'],
    check: (stack) =>
      ofType(stack, 'aws_cloudwatch_log_group').map((g) =>
        check(g, 'kms_key_id', g.attrs.kms_key_id, isCustomerManagedKey(g.attrs.kms_key_id)),
      ),
  },
  {
    id: 'CLX-ENC-007',
    title: 'Launch template volumes are encrypted',
    severity: 'error',
    rationale: 'Node root and scratch volumes hold tenant checkpoints and credentials.',
    controls: { cis: ['2.2.1'], nist: ['SC-28'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_launch_template').flatMap((lt) =>
        blocks(lt.attrs.block_device_mappings)
          .filter((m) => blocks(m.ebs).length > 0)
          .map((m) => {
            const ebs = blocks(m.ebs)[0];
            return check(
              lt,
              `block_device_mappings[${String(m.device_name)}].ebs.encrypted`,
              ebs.encrypted,
              isTrue(ebs.encrypted),
            );
          }),
      ),
  },
  {
    id: 'CLX-ENC-008',
    title: 'EBS volumes and instance root volumes are encrypted',
    severity: 'error',
    rationale: 'Unencrypted block storage leaves data readable from snapshots and decommissioned disks.',
    controls: { cis: ['2.2.1'], nist: ['SC-28'] },
    checkov: ['CKV_AWS_3', 'CKV_AWS_8'],
    check: (stack) => [
      ...ofType(stack, 'aws_ebs_volume').map((v) =>
        check(v, 'encrypted', v.attrs.encrypted, isTrue(v.attrs.encrypted)),
      ),
      ...ofType(stack, 'aws_instance').map((i) => {
        const root = blocks(i.attrs.root_block_device)[0];
        return check(i, 'root_block_device.encrypted', root?.encrypted, isTrue(root?.encrypted));
      }),
    ],
  },
  {
    id: 'CLX-ENC-009',
    title: 'Remote Terraform state is encrypted',
    severity: 'error',
    rationale: 'State holds every resource attribute, including generated secrets.',
    controls: { cis: [], nist: ['SC-28', 'CP-9'] },
    checkov: [],
    check: (stack) => {
      const s3 = stack.backend.s3;
      if (!s3) return [];
      const encrypted = isTrue(s3.encrypt) || typeof s3.kms_key_id === 'string';
      return [check({ address: 'terraform.backend.s3', path: stack.name }, 'encrypt', s3.encrypt, encrypted)];
    },
  },
  {
    id: 'CLX-ENC-010',
    title: 'Resources encrypted by KMS name a key managed in code, not an AWS-managed alias',
    severity: 'warning',
    rationale: 'AWS-managed keys (alias/aws/*) cannot have their policy restricted or their rotation evidenced.',
    controls: { cis: [], nist: ['SC-12'] },
    checkov: [],
    check: (stack) =>
      stack.resources.flatMap((r) =>
        ['kms_key_id', 'kms_master_key_id', 'kms_key_arn']
          .filter((attr) => typeof r.attrs[attr] === 'string')
          .map((attr) =>
            check(r, attr, r.attrs[attr], !asList(r.attrs[attr]).some((v) => /alias\/aws\//.test(String(v)))),
          ),
      ),
  },
];
