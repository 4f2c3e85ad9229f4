import { asList, blocks, isWildcardPrincipal, ofType, policyStatements, type PolicyStatement } from '../attributes';
import type { Check, Resource, Rule, RuleContext, StackModel } from '../model';
import { check } from './check';

/** Identity policy documents of the stack: where each one lives and its text. */
function identityPolicies(stack: StackModel): { resource: Resource; attribute: string; policy: unknown }[] {
  const found: { resource: Resource; attribute: string; policy: unknown }[] = [];
  for (const r of ofType(
    stack,
    'aws_iam_policy',
    'aws_iam_role_policy',
    'aws_iam_user_policy',
    'aws_iam_group_policy',
  )) {
    found.push({ resource: r, attribute: 'policy', policy: r.attrs.policy });
  }
  for (const role of ofType(stack, 'aws_iam_role')) {
    blocks(role.attrs.inline_policy).forEach((p, i) =>
      found.push({ resource: role, attribute: `inline_policy[${i}].policy`, policy: p.policy }),
    );
  }
  return found;
}

function isWildcard(value: unknown): boolean {
  return asList(value).some((v) => v === '*' || v === '*:*');
}

function adminStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.filter((s) => s.Effect === 'Allow' && isWildcard(s.Action) && isWildcard(s.Resource));
}

/** A role belongs to a tenant when it is tagged with one, or sits under a construct named for one. */
export function tenantOf(resource: Resource, context: RuleContext): string | undefined {
  const tag = resource.effectiveTags.tenant;
  if (tag && tag !== 'unallocated') return tag;
  const segments = resource.path.split('/');
  return [...context.tenants.keys()].find((t) =>
    segments.some((s) => s === t || s === `tenant-${t}` || s.endsWith(`-${t}`)),
  );
}

/** Every way a policy reaches a principal; CLX-IAM-005 checks none of them is a user. */
const GRANTS = [
  'aws_iam_user_policy',
  'aws_iam_user_policy_attachment',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_group_policy',
  'aws_iam_group_policy_attachment',
];

function trustsAccountRoot(principal: unknown): boolean {
  const aws = principal && typeof principal === 'object' ? asList((principal as Record<string, unknown>).AWS) : [];
  return aws.some((p) => /^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$/.test(String(p)));
}

const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

