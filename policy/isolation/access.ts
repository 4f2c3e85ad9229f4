import { andTri, decide, not, or, parsePolicy, type Request, type Statement, type Tri } from './iam/policy';
import type { Hop, Leak, TenantView } from './prove';
import { tagsOf, type ResourceNode } from './references';
import type { Topology, Unproven } from './topology';

/**
 * The access layer: for every tenant's bucket and key, can another tenant's principal, or anyone
 * at all, read, write or decrypt it? Principals are the roles of the synth output (a tenant's own
 * roles, and every role its roles or its people can assume, transitively) and an anonymous caller
 * from another account. Policies: bucket policy, key policy, public access block, trust policies,
 * identity policies (inline, attached) and permission boundaries. Same-account logic: an explicit
 * deny anywhere wins; a resource policy naming the principal grants; a grant to the account root
 * delegates to the principal's identity policies, which its boundary narrows.
 */

const S3_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'];
const KMS_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:ReEncryptFrom',
  'kms:CreateGrant',
  'kms:PutKeyPolicy',
];
const CHOSEN = [
  /^aws:SecureTransport$/i,
  /^kms:EncryptionContext:/i,
  /^kms:ViaService$/i,
  /^s3:prefix$/i,
  /^aws:CurrentTime$/i,
];
const KNOWN = [
  /^aws:PrincipalArn$/i,
  /^aws:PrincipalAccount$/i,
  /^aws:PrincipalTag\//i,
  /^aws:ResourceTag\//i,
  /^aws:SourceAccount$/i,
  /^aws:SourceArn$/i,
  /^aws:ResourceAccount$/i,
];

interface Principal {
  readonly arn: string;
  readonly tags: Record<string, string>;
  readonly role?: ResourceNode;
  readonly evidence: Hop[];
}

const hop = (node: ResourceNode, role: string): Hop => ({ resource: node.key, role });

