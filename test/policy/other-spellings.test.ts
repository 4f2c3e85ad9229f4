// The violations the guards changed for speed must catch, spelled other ways than their own
// tests spell them, beside benign look-alikes: the shared IAM wildcard matcher (compliance and
// isolation) and CLX-ENC-010's walk. The cross-stack reference check fed by the key sort has
// its own in test/stacks/stack-references.test.ts.
import { goodKey, model, ref, rowsOf } from './fixtures';
import { decide, parsePolicy, wildcardMatch } from '../../policy/isolation/iam/policy';

const KEY = ref('aws_kms_key', 'k', 'arn');
const fails = (rule: string, resources: Parameters<typeof model>[0]) =>
  rowsOf(rule, model(resources))
    .filter((r) => r.status === 'fail')
    .map((r) => `${r.address} ${r.evidence?.attribute}`);
const policy = (actions: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*', ...extra }] });

describe('CLX-ENC-010 (AWS-managed key), spelled other ways', () => {
  it('fails an alias ARN deep in a launch template block device, and kms_key_arn', () => {
    expect(
      fails('CLX-ENC-010', {
        aws_launch_template: {
          lt: { block_device_mappings: [{ ebs: { kms_key_id: 'arn:aws:kms:us-east-1:111111111111:alias/aws/ebs' } }] },
        },
        aws_lambda_function: { f: { kms_key_arn: 'alias/aws/lambda' } },
      }),
    ).toEqual(['aws_launch_template.lt block_device_mappings[0].ebs.kms_key_id', 'aws_lambda_function.f kms_key_arn']);
  });
  it('passes a customer key at the same depths (benign)', () => {
    expect(
      fails('CLX-ENC-010', {
        aws_kms_key: { k: goodKey },
        aws_launch_template: { lt: { block_device_mappings: [{ ebs: { kms_key_id: KEY } }] } },
      }),
    ).toEqual([]);
  });
});

describe('CLX-IAM-010 (escalation) through the shared wildcard matcher', () => {
  it.each([
    ['lower case', ['iam:passrole', 'EC2:RUNINSTANCES']],
    ['? and * wildcards', ['iam:PassRol?', 'ec2:Run*']],
    ['a service wildcard and everything', ['iam:*', '*']],
  ])('fails %s', (_what, actions) => {
    expect(fails('CLX-IAM-010', { aws_iam_policy: { p: { policy: policy(actions) } } }).length).toBeGreaterThan(0);
  });
  it('fails NotAction that leaves PassRole and RunInstances in', () => {
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', NotAction: ['s3:*'], Resource: '*' }],
    });
    expect(fails('CLX-IAM-010', { aws_iam_policy: { p: { policy: doc } } }).length).toBeGreaterThan(0);
  });
  it('passes read-only look-alikes (benign)', () => {
    expect(
      fails('CLX-IAM-010', { aws_iam_policy: { p: { policy: policy(['iam:PassRolePolicy?', 'ec2:Describe*']) } } }),
    ).toEqual([]);
  });
});

describe('isolation matcher', () => {
  it('matches ARNs exactly and actions case-insensitively, across newlines too', () => {
    expect(wildcardMatch('arn:aws:s3:::tenant-a-*', 'arn:aws:s3:::tenant-b-data')).toBe(false);
    expect(wildcardMatch('arn:aws:s3:::tenant-?-data', 'arn:aws:s3:::tenant-b-data')).toBe(true);
    expect(wildcardMatch('ARN:aws:s3:::x', 'arn:aws:s3:::x')).toBe(false);
    expect(wildcardMatch('S3:Get*', 's3:getobject', true)).toBe(true);
  });
  it('still decides an ArnLike condition it can read, and cannot prove one it cannot', () => {
    const doc = (op: string) =>
      parsePolicy({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { [op]: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/tenant-b-*' } },
          },
        ],
      });
    const req = {
      principalArn: 'arn:aws:iam::111111111111:role/tenant-b-node',
      principalAccount: '111111111111',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::x',
      context: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/tenant-b-node'] },
      chosen: () => false,
      known: (k: string) => k === 'aws:PrincipalArn',
    };
    const other = { ...req, context: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/tenant-a-node'] } };
    const like = doc('ArnLike');
    const weird = doc('ArnLikeSomething');
    expect(like.ok && decide(like.statements, req as never).allow).toBe('yes');
    expect(like.ok && decide(like.statements, other as never).allow).toBe('no');
    expect(weird.ok && decide(weird.statements, req as never).allow).toEqual({
      unknown: 'condition operator ArnLikeSomething is not modeled',
    });
  });
});
