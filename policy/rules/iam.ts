import { asList, ofType, referencedResources, resolveResource, type PolicyStatement } from '../attributes';
import {
  actionMatches,
  grantingDocuments,
  policyDocuments,
  strings,
  type PolicyDocument,
  type PolicyKind,
} from '../policy-documents';
import { ACTIONS_WITHOUT_RESOURCE_TYPES, PRIVILEGE_ESCALATION_METHODS } from '../catalogue/privilege-escalation';
import type { Check, Resource, Rule, RuleContext, StackModel } from '../model';
import { check } from './check';

function isWildcard(value: unknown): boolean {
  return asList(value).some((v) => v === '*' || v === '*:*');
}

function allows(s: PolicyStatement): boolean {
  return s.Effect === 'Allow';
}

/** One check per document: the verdict of `judge`, or a failure when the document could not be read. */
function perDocument(
  docs: readonly PolicyDocument[],
  judge: (statements: readonly PolicyStatement[], doc: PolicyDocument) => { value: unknown; ok: boolean; why?: string },
): Check[] {
  return docs.map((doc) => {
    if (!doc.statements)
      return check(doc.resource, doc.attribute, null, false, `cannot read the policy: ${doc.unreadable ?? ''}`);
    const { value, ok, why } = judge(doc.statements, doc);
    return check(doc.resource, `${doc.attribute}.Statement[]`, value, ok, why);
  });
}

function ofKinds(stack: StackModel, ...kinds: PolicyKind[]): PolicyDocument[] {
  return policyDocuments(stack).filter((d) => kinds.includes(d.kind));
}

/** Service-wide action wildcards: "*", "iam:*", "s3:*". */
function serviceWildcards(s: PolicyStatement): string[] {
  return strings(s.Action).filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
}

const SID = (s: PolicyStatement) => s.Sid ?? '(no Sid)';

/** The actions a set of statements allows, as patterns; NotAction allows are "everything but". */
function allowsAction(statements: readonly PolicyStatement[], action: string): boolean {
  return statements.filter(allows).some((s) => {
    if (s.NotAction !== undefined) return !strings(s.NotAction).some((p) => actionMatches(p, action));
    return strings(s.Action).some((p) => actionMatches(p, action));
  });
}

function escalations(statements: readonly PolicyStatement[]): string[] {
  return PRIVILEGE_ESCALATION_METHODS.filter((m) => m.actions.every((a) => allowsAction(statements, a))).map(
    (m) => `${m.name} (${m.actions.join(' + ')})`,
  );
}

/** Names a role is referred to by: a reference to it, or its literal name. */
function namesRole(stack: StackModel, value: unknown, role: Resource): boolean {
  return referencedResources(stack, value).includes(role) || (value !== undefined && value === role.attrs.name);
}

/** Every granting document that reaches a role: inline, role policies, and attached managed policies of the stack. */
function roleDocuments(stack: StackModel, role: Resource, docs: readonly PolicyDocument[]): PolicyDocument[] {
  const attached = new Set<string>();
  for (const a of ofType(stack, 'aws_iam_role_policy_attachment', 'aws_iam_policy_attachment')) {
    const roles = a.type === 'aws_iam_policy_attachment' ? asList(a.attrs.roles) : [a.attrs.role];
    if (roles.some((r) => namesRole(stack, r, role)))
      for (const p of referencedResources(stack, a.attrs.policy_arn)) attached.add(p.address);
  }
  for (const p of referencedResources(stack, role.attrs.managed_policy_arns)) attached.add(p.address);
  return docs.filter(
    (d) =>
      d.kind === 'identity' &&
      (d.resource === role ||
        (d.resource.type === 'aws_iam_role_policy' && namesRole(stack, d.resource.attrs.role, role)) ||
        attached.has(d.resource.address)),
  );
}

/** Condition operators and keys that narrow an account-wide trust to named principals. */
const NARROWING_OPERATORS = ['StringEquals', 'StringEqualsIgnoreCase', 'ArnEquals'];
const NARROWING_KEYS = /^(aws:PrincipalTag\/.+|aws:PrincipalArn|aws:userid|aws:username|sts:ExternalId)$/i;

