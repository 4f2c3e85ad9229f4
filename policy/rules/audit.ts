import { asList, blocks, customerManagedKey, isTrue, ofType, referencedResources } from '../attributes';
import type { Check, Resource, Rule, RuleContext, StackModel } from '../model';
import { check } from './check';

/** Whether config expects this stack to be the environment's audit stack. */
function auditExpected(stack: StackModel, context: RuleContext) {
  return context.expected?.(stack.name)?.audit;
}

/** Trails of the stack; in the audit stack, a missing trail is itself a failure. */
function trails(stack: StackModel, context: RuleContext, judge: (trail: Resource) => Check): Check[] {
  const found = ofType(stack, 'aws_cloudtrail');
  if (found.length === 0 && auditExpected(stack, context))
    return [
      check(
        { address: 'aws_cloudtrail', path: stack.name },
        'aws_cloudtrail',
        null,
        false,
        'the audit stack has no CloudTrail trail',
      ),
    ];
  return found.map(judge);
}

const notFalse = (v: unknown) => v === undefined || isTrue(v);

/** The bucket a trail writes to, when it is a bucket of the stack. */
function trailBucket(stack: StackModel, trail: Resource): Resource | undefined {
  return referencedResources(stack, trail.attrs.s3_bucket_name).find((r) => r.type === 'aws_s3_bucket');
}

/** S3 object prefixes a trail records, with the read/write type of each selector. */
function dataEvents(trail: Resource): { prefix: string; readWrite: string }[] {
  return blocks(trail.attrs.event_selector).flatMap((sel) =>
    blocks(sel.data_resource)
      .filter((d) => d.type === 'AWS::S3::Object')
      .flatMap((d) =>
        asList(d.values).map((v) => ({ prefix: String(v), readWrite: String(sel.read_write_type ?? 'All') })),
      ),
  );
}

