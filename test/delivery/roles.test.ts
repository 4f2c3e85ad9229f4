import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../config/load';
import { actionMatches } from '../../policy/policy-documents';
import { boundaryEscalations, documentBoundaryEscalations } from '../../policy/boundary-escalation';
import { tenantAccountNames } from '../../config/account-names';
import { deployBoundary, deployPolicy, planPolicy, roleBoundaries } from '../../constructs/delivery/delivery-policies';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { resourcesOf, synthStack, type SynthJson } from '../helpers/synth';

/** The bootstrap stack's GitHub OIDC provider and the plan and deploy roles. */

interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statements = (doc: string): Statement[] => (JSON.parse(doc) as { Statement: Statement[] }).Statement;

function staging(edits: [readonly (string | number)[], unknown][] = []) {
  const doc = parseDocument(
    readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'staging.yaml'), 'utf8'),
  );
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  return parseConfig(doc.toString(), 'staging-variant.yaml');
}
const bootstrap = (config = staging()): SynthJson =>
  synthStack(new BootstrapStack(Testing.app(), 'staging-bootstrap', { config }));
const roles = (json: SynthJson) =>
  Object.values(resourcesOf(json, 'aws_iam_role')).map((r) => ({
    name: r.name as string,
    trust: statements(r.assume_role_policy as string)[0]!,
    boundary: r.permissions_boundary as string,
  }));

const SCOPE = {
  accountId: '222222222222',
  region: 'us-east-1',
  stateBucketArn: 'arn:aws:s3:::colossus-infra-state-staging',
  stateKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/00000000-0000-0000-0000-000000000000',
  keyPrefix: 'colossus-infra/staging',
};
const BOUNDS = roleBoundaries(SCOPE.accountId, 'staging-github-deploy-boundary', 'staging');

describe('delivery roles in the bootstrap stack', () => {
  const json = bootstrap();

  it('creates GitHub’s OIDC provider for the STS audience, with no thumbprint', () => {
    const [provider] = Object.values(resourcesOf(json, 'aws_iam_openid_connect_provider'));
    expect(provider).toMatchObject({
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    expect(provider).not.toHaveProperty('thumbprint_list');
  });

  it('trusts the plan role for pull requests and the default branch of the repository only', () => {
    const plan = roles(json).find((r) => r.name === 'staging-github-plan')!;
    expect(plan.trust).toEqual({
      Sid: 'GitHubActions',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': [
            'repo:colossus-infra/colossus-infra:pull_request',
            'repo:colossus-infra/colossus-infra:ref:refs/heads/main',
          ],
        },
      },
    });
  });

  it('trusts the deploy role for jobs of the GitHub environment of the same name only', () => {
    const deploy = roles(json).find((r) => r.name === 'staging-github-deploy')!;
    expect(deploy.trust.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': ['repo:colossus-infra/colossus-infra:environment:staging'],
      },
    });
    expect(deploy.boundary).toMatch(/^\$\{aws_iam_policy\.deploy-role_boundary_[A-F0-9]+\.arn\}$/);
  });

  it('bounds both roles', () => {
    expect(roles(json).map((r) => r.boundary)).toEqual([
      expect.stringMatching(/aws_iam_policy/),
      expect.stringMatching(/aws_iam_policy/),
    ]);
  });

  it('takes the GitHub environment and branch from the environment file', () => {
    const json2 = bootstrap(
      staging([
        [['environment', 'delivery', 'githubEnvironment'], 'staging-approved'],
        [['environment', 'delivery', 'defaultBranch'], 'trunk'],
      ]),
    );
    const subs = roles(json2).map((r) => r.trust.Condition!.StringEquals!['token.actions.githubusercontent.com:sub']);
    expect(subs).toEqual(
      expect.arrayContaining([
        ['repo:colossus-infra/colossus-infra:environment:staging-approved'],
        ['repo:colossus-infra/colossus-infra:pull_request', 'repo:colossus-infra/colossus-infra:ref:refs/heads/trunk'],
      ]),
    );
  });

  it('uses an existing provider when told to, trusting it by ARN', () => {
    const json2 = bootstrap(staging([[['environment', 'delivery', 'createOidcProvider'], false]]));
    expect(resourcesOf(json2, 'aws_iam_openid_connect_provider')).toEqual({});
    expect(roles(json2)).toHaveLength(2);
  });

  it('creates nothing of it without delivery in the environment file', () => {
    const json2 = bootstrap(staging([[['environment', 'delivery'], undefined]]));
    expect(resourcesOf(json2, 'aws_iam_role')).toEqual({});
    expect(resourcesOf(json2, 'aws_iam_openid_connect_provider')).toEqual({});
  });
});

