import { githubSubject, githubTrustPolicy } from '../../constructs/delivery/github-oidc';
import { model, rowsOf } from '../policy/fixtures';

/**
 * CLX-IAM-003 over GitHub Actions trusts, as an attacker would write them: any repository on
 * GitHub can mint a token from the same issuer, so only an exact sub and aud keep it out.
 */

const PROVIDER = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
const trust = (condition: unknown, principal: unknown = { Federated: PROVIDER }) =>
  model({
    aws_iam_role: {
      r: {
        assume_role_policy: JSON.stringify({
          Statement: [
            { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition },
          ],
        }),
      },
    },
  });
const verdict = (condition: unknown, principal?: unknown) => {
  const [row] = rowsOf('CLX-IAM-003', trust(condition, principal));
  return { status: row!.status, message: row!.message };
};
const AUD = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };
const sub = (value: unknown) => ({ 'token.actions.githubusercontent.com:sub': value });

describe('GitHub Actions trust (CLX-IAM-003)', () => {
  it('passes the trust the delivery roles use: exact subjects, STS audience', () => {
    const policy = JSON.parse(
      githubTrustPolicy('111111111111', [githubSubject.pullRequest('o/r'), githubSubject.branch('o/r', 'main')]),
    ) as { Statement: { Condition: unknown }[] };
    expect(verdict(policy.Statement[0]!.Condition).status).toBe('pass');
    expect(verdict({ StringEquals: { ...AUD, ...sub('repo:o/r:environment:prod') } }).status).toBe('pass');
  });

  it('fails a trust with no subject: every repository on GitHub could assume the role', () => {
    expect(verdict({ StringEquals: AUD })).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('GitHub token subject not pinned'),
    });
  });

  it('fails a wildcard subject, whether by StringLike or a star under StringEquals', () => {
    expect(verdict({ StringEquals: AUD, StringLike: sub('repo:o/r:*') })).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('tested with StringLike'),
    });
    expect(verdict({ StringEquals: { ...AUD, ...sub('repo:o/*:pull_request') } }).message).toContain(
      'is not one exact repo:',
    );
    expect(
      verdict({ StringEquals: { ...AUD, ...sub(['repo:o/r:pull_request', 'repo:o/r:ref:refs/heads/*']) } }).status,
    ).toBe('fail');
  });

  it('fails a subject that is not a repo: claim, and a ForAnyValue operator on it', () => {
    expect(verdict({ StringEquals: { ...AUD, ...sub('o/r') } }).status).toBe('fail');
    expect(
      verdict({ StringEquals: AUD, 'ForAnyValue:StringEquals': sub(['repo:o/r:pull_request']) }).message,
    ).toContain('tested with ForAnyValue:StringEquals');
  });

  it('fails a missing or wrong audience', () => {
    expect(verdict({ StringEquals: sub('repo:o/r:pull_request') }).message).toContain('audience not pinned');
    expect(
      verdict({
        StringEquals: {
          ...sub('repo:o/r:pull_request'),
          'token.actions.githubusercontent.com:aud': 'https://github.com/o',
        },
      }).status,
    ).toBe('fail');
  });

  it('fails a GitHub trust with no condition at all', () => {
    expect(verdict(undefined).message).toContain('without a condition on the token');
  });

  it('leaves other identity providers to the general rule', () => {
    expect(
      verdict({ StringEquals: { 'accounts.example.com:aud': 'x' } }, { Federated: 'accounts.example.com' }).status,
    ).toBe('pass');
  });

  it('refuses to build a trust with a wildcard or no subject', () => {
    expect(() => githubTrustPolicy('111111111111', [])).toThrow('exact subjects');
    expect(() => githubTrustPolicy('111111111111', ['repo:o/r:*'])).toThrow('exact subjects');
  });
});

describe('GitHub Actions trust through a reference to the provider', () => {
  const withProvider = (condition: unknown, url = 'https://token.actions.githubusercontent.com') =>
    rowsOf(
      'CLX-IAM-003',
      model({
        aws_iam_openid_connect_provider: { gh: { url, client_id_list: ['sts.amazonaws.com'] } },
        aws_iam_role: {
          r: {
            assume_role_policy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: '${aws_iam_openid_connect_provider.gh.arn}' },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: condition,
                },
              ],
            }),
          },
        },
      }),
    )[0]!;

  it('follows the reference to GitHub’s issuer and holds it to the same rule', () => {
    expect(withProvider({ StringEquals: AUD }).message).toContain('GitHub token subject not pinned');
    expect(withProvider({ StringEquals: { ...AUD, ...sub('repo:o/r:pull_request') } }).status).toBe('pass');
  });

  it('fails a reference it cannot follow to a provider', () => {
    const [row] = rowsOf(
      'CLX-IAM-003',
      model({
        aws_iam_role: {
          r: {
            assume_role_policy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: '${data.aws_iam_openid_connect_provider.x.arn}' },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: { StringEquals: AUD },
                },
              ],
            }),
          },
        },
      }),
    );
    expect(row).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('cannot follow federated principal'),
    });
  });
});
