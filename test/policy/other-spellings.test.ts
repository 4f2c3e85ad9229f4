// The violations the guards changed for speed must catch, spelled other ways than their own
// tests spell them, beside benign look-alikes: the shared IAM wildcard matcher (compliance and
// isolation), CLX-ENC-010's walk, and the cross-stack reference check fed by the key sort.
import { App, LocalBackend, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { goodKey, model, ref, rowsOf } from './fixtures';
import { SelfContainedStack, foreignReferences } from '../../stacks/stack-references';
import { sortStackJson } from '../../stacks/stack-file';
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

describe('reference into another stack, spelled other ways (synth fails)', () => {
  class Plain extends SelfContainedStack {
    constructor(scope: App, id: string) {
      super(scope, id);
      new AwsProvider(this, 'aws', { region: 'us-east-1' });
      new LocalBackend(this, { path: `${id}.tfstate` });
    }
  }
  it('inside a function, in a list, in a tag key, and from a data source', () => {
    const app = Testing.app();
    const a = new Plain(app, 'a');
    const vpc = new Vpc(a, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const d = new DataAwsVpc(a, 'dv', { default: true });
    const b = new Plain(app, 'b');
    new Subnet(b, 'subnet', {
      vpcId: 'vpc-1',
      cidrBlock: '10.0.0.0/24',
      tags: { [`k-${vpc.id}`]: 'x', joined: `\${join(",", [${vpc.arn}])}`, data: d.id },
    });
    expect(() => Testing.synth(b)).toThrow(/references what it does not declare/);
    try {
      Testing.synth(b);
    } catch (e) {
      expect(JSON.stringify((e as { problems?: string[] }).problems)).toMatch(/aws_vpc\.vpc/);
      expect(JSON.stringify((e as { problems?: string[] }).problems)).toMatch(/data\.aws_vpc\.dv/);
    }
  });
  it('collects what the check needs from keys and nested values (benign: own references pass)', () => {
    const { json, interpolating } = sortStackJson({
      resource: { aws_vpc: { own: { tags: { '${aws_vpc.own.id}': '${upper(aws_vpc.own.arn)}' } } } },
    });
    expect(foreignReferences(json, interpolating)).toEqual([]);
    expect(interpolating.length).toBe(2);
  });
});