/** Whether an ARN pattern of the boundary matches every ARN the policy's pattern does (its * match any text). */
function globCovers(pattern: string, resource: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(resource);
}

/**
 * Whether the boundary's condition lets through everything the policy's does: the same operators
 * and keys, each with at least the policy's values (the boundary may allow more services).
 */
function conditionCovers(boundary: unknown, policy: unknown): boolean {
  if (boundary === undefined || boundary === null) return true;
  if (policy === undefined || policy === null) return false;
  const b = boundary as Record<string, Record<string, unknown>>;
  const p = policy as Record<string, Record<string, unknown>>;
  return Object.entries(b).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => {
      const wanted = p[operator]?.[key];
      return (
        wanted !== undefined &&
        list(wanted as string | string[]).every((v) => list(values as string | string[]).includes(v))
      );
    }),
  );
}

describe('delivery policies', () => {
  const PROTECTED = ['arn:aws:iam::222222222222:role/staging-github-deploy'];

  it('gives the plan role reads only, and no object or decrypt beyond the state', () => {
    const all = statements(planPolicy(SCOPE));
    const actions = all.flatMap((s) => list(s.Action));
    const write = actions.filter((a) => !/^[a-z0-9-]+:(Describe|Get|List|Search)/.test(a));
    expect(write).toEqual(['kms:Decrypt']);
    for (const s of all.filter((x) => list(x.Action).some((a) => a === 's3:GetObject' || a === 'kms:Decrypt'))) {
      expect(list(s.Resource).every((r) => r.startsWith(SCOPE.stateBucketArn) || r === SCOPE.stateKeyArn)).toBe(true);
    }
  });

  it('keeps every deploy action under the boundary, so the boundary takes nothing the apply needs', () => {
    const boundary = statements(deployBoundary(SCOPE, BOUNDS, { arns: PROTECTED })).filter((s) => s.Effect === 'Allow');
    const missing: string[] = [];
    for (const s of statements(deployPolicy(SCOPE, BOUNDS))) {
      for (const action of list(s.Action)) {
        const concrete = action.replace(/\*/g, 'Anything');
        for (const resource of list(s.Resource)) {
          const covered = boundary.some(
            (b) =>
              list(b.Action).some((p) => actionMatches(p, concrete)) &&
              list(b.Resource).some((r) => globCovers(r, resource)) &&
              conditionCovers(b.Condition, s.Condition),
          );
          if (!covered) missing.push(`${action} on ${resource}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('denies the deploy role its own identities and the loss of the state', () => {
    const denies = statements(deployBoundary(SCOPE, BOUNDS, { arns: PROTECTED })).filter((s) => s.Effect === 'Deny');
    expect(denies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'iam:*', Resource: PROTECTED }),
        expect.objectContaining({
          Action: expect.arrayContaining(['s3:DeleteBucket']),
          Resource: SCOPE.stateBucketArn,
        }),
        expect.objectContaining({
          Action: expect.arrayContaining(['kms:ScheduleKeyDeletion']),
          Resource: SCOPE.stateKeyArn,
        }),
      ]),
    );
  });

  it('lets the deploy role pass roles only to flow logs and AWS Config, and only the GPU node roles to EC2', () => {
    const pass = statements(deployPolicy(SCOPE, BOUNDS)).filter((s) => list(s.Action).includes('iam:PassRole'));
    expect(pass).toEqual([
      expect.objectContaining({
        Condition: { StringEquals: { 'iam:PassedToService': ['vpc-flow-logs.amazonaws.com', 'config.amazonaws.com'] } },
      }),
      {
        Sid: 'PassNodeRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: 'arn:aws:iam::222222222222:role/staging-*-gpu-node',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
    ]);
  });

  // IAM User Guide, "IAM and AWS STS quotas": managed policy 6,144 characters, a role's inline
  // policies 10,240 in all (whitespace not counted; JSON.stringify writes none).
  it('fits IAM’s policy size quotas, with the longest ARNs the config allows', () => {
    const long = { ...SCOPE, region: 'ap-southeast-4', keyPrefix: 'x'.repeat(200) };
    expect(planPolicy(long).length).toBeLessThanOrEqual(6144);
    expect(
      deployBoundary(long, BOUNDS, { arns: Array(5).fill(`arn:aws:iam::222222222222:role/${'x'.repeat(64)}`) }).length,
    ).toBeLessThanOrEqual(6144);
    expect(deployPolicy(long, BOUNDS).length).toBeLessThanOrEqual(10240);
  });
});

describe('deploy role attachments', () => {
  it('attaches only the account’s own policies and AWS_ConfigRole, never AdministratorAccess', () => {
    const attach = statements(deployPolicy(SCOPE, BOUNDS)).filter((s) =>
      list(s.Action).includes('iam:AttachRolePolicy'),
    );
    expect(attach).toEqual([
      expect.objectContaining({
        Condition: {
          ArnLike: {
            'iam:PolicyARN': [
              'arn:aws:iam::222222222222:policy/*',
              'arn:aws:iam::aws:policy/service-role/AWS_ConfigRole',
            ],
            'iam:PermissionsBoundary': [
              'arn:aws:iam::222222222222:policy/staging-github-deploy-boundary',
              'arn:aws:iam::222222222222:policy/staging-*-boundary',
            ],
          },
        },
      }),
    ]);
  });
});

describe('deploy role escalation guard', () => {
  const json = bootstrap();
  const policies = Object.values(resourcesOf(json, 'aws_iam_policy'));
  const boundaryPolicy = policies.find((p) => p.name === 'staging-github-deploy-boundary')!;
  const inline = Object.values(resourcesOf(json, 'aws_iam_role_policy')).find((p) => p.name === 'apply-stacks')!;
  // The deploy role's own boundary, spelled as IAM will see it, from the policy the role names.
  const own = `arn:aws:iam::222222222222:policy/${boundaryPolicy.name as string}`;
  const allowed = [own, 'arn:aws:iam::222222222222:policy/staging-*-boundary'];
  const base = statements(inline.policy as string);
  const withStatements = (...extra: Statement[]) => [...base, ...extra];
  const roleArn = 'arn:aws:iam::222222222222:role/*';

  it('passes the synthesized deploy policy and boundary, which name the role’s own boundary', () => {
    expect(roles(json).find((r) => r.name === 'staging-github-deploy')!.boundary).toContain(
      Object.keys(resourcesOf(json, 'aws_iam_policy')).find(
        (k) => resourcesOf(json, 'aws_iam_policy')[k] === boundaryPolicy,
      ),
    );
    expect(documentBoundaryEscalations(inline.policy, allowed)).toEqual([]);
    expect(documentBoundaryEscalations(boundaryPolicy.policy, allowed)).toEqual([]);
    for (const p of policies) expect(documentBoundaryEscalations(p.policy, allowed)).toEqual([]);
  });

  it('grants every role-permission action the apply needs under the condition, so the guard has something to hold', () => {
    const conditioned = base.filter((s) => JSON.stringify(s.Condition ?? {}).includes('iam:PermissionsBoundary'));
    const actions = conditioned.flatMap((s) => list(s.Action)).sort();
    expect(actions).toEqual(
      [
        'iam:AttachRolePolicy',
        'iam:CreateRole',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
      ].sort(),
    );
  });

  it('denies removing a boundary and any change to the delivery identities, the boundary itself included', () => {
    const denies = statements(boundaryPolicy.policy as string).filter((s) => s.Effect === 'Deny');
    expect(denies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
          Resource: '*',
        }),
        expect.objectContaining({ Action: 'iam:*', Resource: expect.arrayContaining([own]) }),
      ]),
    );
  });

  it.each<[string, Statement]>([
    ['a wildcard action iam:*Role*', { Sid: 'Wild', Effect: 'Allow', Action: 'iam:*Role*', Resource: roleArn }],
    ['iam:Put*', { Sid: 'Put', Effect: 'Allow', Action: ['iam:Put*'], Resource: roleArn }],
    ['a different case', { Sid: 'Case', Effect: 'Allow', Action: 'IAM:createrole', Resource: roleArn }],
    [
      'a NotAction allow',
      { Sid: 'Not', Effect: 'Allow', NotAction: ['s3:*', 'ec2:*'], Resource: roleArn } as unknown as Statement,
    ],
    [
      'a second statement without the condition',
      { Sid: 'Again', Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: roleArn },
    ],
    [
      'a different boundary ARN',
      {
        Sid: 'Other',
        Effect: 'Allow',
        Action: 'iam:CreateRole',
        Resource: roleArn,
        Condition: { ArnLike: { 'iam:PermissionsBoundary': 'arn:aws:iam::222222222222:policy/admin' } },
      },
    ],
    [
      'an allowed boundary beside a foreign one',
      {
        Sid: 'Mixed',
        Effect: 'Allow',
        Action: 'iam:AttachRolePolicy',
        Resource: roleArn,
        Condition: { ArnLike: { 'iam:PermissionsBoundary': [own, 'arn:aws:iam::*:policy/*'] } },
      },
    ],
    [
      'an IfExists operator, which passes a role created with no boundary',
      {
        Sid: 'IfExists',
        Effect: 'Allow',
        Action: 'iam:CreateRole',
        Resource: roleArn,
        Condition: { ArnLikeIfExists: { 'iam:PermissionsBoundary': own } },
      },
    ],
    [
      'a set operator',
      {
        Sid: 'Set',
        Effect: 'Allow',
        Action: 'iam:CreateRole',
        Resource: roleArn,
        Condition: { 'ForAnyValue:ArnLike': { 'iam:PermissionsBoundary': own } },
      },
    ],
    [
      'a condition on another key only',
      {
        Sid: 'Key',
        Effect: 'Allow',
        Action: 'iam:AttachRolePolicy',
        Resource: roleArn,
        Condition: { ArnLike: { 'iam:PolicyARN': 'arn:aws:iam::222222222222:policy/*' } },
      },
    ],
    [
      'a negated operator',
      {
        Sid: 'Negated',
        Effect: 'Allow',
        Action: 'iam:CreateRole',
        Resource: roleArn,
        Condition: { ArnNotLike: { 'iam:PermissionsBoundary': 'arn:aws:iam::222222222222:policy/other' } },
      },
    ],
    [
      'removing a boundary, even conditioned',
      {
        Sid: 'Remove',
        Effect: 'Allow',
        Action: 'iam:DeleteRolePermissionsBoundary',
        Resource: roleArn,
        Condition: { ArnLike: { 'iam:PermissionsBoundary': own } },
      },
    ],
    ['a user made freer instead', { Sid: 'User', Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: '*' }],
    ['an effect it does not know', { Sid: 'Effect', Effect: 'allow', Action: 'iam:CreateRole', Resource: roleArn }],
  ])('catches the escalation spelled as %s', (_name, extra) => {
    const problems = boundaryEscalations(withStatements(extra), allowed);
    expect(problems).not.toEqual([]);
    expect(problems.filter((p) => !p.startsWith(`${extra.Sid}: `))).toEqual([]);
  });

  it('catches a statement of the real policy stripped of its condition', () => {
    const stripped = base.map((s) => (s.Sid === 'ChangeBoundedRoles' ? { ...s, Condition: undefined } : s));
    expect(boundaryEscalations(stripped, allowed)).toEqual([
      expect.stringContaining('ChangeBoundedRoles: allows iam:CreateRole, iam:PutRolePolicy'),
    ]);
  });

  it('fails a document it cannot read', () => {
    expect(documentBoundaryEscalations('${data.aws_iam_policy_document.x.json}', allowed)).toEqual([
      'cannot read the policy document',
    ]);
  });

  it.each<[string, Statement]>([
    ['a deny of everything', { Sid: 'Deny', Effect: 'Deny', Action: 'iam:*', Resource: '*' }],
    ['a read', { Sid: 'Read', Effect: 'Allow', Action: ['iam:GetRole', 'iam:ListRolePolicies'], Resource: roleArn }],
    [
      'a grant pinned to an allowed boundary and narrowed further',
      {
        Sid: 'Narrow',
        Effect: 'Allow',
        Action: 'iam:*RolePolicy',
        Resource: roleArn,
        Condition: {
          ArnEquals: { 'iam:PermissionsBoundary': own },
          StringEquals: { 'aws:RequestedRegion': 'us-east-1' },
        },
      },
    ],
  ])('raises no alarm for %s', (_name, extra) => {
    expect(boundaryEscalations(withStatements(extra), allowed)).toEqual([]);
  });

  it('allows the boundaries the stacks give their roles', () => {
    const tenant = `arn:aws:iam::222222222222:policy/${tenantAccountNames('staging', 'lab-a', '222222222222').role}-boundary`;
    const flowLogs = 'arn:aws:iam::222222222222:policy/staging-colossus-1-lab-a-flow-logs-boundary';
    for (const arn of [tenant, flowLogs]) expect(actionMatches(allowed[1]!, arn)).toBe(true);
    expect(actionMatches(allowed[1]!, 'arn:aws:iam::222222222222:policy/prod-lab-a-tenant-boundary')).toBe(false);
  });
});
