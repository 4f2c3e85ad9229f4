import {
  isTrue,
  blocks,
  ofType,
  policyStatements,
  isWildcardPrincipal,
  referencedResources,
  customerManagedKey,
  bucketConfig,
} from '../attributes';
import type { Resource, Rule, RuleContext, StackModel } from '../model';
import { check } from './check';

const KEY_ARGUMENTS = ['kms_key_id', 'kms_master_key_id', 'kms_key_arn'];

/**
 * Every KMS key argument of a resource's arguments, nested blocks included, with its path. The
 * path is spelled only for an argument found: this walks every argument of every resource.
 */
function keyArguments(value: unknown): { path: string; value: string }[] {
  const found: { path: string; value: string }[] = [];
  const trail: (string | number)[] = [];
  const spell = () => trail.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        trail.push(i);
        walk(v[i]);
        trail.pop();
      }
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      trail.push(k);
      if (KEY_ARGUMENTS.includes(k) && typeof child === 'string') found.push({ path: spell(), value: child });
      else walk(child);
      trail.pop();
    }
  };
  walk(value);
  return found;
}

function keyCheck(stack: StackModel, r: Resource, attribute: string, context: RuleContext) {
  const key = customerManagedKey(stack, r.attrs[attribute], context);
  return check(r, attribute, key.resolved, key.ok, `not a customer-managed key: ${key.why ?? ''}`);
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
    check: (stack, context) =>
      ofType(stack, 'aws_sns_topic').map((t) => keyCheck(stack, t, 'kms_master_key_id', context)),
  },
  {
    id: 'CLX-ENC-005',
    title: 'S3 buckets encrypt by default with a customer-managed KMS key',
    severity: 'error',
    rationale: 'Tenant data and logs must be encrypted under a key whose policy we control and can revoke.',
    controls: { cis: [], nist: ['SC-28', 'SC-28(1)'] },
    checkov: ['CKV_AWS_145'],
    check: (stack, context) =>
      ofType(stack, 'aws_s3_bucket').map((bucket) => {
        const config = bucketConfig(stack, 'aws_s3_bucket_server_side_encryption_configuration', bucket);
        const rule = blocks(config?.attrs.rule)[0];
        const sse = blocks(rule?.apply_server_side_encryption_by_default)[0];
        const ok = sse?.sse_algorithm === 'aws:kms' || sse?.sse_algorithm === 'aws:kms:dsse';
        const key = customerManagedKey(stack, sse?.kms_master_key_id, context);
        return check(
          bucket,
          'server_side_encryption_configuration.rule.apply_server_side_encryption_by_default',
          sse ? { sse_algorithm: sse.sse_algorithm, kms_master_key_id: key.resolved } : null,
          ok && key.ok,
          !config
            ? 'no aws_s3_bucket_server_side_encryption_configuration for this bucket'
            : !ok
              ? 'default encryption is not SSE-KMS'
              : `not a customer-managed key: ${key.why ?? ''}`,
        );
      }),
  },
  {
    id: 'CLX-ENC-006',
    title: 'CloudWatch log groups are encrypted with a KMS key',
    severity: 'error',
    rationale:
      'Flow and audit logs reveal the network layout and tenant traffic; they are encrypted under a key we control.',
    controls: { cis: [], nist: ['SC-28', 'AU-9'] },
    checkov: ['CKV_AWS_158'],
    check: (stack, context) =>
      ofType(stack, 'aws_cloudwatch_log_group').map((g) => keyCheck(stack, g, 'kms_key_id', context)),
  },
  {
    id: 'CLX-ENC-007',
    title: 'Launch template volumes are encrypted',
    severity: 'error',
    rationale: 'Node root and scratch volumes hold tenant checkpoints and credentials.',
    controls: { cis: [], nist: ['SC-28'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_launch_template').flatMap((lt) => {
        const ebs = blocks(lt.attrs.block_device_mappings).filter((m) => blocks(m.ebs).length > 0);
        // Without a mapping the root volume is whatever the AMI's snapshot is: not evidenced as encrypted.
        if (ebs.length === 0)
          return [
            check(
              lt,
              'block_device_mappings[].ebs.encrypted',
              null,
              false,
              'no EBS block device mapping: the root volume takes its encryption from the AMI',
            ),
          ];
        return ebs.map((m) => {
          const e = blocks(m.ebs)[0];
          return check(
            lt,
            `block_device_mappings[${String(m.device_name)}].ebs.encrypted`,
            e.encrypted ?? null,
            isTrue(e.encrypted),
          );
        });
      }),
  },
  {
    id: 'CLX-ENC-008',
    title: 'EBS volumes and instance root volumes are encrypted',
    severity: 'error',
    rationale: 'Unencrypted block storage leaves data readable from snapshots and decommissioned disks.',
    controls: { cis: [], nist: ['SC-28'] },
    checkov: ['CKV_AWS_3', 'CKV_AWS_8'],
    check: (stack) => [
      ...ofType(stack, 'aws_ebs_volume').map((v) =>
        check(v, 'encrypted', v.attrs.encrypted, isTrue(v.attrs.encrypted)),
      ),
      ...ofType(stack, 'aws_instance').flatMap((i) => {
        const root = blocks(i.attrs.root_block_device)[0];
        return [
          check(i, 'root_block_device.encrypted', root?.encrypted, isTrue(root?.encrypted)),
          ...blocks(i.attrs.ebs_block_device).map((d) =>
            check(i, `ebs_block_device[${String(d.device_name)}].encrypted`, d.encrypted ?? null, isTrue(d.encrypted)),
          ),
        ];
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
    // Key arguments at any depth: launch template block devices, bucket encryption rules, ...
    check: (stack) =>
      stack.resources.flatMap((r) =>
        keyArguments(r.attrs).map(({ path, value }) =>
          check(r, path, value, !/(^|:)alias\/aws\//.test(String(value)), 'an AWS-managed key alias'),
        ),
      ),
  },
];