function narrowingCondition(condition: unknown): boolean {
  if (!condition || typeof condition !== 'object') return false;
  return Object.entries(condition as Record<string, unknown>).some(
    ([operator, keys]) =>
      NARROWING_OPERATORS.includes(operator) &&
      !!keys &&
      typeof keys === 'object' &&
      Object.entries(keys as Record<string, unknown>).some(
        ([key, values]) =>
          NARROWING_KEYS.test(key) &&
          asList(values).length > 0 &&
          asList(values).every((v) => typeof v === 'string' && v !== '' && !/[*?]|\$\{/.test(v)),
      ),
  );
}

/**
 * GitHub Actions tokens (issuer token.actions.githubusercontent.com): any repository on GitHub
 * can get one, so a trust must pin the audience to STS and the subject to exact runs of named
 * repositories: StringEquals on `:aud` = sts.amazonaws.com and on `:sub`, every value exact
 * (no * or ?) and of a `repo:<owner>/<repo>:` form (GitHub Docs, "OpenID Connect reference",
 * subject claims; "Configuring OpenID Connect in Amazon Web Services"). A StringLike or
 * ForAnyValue operator on either claim widens it and fails.
 */
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

function githubTrustProblem(provider: string, condition: unknown): string | undefined {
  if (!provider.endsWith(`:oidc-provider/${GITHUB_ISSUER}`) && provider !== GITHUB_ISSUER) return undefined;
  const operators = (condition ?? {}) as Record<string, Record<string, unknown>>;
  const claim = (name: 'aud' | 'sub') => `${GITHUB_ISSUER}:${name}`;
  for (const [operator, keys] of Object.entries(operators)) {
    if (operator === 'StringEquals') continue;
    const widened = Object.keys(keys ?? {}).filter((k) => k === claim('aud') || k === claim('sub'));
    if (widened.length > 0)
      return `GitHub token claim ${widened.join(', ')} tested with ${operator}; only StringEquals pins it`;
  }
  const equals = operators.StringEquals ?? {};
  const aud = asList(equals[claim('aud')]);
  if (aud.length !== 1 || aud[0] !== 'sts.amazonaws.com') {
    return `GitHub token audience not pinned: StringEquals ${claim('aud')} must be exactly sts.amazonaws.com`;
  }
  const sub = asList(equals[claim('sub')]).map(String);
  if (sub.length === 0)
    return `GitHub token subject not pinned: no StringEquals on ${claim('sub')}, so any repository's runs may assume the role`;
  const loose = sub.filter(
    (v) =>
      /[*?]|\$\{/.test(v) ||
      !/^repo:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+:(pull_request|ref:refs\/[^*?]+|environment:[^*?]+)$/.test(v),
  );
  if (loose.length > 0)
    return `GitHub token subject ${loose.join(', ')} is not one exact repo:<owner>/<repo>:<pull_request|ref:…|environment:…>`;
  return undefined;
}

const NAMED_PRINCIPAL = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|user|assumed-role)\/[\w+=,.@/-]+$/;
const ACCOUNT_ROOT = /^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$/;

/** Why a trust statement admits more than named principals, or undefined when it does not. */
function openTrust(stack: StackModel, s: PolicyStatement, context: RuleContext): string | undefined {
  if (!allows(s)) return undefined;
  if ((s as { NotPrincipal?: unknown }).NotPrincipal !== undefined)
    return 'an Allow with NotPrincipal admits everyone else';
  const principal = s.Principal;
  if (principal === undefined) return 'no Principal';
  if (principal === '*') return 'Principal "*"';
  if (typeof principal !== 'object' || principal === null) return `unreadable Principal ${JSON.stringify(principal)}`;
  for (const [type, ids] of Object.entries(principal as Record<string, unknown>)) {
    for (const id of asList(ids).map(String)) {
      if (type === 'Service') continue; // CLX-IAM-004 checks the confused deputy
      if (type === 'Federated') {
        if (!s.Condition) return `federated principal ${id} without a condition on the token`;
        // A reference to a provider is followed to its URL, so GitHub's issuer is recognised however it is spelled.
        let issuer = id;
        if (id.includes('${')) {
          const found = resolveResource(stack, id, context);
          if (
            found?.resource.type !== 'aws_iam_openid_connect_provider' ||
            typeof found.resource.attrs.url !== 'string'
          )
            return `cannot follow federated principal ${id} to an OIDC provider and its URL`;
          issuer = found.resource.attrs.url.replace(/^https:\/\//, '');
        }
        const github = githubTrustProblem(issuer, s.Condition);
        if (github) return github;
        continue;
      }
      if (type !== 'AWS') return `principal type ${type} is not understood`;
      if (id.includes('*')) return `principal ${id} has a wildcard`;
      if (id.includes('${')) {
        const found = resolveResource(stack, id, context);
        if (found && ['aws_iam_role', 'aws_iam_user'].includes(found.resource.type) && /^\$\{[^}]+\}$/.test(id))
          continue;
        return `cannot follow principal ${id} to a role or user`;
      }
      if (NAMED_PRINCIPAL.test(id)) continue;
      if (ACCOUNT_ROOT.test(id)) {
        if (narrowingCondition(s.Condition)) continue;
        return `account ${id} trusted without a StringEquals condition naming principals (aws:PrincipalTag/*, aws:PrincipalArn, sts:ExternalId)`;
      }
      return `principal ${id} is not a named role or user`;
    }
  }
  return undefined;
}

const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

/** A role belongs to a tenant when it is tagged with one, or sits under a construct named for one. */
export function tenantOf(resource: Resource, context: RuleContext): string | undefined {
  const tag = resource.effectiveTags.tenant;
  if (tag && tag !== 'unallocated') return tag;
  // The first segment is the stack, whose name can end in a hall id equal to a tenant id
  // (dev-colossus-1-compute-hall-a): only construct ids below it name a tenant.
  const segments = resource.path.split('/').slice(1);
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
  'aws_iam_policy_attachment',
];

export const iamRules: Rule[] = [
  {
    id: 'CLX-IAM-001',
    title: 'No identity policy allows every action on every resource',
    severity: 'error',
    rationale: 'Action "*" on Resource "*" is full administrator access; least privilege names actions and resources.',
    controls: { cis: ['1.16'], nist: ['AC-6', 'AC-6(10)'] },
    checkov: ['CKV_AWS_62', 'CKV_AWS_63', 'CKV_AWS_286'],
    check: (stack) =>
      perDocument(grantingDocuments(stack), (statements) => {
        const admin = statements.filter((s) => allows(s) && isWildcard(s.Action) && isWildcard(s.Resource));
        return {
          value: admin.length
            ? admin.map((s) => ({ Sid: s.Sid ?? null, Action: s.Action, Resource: s.Resource }))
            : 'no Action "*" on Resource "*"',
          ok: admin.length === 0,
        };
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
        .map((role) => {
          const boundary = role.attrs.permissions_boundary;
          const target = referencedResources(stack, boundary)[0];
          const ok =
            typeof boundary === 'string' &&
            (target?.type === 'aws_iam_policy' || /^arn:aws[a-z-]*:iam::\d{12}:policy\/[\w+=,.@/-]+$/.test(boundary));
          return check(
            role,
            'permissions_boundary',
            target?.address ?? boundary ?? null,
            ok,
            'no readable permission boundary',
          );
        }),
  },
  {
    id: 'CLX-IAM-003',
    title: 'Role trust policies admit named principals only: no wildcard, no bare or loosely conditioned account root',
    severity: 'error',
    rationale:
      'A wildcard principal lets any AWS account assume the role; an account root trusts every principal of the account unless a condition names which.',
    controls: { cis: [], nist: ['AC-3', 'AC-6'] },
    checkov: ['CKV_AWS_60', 'CKV_AWS_61'],
    check: (stack, context) =>
      perDocument(ofKinds(stack, 'trust'), (statements) => {
        const open = statements
          .map((s) => ({ s, why: openTrust(stack, s, context) }))
          .filter((o) => o.why !== undefined);
        return {
          value: open.length ? open.map((o) => o.s.Principal ?? null) : 'named principals only',
          ok: open.length === 0,
          why: open.map((o) => o.why).join('; '),
        };
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
      ofKinds(stack, 'trust').flatMap((doc): Check[] =>
        (doc.statements ?? [])
          .filter((s) => allows(s) && s.Principal && typeof s.Principal === 'object' && 'Service' in s.Principal)
          .map((s) =>
            check(
              doc.resource,
              'assume_role_policy.Statement[].Condition',
              s.Condition ?? null,
              /aws:Source(Account|Arn|OrgID)/i.test(JSON.stringify(s.Condition ?? {})),
            ),
          ),
      ),
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
        if (r.type === 'aws_iam_policy_attachment') {
          const users = asList(r.attrs.users);
          return check(r, 'users', users, users.length === 0, 'policy attached directly to IAM users');
        }
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
        'aws_iam_user_policy_attachment',
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
  {
    id: 'CLX-IAM-007',
    title: 'Identity policies and boundaries allow no service-wide action wildcard ("*", "iam:*")',
    severity: 'error',
    rationale:
      'A service-wide wildcard grants every present and future action of the service, including its administration.',
    controls: { cis: [], nist: ['AC-6', 'AC-6(10)'] },
    checkov: ['CKV_AWS_289', 'CKV_AWS_290', 'CKV_AWS_355'],
    check: (stack) =>
      perDocument(grantingDocuments(stack), (statements) => {
        const wild = statements.filter(allows).flatMap((s) => serviceWildcards(s).map((a) => `${SID(s)}: ${a}`));
        return { value: wild.length ? wild : 'no service-wide wildcard', ok: wild.length === 0 };
      }),
  },
  {
    id: 'CLX-IAM-008',
    title: 'Identity policies and boundaries grant on Resource "*" only actions that have no resource types',
    severity: 'error',
    rationale:
      'Resource "*" on an action that takes resource ARNs grants it on every resource of the account, every tenant included.',
    controls: { cis: [], nist: ['AC-6', 'AC-3'] },
    checkov: ['CKV_AWS_288', 'CKV_AWS_355'],
    check: (stack) =>
      perDocument(grantingDocuments(stack), (statements) => {
        const wide = statements
          .filter((s) => allows(s) && isWildcard(s.Resource))
          .flatMap((s) =>
            (s.NotAction !== undefined ? ['NotAction'] : strings(s.Action))
              .filter((a) => !ACTIONS_WITHOUT_RESOURCE_TYPES.some((ok) => ok.toLowerCase() === a.toLowerCase()))
              .map((a) => `${SID(s)}: ${a}`),
          );
        return { value: wide.length ? wide : 'resources named', ok: wide.length === 0 };
      }),
  },
  {
    id: 'CLX-IAM-009',
    title: 'No policy allows with NotAction, NotResource or NotPrincipal',
    severity: 'error',
    rationale:
      'An Allow with NotAction, NotResource or NotPrincipal grants everything outside a list, including what AWS adds later.',
    controls: { cis: [], nist: ['AC-6', 'AC-3'] },
    checkov: ['CKV_AWS_286', 'CKV_AWS_287'],
    check: (stack) =>
      perDocument(policyDocuments(stack), (statements) => {
        const negated = statements
          .filter(allows)
          .flatMap((s) =>
            ['NotAction', 'NotResource', 'NotPrincipal']
              .filter((k) => (s as Record<string, unknown>)[k] !== undefined)
              .map((k) => `${SID(s)}: ${k}`),
          );
        return { value: negated.length ? negated : 'no negated Allow', ok: negated.length === 0 };
      }),
  },
  {
    id: 'CLX-IAM-010',
    title: 'No principal is granted a privilege-escalation action set',
    severity: 'error',
    rationale:
      'These action sets (Rhino Security Labs, Cloudsplaining) let a principal give itself more than it was granted, up to administrator.',
    controls: { cis: [], nist: ['AC-6', 'AC-6(1)', 'AC-5'] },
    checkov: ['CKV_AWS_286', 'CKV_AWS_287'],
    check: (stack) => {
      const docs = grantingDocuments(stack);
      const perDoc = perDocument(docs, (statements) => {
        const found = escalations(statements);
        return { value: found.length ? found : 'none', ok: found.length === 0 };
      });
      // Split grants: PassRole in one policy, RunInstances in another, both reaching one role.
      const perRole = ofType(stack, 'aws_iam_role').map((role) => {
        const reaching = roleDocuments(stack, role, docs);
        const found = escalations(reaching.flatMap((d) => d.statements ?? []));
        return check(
          role,
          'policies reaching the role (inline, role policies, attachments)',
          found.length ? found : reaching.map((d) => `${d.resource.address}.${d.attribute}`),
          found.length === 0,
          `together the role's policies allow ${found.join(', ')}`,
        );
      });
      return [...perDoc, ...perRole];
    },
  },
  {
    id: 'CLX-IAM-011',
    title: 'Every IAM role has a permission boundary',
    severity: 'warning',
    rationale:
      'A boundary caps what any later policy can give the role; service roles without one rely on their policies alone.',
    controls: { cis: [], nist: ['AC-6', 'AC-3(7)'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_iam_role').map((role) =>
        check(
          role,
          'permissions_boundary',
          role.attrs.permissions_boundary ?? null,
          typeof role.attrs.permissions_boundary === 'string' && role.attrs.permissions_boundary !== '',
          'no permission boundary',
        ),
      ),
  },
  {
    id: 'CLX-IAM-012',
    title: 'Bucket, topic and queue policies admit no wildcard principal without a source or organization condition',
    severity: 'error',
    rationale: 'A resource policy allowing "*" opens the data or the alert stream to every AWS account.',
    controls: { cis: [], nist: ['AC-3', 'AC-21', 'SC-7'] },
    checkov: ['CKV_AWS_70', 'CKV_AWS_169', 'CKV_AWS_168'],
    check: (stack) =>
      perDocument(ofKinds(stack, 'bucket', 'topic', 'queue'), (statements) => {
        const open = statements.filter((s) => {
          if (!allows(s)) return false;
          const p = s.Principal;
          const aws = p && typeof p === 'object' ? asList((p as Record<string, unknown>).AWS).map(String) : [];
          const wild = p === '*' || aws.some((a) => a.includes('*'));
          return (
            wild &&
            !/aws:(SourceAccount|SourceArn|PrincipalOrgID|PrincipalAccount)/.test(JSON.stringify(s.Condition ?? {}))
          );
        });
        return { value: open.length ? open.map(SID) : 'no open Allow', ok: open.length === 0 };
      }),
  },
  {
    id: 'CLX-IAM-013',
    title: 'Every tenant the config declares has its own role, bounded by a permission boundary',
    severity: 'error',
    rationale:
      'Tenant access runs through the tenant role; a tenant without one (or without its boundary) is not isolated by IAM.',
    controls: { cis: [], nist: ['AC-2', 'AC-6', 'AC-4'] },
    checkov: [],
    check: (stack, context) =>
      (context.expected?.(stack.name)?.tenants ?? []).map((tenant) => {
        const role = ofType(stack, 'aws_iam_role').find((r) => r.effectiveTags.tenant === tenant);
        const boundary = role ? referencedResources(stack, role.attrs.permissions_boundary)[0] : undefined;
        return check(
          { address: role?.address ?? `tenant:${tenant}`, path: role?.path ?? stack.name },
          'aws_iam_role (tags.tenant) / permissions_boundary',
          { tenant, role: role?.address ?? null, boundary: boundary?.address ?? null },
          role !== undefined && boundary?.type === 'aws_iam_policy',
          role
            ? `the role of tenant ${tenant} has no boundary policy of this stack`
            : `no role tagged tenant=${tenant}`,
        );
      }),
  },
];