export function proveAccess(
  t: Topology,
  views: Map<string, TenantView>,
  tenants: readonly string[],
): { leaks: Leak[]; unproven: Unproven[] } {
  const unproven: Unproven[] = [];
  const leaks: Leak[] = [];
  const cannot = (n: ResourceNode, attribute: string, reason: string) =>
    unproven.push({ address: n.key, attribute, reason, layer: 'access' });
  const nodes = [...t.nodesByKey.values()];
  const byType = (type: string) => nodes.filter((n) => n.type === type);
  const text = JSON.stringify(nodes.filter((n) => /^aws_(iam|kms|s3)_/.test(n.type)).map((n) => n.body));
  const count = (re: RegExp) => {
    const c = new Map<string, number>();
    for (const m of text.matchAll(re)) c.set(m[1]!, (c.get(m[1]!) ?? 0) + 1);
    return [...c].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  // The account and region the policies name; ARNs the synth leaves to apply time are built from them.
  const account = count(/arn:aws:iam::(\d{12}):/g) ?? '000000000000';
  const region = count(/arn:aws:(?:kms|logs):([a-z0-9-]+):/g) ?? 'us-east-1';
  const roles = byType('aws_iam_role');
  const roleName = (r: ResourceNode) => t.resolver.literal(r.stack, r.body.name) ?? r.name;
  const arnOf = (n: ResourceNode): string | undefined => {
    if (n.type === 'aws_iam_role') return `arn:aws:iam::${account}:role/${roleName(n)}`;
    if (n.type === 'aws_s3_bucket') return `arn:aws:s3:::${t.resolver.literal(n.stack, n.body.bucket) ?? n.name}`;
    if (n.type === 'aws_kms_key') return `arn:aws:kms:${region}:${account}:key/${n.stack}-${n.name}`;
    if (n.type === 'aws_iam_policy')
      return `arn:aws:iam::${account}:policy/${t.resolver.literal(n.stack, n.body.name) ?? n.name}`;
    return undefined;
  };

  /** A policy document with its references replaced by the values they stand for. */
  const policy = (n: ResourceNode, attribute: string, value: unknown): Statement[] | undefined => {
    const r = t.resolver.resolve(n.stack, value);
    let source: string;
    if (r.kind === 'literal' && typeof r.value === 'string') source = r.value;
    else if (r.kind === 'literal' && typeof value === 'string' && value.includes('${')) source = value;
    else {
      const whole = typeof value === 'string' && /^\$\{[^{}]+\}$/.test(value);
      if (!whole && typeof value === 'string') source = value;
      else {
        cannot(
          n,
          attribute,
          r.kind === 'unknown' ? `cannot resolve ${r.expression}: ${r.why}` : 'a policy the proof cannot read',
        );
        return undefined;
      }
    }
    let failed = false;
    const substituted = source.replace(/\$\{([^{}]+)\}/g, (whole) => {
      const x = t.resolver.resolve(n.stack, whole);
      if (x.kind === 'literal' && ['string', 'number', 'boolean'].includes(typeof x.value)) return String(x.value);
      if (x.kind === 'resource' && x.attribute === 'arn' && arnOf(x.node)) return arnOf(x.node)!;
      if (x.kind === 'resource' && x.attribute === 'id' && x.node.type === 'aws_s3_bucket')
        return arnOf(x.node)!.slice('arn:aws:s3:::'.length);
      failed = true;
      cannot(n, attribute, `cannot resolve ${whole} inside the policy`);
      return whole;
    });
    if (failed) return undefined;
    const parsed = parsePolicy(substituted);
    if (!parsed.ok) {
      cannot(n, attribute, parsed.reason);
      return undefined;
    }
    return parsed.statements;
  };
  const roleRef = (n: ResourceNode, attribute: string, value: unknown): ResourceNode | undefined => {
    const r = t.resolver.resolve(n.stack, value);
    if (r.kind === 'resource' && r.node.type === 'aws_iam_role') return r.node;
    if (r.kind === 'literal') {
      const found = roles.filter((x) => roleName(x) === r.value || arnOf(x) === r.value);
      if (found.length === 1) return found[0];
    }
    cannot(n, attribute, `does not name a role of this synth output (${String(value)})`);
    return undefined;
  };
  // A managed policy the synth output does not hold (an AWS managed policy) cannot be read. That
  // matters only where a tenant's principal (or anyone) can act as the role: there, can() finds
  // the role's policies unreadable and reports the attachment as "cannot prove". A role only an
  // AWS service can assume (the Config recorder's) never acts for a tenant.
  const managed = (n: ResourceNode, _attribute: string, value: unknown): Statement[] | undefined => {
    const r = t.resolver.resolve(n.stack, value);
    if (r.kind === 'resource' && r.node.type === 'aws_iam_policy') return policy(r.node, 'policy', r.node.body.policy);
    return undefined;
  };

  // Identity policies and boundaries of every role; undefined marks one the proof could not read.
  const sources = new Map<string, ResourceNode[]>();
  const source = (owner: ResourceNode, n: ResourceNode) =>
    sources.set(owner.key, [...(sources.get(owner.key) ?? []), n]);
  const identity = new Map<string, (Statement[] | undefined)[]>();
  const boundary = new Map<string, Statement[] | undefined>();
  const trust = new Map<string, Statement[] | undefined>();
  for (const role of roles) {
    identity.set(role.key, []);
    trust.set(role.key, policy(role, 'assume_role_policy', role.body.assume_role_policy));
    if (role.body.permissions_boundary !== undefined) {
      const bound = managed(role, 'permissions_boundary', role.body.permissions_boundary);
      boundary.set(role.key, bound);
      // An unreadable boundary is named by the role that carries it, wherever it decides access.
      if (bound === undefined) source(role, role);
      const b = t.resolver.resolve(role.stack, role.body.permissions_boundary);
      if (b.kind === 'resource') source(role, b.node);
    }
    for (const p of (Array.isArray(role.body.inline_policy) ? role.body.inline_policy : []) as Record<
      string,
      unknown
    >[])
      identity.get(role.key)!.push(policy(role, 'inline_policy', p.policy));
    for (const arn of (Array.isArray(role.body.managed_policy_arns)
      ? role.body.managed_policy_arns
      : []) as unknown[]) {
      const statements = managed(role, 'managed_policy_arns', arn);
      identity.get(role.key)!.push(statements);
      if (statements === undefined) source(role, role);
    }
  }
  for (const p of byType('aws_iam_role_policy')) {
    const role = roleRef(p, 'role', p.body.role);
    const statements = policy(p, 'policy', p.body.policy);
    if (role) identity.get(role.key)!.push(statements);
    if (role) source(role, p);
  }
  for (const p of byType('aws_iam_role_policy_attachment')) {
    const role = roleRef(p, 'role', p.body.role);
    const statements = managed(p, 'policy_arn', p.body.policy_arn);
    if (role) identity.get(role.key)!.push(statements);
    if (role) source(role, p);
    const m = t.resolver.resolve(p.stack, p.body.policy_arn);
    if (role && m.kind === 'resource') source(role, m.node);
  }
  for (const p of byType('aws_iam_policy')) policy(p, 'policy', p.body.policy);

  const request = (
    principal: Principal,
    action: string,
    resource: string,
    resourceTags: Record<string, string>,
    foreign = false,
  ): Request => {
    const context: Record<string, string[]> = {
      'aws:PrincipalArn': [principal.arn],
      'aws:PrincipalAccount': [foreign ? '999999999999' : account],
      'aws:ResourceAccount': [account],
    };
    for (const [k, v] of Object.entries(principal.tags)) context[`aws:PrincipalTag/${k}`] = [v];
    for (const [k, v] of Object.entries(resourceTags)) context[`aws:ResourceTag/${k}`] = [v];
    const lower = Object.fromEntries(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      principalArn: principal.arn,
      principalAccount: foreign ? '999999999999' : account,
      action,
      resource,
      context: new Proxy(lower, { get: (o, k) => o[String(k).toLowerCase()] }),
      chosen: (k) => CHOSEN.some((re) => re.test(k)),
      known: (k) => KNOWN.some((re) => re.test(k)),
    };
  };
  /** Principal element: 'direct' names the principal (or anyone), 'account' delegates to the account's IAM. */
  const principalKind = (s: Statement, p: Principal, foreign: boolean): 'direct' | 'account' | 'no' => {
    if (!s.principals) return 'no';
    if (s.principals.any) return 'direct';
    for (const a of s.principals.aws) {
      if (a === p.arn) return 'direct';
      if (!foreign && (a === account || a === `arn:aws:iam::${account}:root`)) return 'account';
    }
    return 'no';
  };

  /** Can the principal do the action on the resource, given its resource policy? */
  const can = (
    p: Principal,
    action: string,
    resource: string,
    tags: Record<string, string>,
    resourcePolicy: Statement[] | undefined,
    needsResourceGrant: boolean,
    foreign: boolean,
  ): Tri => {
    if (resourcePolicy === undefined) return { unknown: 'an unreadable resource policy' };
    const req = request(p, action, resource, tags, foreign);
    const asDirect = decide(resourcePolicy, req, (s) => (principalKind(s, p, foreign) === 'direct' ? 'yes' : 'no'));
    const asAccount = decide(resourcePolicy, req, (s) => (principalKind(s, p, foreign) === 'no' ? 'no' : 'yes'));
    const denyResource = or([asDirect.deny, asAccount.deny]);
    const ids = p.role ? identity.get(p.role.key)! : [];
    if (ids.some((x) => x === undefined)) return { unknown: 'an unreadable identity policy' };
    const idDecision = decide(ids.flat() as Statement[], req);
    const bound = p.role && boundary.has(p.role.key) ? boundary.get(p.role.key) : [];
    if (bound === undefined) return { unknown: 'an unreadable permission boundary' };
    const boundAllows = p.role && boundary.has(p.role.key) ? decide(bound, req).allow : 'yes';
    // People (outside the synth) are assumed to hold sts:AssumeRole only: they act through roles.
    const identityGrant = foreign
      ? 'no'
      : p.role
        ? andTri([idDecision.allow, boundAllows])
        : action === 'sts:AssumeRole'
          ? 'yes'
          : 'no';
    const grant = needsResourceGrant
      ? or([asDirect.allow, andTri([asAccount.allow, identityGrant])])
      : or([asDirect.allow, andTri([or([asAccount.allow, 'yes']), identityGrant])]);
    return andTri([not(or([denyResource, idDecision.deny])), grant]);
  };

  // Principals per tenant: its roles, its people (assumers only), and every role they can assume.
  const principalsOf = (tenant: string): Principal[] => {
    const people: Principal = {
      arn: `arn:aws:iam::${account}:user/people-of-${tenant}`,
      tags: { tenant },
      evidence: [],
    };
    const out: Principal[] = [];
    const queue: Principal[] = [people];
    for (const role of roles) {
      if (tagsOf(role.body).tenant === tenant)
        queue.push({ arn: arnOf(role)!, tags: tagsOf(role.body), role, evidence: [hop(role, `role of ${tenant}`)] });
    }
    const seen = new Set<string>();
    while (queue.length > 0) {
      const p = queue.shift()!;
      if (seen.has(p.arn)) continue;
      seen.add(p.arn);
      out.push(p);
      for (const role of roles) {
        if (seen.has(arnOf(role)!)) continue;
        const policy = trust.get(role.key);
        if (!policy) continue;
        const r = can(p, 'sts:AssumeRole', arnOf(role)!, tagsOf(role.body), policy, true, false);
        if (r === 'yes')
          queue.push({
            arn: arnOf(role)!,
            tags: tagsOf(role.body),
            role,
            evidence: [
              ...p.evidence,
              hop(role, `role that ${p.role ? p.role.key : `people of ${tenant}`} can assume (trust policy)`),
            ],
          });
        else if (typeof r === 'object')
          cannot(role, 'assume_role_policy', `cannot tell whether principals of ${tenant} can assume it: ${r.unknown}`);
      }
    }
    return out;
  };

  // Each tenant's data: buckets and keys tagged with it, with their resource policies.
  const bucketPolicies = new Map<string, Statement[]>();
  const publicBlocks = new Map<string, boolean>();
  for (const bp of byType('aws_s3_bucket_policy')) {
    const bucket = t.resolver.resolve(bp.stack, bp.body.bucket);
    const node = bucket.kind === 'resource' && bucket.node.type === 'aws_s3_bucket' ? bucket.node : undefined;
    if (!node) {
      cannot(bp, 'bucket', `does not name a bucket of this synth output (${String(bp.body.bucket)})`);
      continue;
    }
    source(node, bp);
    const statements = policy(bp, 'policy', bp.body.policy);
    bucketPolicies.set(node.key, [...(bucketPolicies.get(node.key) ?? []), ...(statements ?? [])]);
    if (!statements) bucketPolicies.set(node.key, undefined as unknown as Statement[]);
  }
  for (const pab of byType('aws_s3_bucket_public_access_block')) {
    const bucket = t.resolver.resolve(pab.stack, pab.body.bucket);
    if (bucket.kind !== 'resource') {
      cannot(pab, 'bucket', 'does not name a bucket of this synth output');
      continue;
    }
    source(bucket.node, pab);
    const on = (f: string) => t.resolver.literal(pab.stack, pab.body[f]) === 'true';
    publicBlocks.set(bucket.node.key, on('block_public_policy') && on('restrict_public_buckets'));
  }
  for (const oc of byType('aws_s3_bucket_ownership_controls')) {
    const rule = (Array.isArray(oc.body.rule) ? oc.body.rule[0] : oc.body.rule) as Record<string, unknown> | undefined;
    if (t.resolver.literal(oc.stack, rule?.object_ownership) !== 'BucketOwnerEnforced') {
      cannot(oc, 'rule.object_ownership', 'ACLs stay enabled, and the proof does not model ACL grants');
    }
  }

  const principals = new Map(tenants.map((x) => [x, principalsOf(x)]));
  const anonymous: Principal = { arn: 'arn:aws:iam::999999999999:user/anyone', tags: {}, evidence: [] };
  const data: {
    node: ResourceNode;
    tenant: string;
    arns: string[];
    actions: string[];
    policy: Statement[] | undefined;
    needsGrant: boolean;
  }[] = [];
  for (const b of byType('aws_s3_bucket')) {
    const tenant = tagsOf(b.body).tenant;
    if (!tenant) continue;
    const arn = arnOf(b)!;
    data.push({
      node: b,
      tenant,
      arns: [arn, `${arn}/some-object`],
      actions: S3_ACTIONS,
      policy: bucketPolicies.has(b.key) ? bucketPolicies.get(b.key) : [],
      needsGrant: false,
    });
  }
  for (const k of byType('aws_kms_key')) {
    const tenant = tagsOf(k.body).tenant;
    if (!tenant) continue;
    // A key without a policy gets the default one: the account root, delegating to IAM.
    const statements =
      k.body.policy === undefined
        ? parsePolicy({
            Statement: [
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
            ],
          })
        : undefined;
    const keyPolicy = statements?.ok ? statements.statements : policy(k, 'policy', k.body.policy);
    data.push({ node: k, tenant, arns: [arnOf(k)!], actions: KMS_ACTIONS, policy: keyPolicy, needsGrant: true });
  }
  for (const d of data) {
    if (d.policy === undefined) continue;
    const tags = tagsOf(d.node.body);
    const owner = views.get(d.tenant);
    const ownerHops = owner ? ([...owner.ownVpcs.values()][0] ?? []) : [];
    const check = (from: string, p: Principal, foreign: boolean) => {
      for (const action of d.actions) {
        for (const arn of d.arns) {
          const objectAction = action.startsWith('s3:') && action !== 's3:ListBucket';
          if (d.node.type === 'aws_s3_bucket' && objectAction !== arn.endsWith('/some-object')) continue;
          const r = can(p, action, arn, tags, d.policy, d.needsGrant, foreign);
          if (r === 'yes') {
            leaks.push({
              from,
              to: d.tenant,
              layer: 'access',
              path: [
                ...(p.evidence.length
                  ? p.evidence
                  : [{ resource: p.arn, role: foreign ? 'anyone (*)' : `people of ${from}` }]),
                ...(p.role ? (sources.get(p.role.key) ?? []).map((x) => hop(x, `policy of ${p.role!.key}`)) : []),
                ...(sources.get(d.node.key) ?? []).map((x) => hop(x, 'policy on the data')),
                {
                  resource: d.node.key,
                  role: `${action} on ${d.tenant}'s ${d.node.type === 'aws_kms_key' ? 'key' : 'bucket'}`,
                },
                ...ownerHops,
              ],
            });
            return;
          }
          if (typeof r === 'object') {
            cannot(
              d.node,
              'policy',
              `cannot tell whether ${foreign ? 'anyone' : from} can ${action}: ${r.unknown} (policies: ${[...(sources.get(d.node.key) ?? []), ...(p.role ? (sources.get(p.role.key) ?? []) : [])].map((x) => x.key).join(', ')})`,
            );
            return;
          }
        }
      }
    };
    for (const from of tenants) {
      if (from === d.tenant) continue;
      for (const p of principals.get(from)!) check(from, p, false);
    }
    if (!(d.node.type === 'aws_s3_bucket' && publicBlocks.get(d.node.key))) check('*', anonymous, true);
  }
  return { leaks, unproven };
}
