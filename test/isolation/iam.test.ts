import {
  decide,
  evaluateCondition,
  parsePolicy,
  wildcardMatch,
  type Request,
  type Statement,
} from '../../policy/isolation/iam/policy';

const request = (over: Partial<Request> = {}): Request => ({
  principalArn: 'arn:aws:iam::111111111111:role/lab-a',
  principalAccount: '111111111111',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::data-a/key',
  context: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/lab-a'], 'aws:PrincipalTag/tenant': ['lab-a'] },
  chosen: (k) => k === 'aws:SecureTransport',
  known: (k) => k.startsWith('aws:Principal'),
  ...over,
});
const statements = (doc: unknown): Statement[] => {
  const parsed = parsePolicy(doc);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.statements;
};
const allowed = (doc: unknown, over: Partial<Request> = {}) => {
  const d = decide(statements(doc), request(over));
  return d.deny === 'yes'
    ? 'deny'
    : d.allow === 'yes'
      ? 'allow'
      : d.allow === 'no' && d.deny === 'no'
        ? 'implicit deny'
        : 'unknown';
};

describe('IAM policy evaluator', () => {
  it.each([
    [
      'deny beats allow',
      {
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' },
        ],
      },
      'deny',
    ],
    [
      'allow with a wildcard action',
      { Statement: { Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::data-a/*' } },
      'allow',
    ],
    ['action match ignores case', { Statement: { Effect: 'Allow', Action: 'S3:getobject', Resource: '*' } }, 'allow'],
    ['? matches one character', { Statement: { Effect: 'Allow', Action: 's3:GetObjec?', Resource: '*' } }, 'allow'],
    ['no statement: implicit deny', { Statement: [] }, 'implicit deny'],
    [
      'NotAction allows every other action',
      { Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } },
      'allow',
    ],
    [
      'NotAction excludes the named action',
      { Statement: { Effect: 'Allow', NotAction: 's3:*', Resource: '*' } },
      'implicit deny',
    ],
    [
      'Resource must match',
      { Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::data-b/*' } },
      'implicit deny',
    ],
    [
      'NotResource allows other resources',
      { Statement: { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::data-b/*' } },
      'allow',
    ],
    [
      'a deny with NotResource that excludes the resource does not apply',
      {
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::data-a/*' },
        ],
      },
      'allow',
    ],
  ])('%s', (_, doc, expected) => expect(allowed(doc)).toBe(expected));

  const cond = (operator: string, key: string, values: string[], effect: 'Allow' | 'Deny' = 'Allow') =>
    evaluateCondition({ operator, key, values }, request(), effect);
  it.each([
    ['StringEquals', 'aws:PrincipalTag/tenant', ['lab-a'], 'yes'],
    ['StringEquals', 'aws:PrincipalTag/tenant', ['lab-b'], 'no'],
    ['StringNotEquals', 'aws:PrincipalTag/tenant', ['lab-b'], 'yes'],
    ['StringLike', 'aws:PrincipalTag/tenant', ['lab-*'], 'yes'],
    ['StringNotLike', 'aws:PrincipalTag/tenant', ['lab-*'], 'no'],
    ['ArnEquals', 'aws:PrincipalArn', ['arn:aws:iam::111111111111:role/lab-a'], 'yes'],
    ['ArnNotEquals', 'aws:PrincipalArn', ['arn:aws:iam::111111111111:role/lab-a'], 'no'],
    ['ArnLike', 'aws:PrincipalArn', ['arn:aws:iam::*:role/lab-?'], 'yes'],
    ['ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::*:role/lab-b'], 'yes'],
    ['StringEquals', 'aws:PrincipalTag/team', ['x'], 'no'],
    ['StringEqualsIfExists', 'aws:PrincipalTag/team', ['x'], 'yes'],
    ['StringNotEquals', 'aws:PrincipalTag/team', ['x'], 'yes'],
    ['ArnEqualsIfExists', 'aws:PrincipalArn', ['arn:aws:iam::111111111111:role/lab-b'], 'no'],
  ])('%s on %s %j is %s', (operator, key, values, expected) => expect(cond(operator, key, values)).toBe(expected));

  it('lets the caller choose keys it controls: an allow is met, a deny avoided', () => {
    expect(cond('Bool', 'aws:SecureTransport', ['false'], 'Deny')).toBe('no');
    expect(cond('Bool', 'aws:SecureTransport', ['true'], 'Allow')).toBe('yes');
  });

  it('answers "unknown" for an operator or key outside the subset', () => {
    expect(cond('DateLessThan', 'aws:PrincipalTag/tenant', ['2030-01-01'])).toEqual({
      unknown: 'condition operator DateLessThan is not modeled',
    });
    expect(cond('ForAnyValue:StringEquals', 'aws:PrincipalTag/tenant', ['lab-a'])).toEqual({
      unknown: 'condition operator ForAnyValue:StringEquals is not modeled',
    });
    expect(cond('StringEquals', 'aws:SourceVpc', ['vpc-1'])).toEqual({
      unknown: 'condition key aws:SourceVpc is not modeled',
    });
    const doc = {
      Statement: {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { NumericLessThan: { 's3:max-keys': '10' } },
      },
    };
    expect(allowed(doc)).toBe('unknown');
  });

  it('refuses what it does not parse', () => {
    expect(parsePolicy('{not json')).toEqual({ ok: false, reason: 'the policy is not valid JSON' });
    expect(parsePolicy({ Statement: { Effect: 'Allow', NotPrincipal: { AWS: '*' }, Action: '*' } })).toEqual({
      ok: false,
      reason: 'NotPrincipal is not modeled',
    });
    expect(parsePolicy({ Statement: { Effect: 'Maybe', Action: '*' } })).toEqual({
      ok: false,
      reason: 'unknown Effect Maybe',
    });
  });

  it('matches wildcards the way IAM does', () => {
    expect(wildcardMatch('arn:aws:s3:::data-*', 'arn:aws:s3:::data-a/key')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::data-?', 'arn:aws:s3:::data-ab')).toBe(false);
    expect(wildcardMatch('arn:aws:s3:::Data-a', 'arn:aws:s3:::data-a')).toBe(false);
  });
});

describe('wildcardMatch, with its patterns compiled once', () => {
  it('keeps a pattern matched with and without case apart, in either order', () => {
    // ARNs compare case-sensitively, some condition operators (StringEqualsIgnoreCase) do not.
    expect(wildcardMatch('arn:aws:iam::*:role/Tenant-*', 'arn:aws:iam::1:role/tenant-a', true)).toBe(true);
    expect(wildcardMatch('arn:aws:iam::*:role/Tenant-*', 'arn:aws:iam::1:role/tenant-a')).toBe(false);
    expect(wildcardMatch('s3:Get?bject', 's3:getobject')).toBe(false);
    expect(wildcardMatch('s3:Get?bject', 's3:getobject', true)).toBe(true);
  });
});