export const auditRules: Rule[] = [
  {
    id: 'CLX-AUD-001',
    title: 'CloudTrail is enabled in every region, logging, with global service and management events',
    severity: 'error',
    rationale: 'The trail is the record of every API call on the account: who changed what, in any region.',
    controls: { cis: ['3.1'], nist: ['AU-2', 'AU-3', 'AU-12'] },
    checkov: ['CKV_AWS_67'],
    check: (stack, context) =>
      trails(stack, context, (t) => {
        const selectors = blocks(t.attrs.event_selector);
        const value = {
          is_multi_region_trail: t.attrs.is_multi_region_trail ?? false,
          include_global_service_events: t.attrs.include_global_service_events ?? true,
          enable_logging: t.attrs.enable_logging ?? true,
          management_events:
            selectors.length === 0 ||
            selectors.some((s) => notFalse(s.include_management_events) && (s.read_write_type ?? 'All') === 'All'),
        };
        return check(
          t,
          'is_multi_region_trail/include_global_service_events/enable_logging/event_selector',
          value,
          isTrue(value.is_multi_region_trail) &&
            notFalse(value.include_global_service_events) &&
            notFalse(value.enable_logging) &&
            value.management_events,
          "the trail does not record every region's read and write management events",
        );
      }),
  },
  {
    id: 'CLX-AUD-002',
    title: 'CloudTrail log file validation is enabled',
    severity: 'error',
    rationale: 'Digest files prove a log file was not changed or deleted after CloudTrail delivered it.',
    controls: { cis: ['3.2'], nist: ['AU-9', 'AU-9(3)'] },
    checkov: ['CKV_AWS_36'],
    check: (stack, context) =>
      trails(stack, context, (t) =>
        check(
          t,
          'enable_log_file_validation',
          t.attrs.enable_log_file_validation ?? false,
          isTrue(t.attrs.enable_log_file_validation),
        ),
      ),
  },
  {
    id: 'CLX-AUD-003',
    title: 'CloudTrail logs are encrypted with a customer-managed KMS key',
    severity: 'error',
    rationale: 'Reading the trail then takes the key as well as the bucket: two permissions an attacker must hold.',
    controls: { cis: ['3.5'], nist: ['AU-9', 'SC-28'] },
    checkov: ['CKV_AWS_35'],
    check: (stack, context) =>
      trails(stack, context, (t) => {
        const key = customerManagedKey(stack, t.attrs.kms_key_id, context);
        return check(t, 'kms_key_id', key.resolved, key.ok, `not a customer-managed key: ${key.why ?? ''}`);
      }),
  },
  {
    id: 'CLX-AUD-004',
    title: 'The CloudTrail bucket is a bucket of this stack, with server access logging',
    severity: 'error',
    rationale: 'Access logging on the trail bucket records who read or tried to delete the evidence.',
    controls: { cis: ['3.4'], nist: ['AU-9', 'AU-12'] },
    checkov: ['CKV_AWS_18'],
    check: (stack, context) =>
      trails(stack, context, (t) => {
        const bucket = trailBucket(stack, t);
        const logging = bucket
          ? ofType(stack, 'aws_s3_bucket_logging').find((l) =>
              referencedResources(stack, l.attrs.bucket).includes(bucket),
            )
          : undefined;
        const target = logging ? referencedResources(stack, logging.attrs.target_bucket)[0] : undefined;
        return check(
          t,
          's3_bucket_name -> aws_s3_bucket_logging.target_bucket',
          {
            bucket: bucket?.address ?? t.attrs.s3_bucket_name ?? null,
            accessLogsTo: target?.address ?? logging?.attrs.target_bucket ?? null,
          },
          !!bucket && !!logging && target !== bucket,
          !bucket
            ? 'the trail writes to a bucket this stack does not manage'
            : 'the trail bucket has no access logging to another bucket',
        );
      }),
  },
  {
    id: 'CLX-AUD-005',
    title: 'CloudTrail records S3 object reads and writes of every tenant data bucket',
    severity: 'error',
    rationale:
      'Tenant data access is evidence a tenant and an auditor will ask for; management events alone do not show object reads.',
    controls: { cis: ['3.8', '3.9'], nist: ['AU-2', 'AU-12', 'AC-6(9)'] },
    checkov: [],
    check: (stack, context) => {
      const expected = auditExpected(stack, context)?.tenantBuckets;
      if (expected === undefined) return [];
      const recorded = ofType(stack, 'aws_cloudtrail').flatMap((t) =>
        dataEvents(t)
          .filter((d) => d.readWrite === 'All')
          .map((d) => ({ ...d, trail: t })),
      );
      if (ofType(stack, 'aws_cloudtrail').some((t) => t.attrs.advanced_event_selector !== undefined))
        return [
          check(
            { address: 'aws_cloudtrail', path: stack.name },
            'advanced_event_selector',
            null,
            false,
            'advanced event selectors are not read by this rule; use event_selector',
          ),
        ];
      return expected.map((bucket) => {
        const hit = recorded.find(
          (d) => d.prefix === `arn:aws:s3:::${bucket}/` || d.prefix === 'arn:aws:s3' || d.prefix === 'arn:aws:s3:::',
        );
        return check(
          hit?.trail ?? { address: `tenant-bucket:${bucket}`, path: stack.name },
          'event_selector[read_write_type=All].data_resource[AWS::S3::Object].values',
          { bucket, recordedAs: hit?.prefix ?? null },
          hit !== undefined,
          `no trail records reads and writes of objects in ${bucket}`,
        );
      });
    },
  },
  {
    id: 'CLX-AUD-006',
    title: 'AWS Config records every resource type, global ones included, is enabled and has a delivery channel',
    severity: 'error',
    rationale:
      'The configuration history shows what each resource looked like at any time, the baseline an investigation compares against.',
    controls: { cis: ['3.3'], nist: ['CM-8', 'CM-2(2)', 'AU-12'] },
    checkov: [],
    check: (stack, context) => {
      const recorders = ofType(stack, 'aws_config_configuration_recorder');
      if (recorders.length === 0 && auditExpected(stack, context))
        return [
          check(
            { address: 'aws_config_configuration_recorder', path: stack.name },
            'aws_config_configuration_recorder',
            null,
            false,
            'the audit stack has no AWS Config recorder',
          ),
        ];
      return recorders.map((r) => {
        const group = blocks(r.attrs.recording_group)[0] ?? {};
        const channel = ofType(stack, 'aws_config_delivery_channel')[0];
        const status = ofType(stack, 'aws_config_configuration_recorder_status').find(
          (s) => referencedResources(stack, s.attrs.name).includes(r) || s.attrs.name === r.attrs.name,
        );
        const value = {
          all_supported: group.all_supported ?? true,
          include_global_resource_types: group.include_global_resource_types ?? false,
          delivery_channel: channel?.address ?? null,
          enabled: status?.attrs.is_enabled ?? null,
        };
        return check(
          r,
          'recording_group/delivery channel/recorder status',
          value,
          isTrue(value.all_supported) &&
            isTrue(value.include_global_resource_types) &&
            !!channel &&
            isTrue(value.enabled),
          'the recorder misses resource types, has no delivery channel or is not enabled',
        );
      });
    },
  },
  {
    id: 'CLX-AUD-007',
    title: 'EBS encryption by default is enabled in the region',
    severity: 'error',
    rationale: 'Region-wide default encryption covers every volume, including ones created outside this code.',
    controls: { cis: ['2.2.1'], nist: ['SC-28'] },
    checkov: [],
    check: (stack, context) => {
      const found = ofType(stack, 'aws_ebs_encryption_by_default');
      if (found.length === 0 && auditExpected(stack, context))
        return [
          check(
            { address: 'aws_ebs_encryption_by_default', path: stack.name },
            'aws_ebs_encryption_by_default',
            null,
            false,
            'the audit stack does not enable EBS encryption by default',
          ),
        ];
      return found.map((r) => check(r, 'enabled', r.attrs.enabled ?? true, notFalse(r.attrs.enabled)));
    },
  },
];