export const iamRules: Rule[] = [
  {
    id: 'CLX-IAM-001',
    title: 'No identity policy allows every action on every resource',
    severity: 'error',
    rationale: 'Action "*" on Resource "*" is full administrator access; least privilege names actions and resources.',
    controls: { cis: ['1.16'], nist: ['AC-6', 'AC-6(10)'] },
    checkov: ['CKV_AWS_62', 'CKV_AWS_63', 'CKV_AWS_286'],
    check: (stack) =>
      identityPolicies(stack)
        .filter(({ policy }) => policyStatements(policy) !== undefined)
        .map(({ resource, attribute, policy }) => {
          const admin = adminStatements(policyStatements(policy) ?? []);
          return check(
            resource,
            `${attribute}.Statement[]`,
            admin.length
              ? admin.map((s) => ({ Sid: s.Sid ?? null, Action: s.Action, Resource: s.Resource }))
              : 'no Action "*" on Resource "*"',
            admin.length === 0,
          );
        }),
  },
  {
    id: 'CLX-IAM-002',
    title: 'Every tenant role has a permission boundary',
    severity: 'error',
    rationale:
      'The boundary caps what a tenant role can ever be granted, so a later policy cannot reach another tenant.',
    controls: { cis: [], nist: ['AC-6', 'AC-3(7)', 'AC-4'] },
    checkov: [],
    // Tenant roles are the ones tagged with a tenant; CLX-TAG-005 makes sure they are tagged.
    check: (stack) =>
      ofType(stack, 'aws_iam_role')
        .filter((role) => (role.effectiveTags.tenant ?? 'unallocated') !== 'unallocated')
        .map((role) =>
          check(
            role,
            'permissions_boundary',
            role.attrs.permissions_boundary ?? null,
            typeof role.attrs.permissions_boundary === 'string' && role.attrs.permissions_boundary !== '',
          ),
        ),
  },
  {
    id: 'CLX-IAM-003',
    title: 'Role trust policies name who may assume the role: no wildcard, no bare account root',
    severity: 'error',
    rationale: 'A wildcard principal in a trust policy lets any AWS account assume the role.',
    controls: { cis: [], nist: ['AC-3', 'AC-6'] },
    checkov: ['CKV_AWS_60', 'CKV_AWS_61'],
    check: (stack) =>
      ofType(stack, 'aws_iam_role')
        .filter((role) => policyStatements(role.attrs.assume_role_policy) !== undefined)
        .map((role) => {
          // Trusting an account root delegates to every principal of that account: it needs a condition.
          const open = (policyStatements(role.attrs.assume_role_policy) ?? []).filter(
            (s) =>
              s.Effect === 'Allow' &&
              (isWildcardPrincipal(s.Principal) || (trustsAccountRoot(s.Principal) && !s.Condition)),
          );
          return check(
            role,
            'assume_role_policy.Statement[].Principal',
            open.length ? open.map((s) => s.Principal) : 'named principals only',
            open.length === 0,
          );
        }),
  },
  {
    id: 'CLX-IAM-004',
    title: 'Service roles guard against the confused deputy with a source condition',
    severity: 'warning',
    rationale:
      'Without aws:SourceAccount or aws:SourceArn a service acting for another account can be tricked into using the role.',
    controls: { cis: [], nist: ['AC-3', 'AC-4'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_iam_role').flatMap((role): Check[] => {
        const statements = (policyStatements(role.attrs.assume_role_policy) ?? []).filter(
          (s) => s.Effect === 'Allow' && s.Principal && typeof s.Principal === 'object' && 'Service' in s.Principal,
        );
        return statements.map((s) => {
          const condition = JSON.stringify(s.Condition ?? {});
          return check(
            role,
            'assume_role_policy.Statement[].Condition',
            s.Condition ?? null,
            /aws:Source(Account|Arn|OrgID)/i.test(condition),
          );
        });
      }),
  },
  {
    id: 'CLX-IAM-005',
    title: 'No policies are attached to IAM users',
    severity: 'error',
    rationale: 'People get access through roles and groups; policies on users scatter grants where reviews miss them.',
    controls: { cis: ['1.15'], nist: ['AC-2', 'AC-6'] },
    checkov: ['CKV_AWS_40'],
    check: (stack) =>
      ofType(stack, ...GRANTS).map((r) => {
        const toUser = r.type.startsWith('aws_iam_user_');
        return check(
          r,
          toUser ? 'user' : r.type.includes('group') ? 'group' : 'role',
          r.attrs.user ?? r.attrs.group ?? r.attrs.role ?? null,
          !toUser,
          'policy attached directly to an IAM user',
        );
      }),
  },
  {
    id: 'CLX-IAM-006',
    title: 'The AWS AdministratorAccess policy is not attached by these stacks',
    severity: 'error',
    rationale: 'Administrator access is granted outside infrastructure code, through break-glass procedures.',
    controls: { cis: ['1.16'], nist: ['AC-6', 'AC-6(5)'] },
    checkov: ['CKV_AWS_274'],
    check: (stack) => [
      ...ofType(
        stack,
        'aws_iam_role_policy_attachment',
        'aws_iam_group_policy_attachment',
        'aws_iam_policy_attachment',
      ).map((r) => check(r, 'policy_arn', r.attrs.policy_arn, !ADMIN_POLICY.test(String(r.attrs.policy_arn)))),
      ...ofType(stack, 'aws_iam_role')
        .filter((r) => r.attrs.managed_policy_arns !== undefined)
        .map((r) =>
          check(
            r,
            'managed_policy_arns',
            r.attrs.managed_policy_arns,
            !asList(r.attrs.managed_policy_arns).some((a) => ADMIN_POLICY.test(String(a))),
          ),
        ),
    ],
  },
];
