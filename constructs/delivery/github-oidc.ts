/**
 * GitHub Actions OIDC facts, and the trust policies built from them.
 *
 * - Issuer: GitHub Actions tokens are issued by https://token.actions.githubusercontent.com;
 *   IAM condition keys for its claims are prefixed with that host (GitHub Docs, "Configuring
 *   OpenID Connect in Amazon Web Services": provider URL and the `...:sub` / `...:aud` keys).
 * - Audience: aws-actions/configure-aws-credentials requests tokens for `sts.amazonaws.com`,
 *   the audience to register on the provider (same GitHub page, "Adding the identity provider
 *   to AWS").
 * - Subject (`sub`) formats (GitHub Docs, "OpenID Connect reference", "Example subject claims"):
 *   a job that names an environment gets `repo:<owner>/<repo>:environment:<name>`; a
 *   pull_request run without one gets `repo:<owner>/<repo>:pull_request`; any other run gets
 *   `repo:<owner>/<repo>:ref:<ref>`, so a scheduled run (which GitHub runs on the latest commit
 *   of the default branch) gets `repo:<owner>/<repo>:ref:refs/heads/<default branch>`.
 *   AWS does not support custom claims (same GitHub page), so `sub` and `aud` are the conditions.
 * - Thumbprint: none is registered. IAM secures the connection to GitHub's issuer with its own
 *   library of trusted root CAs and does not use the thumbprint for it (IAM User Guide, "Create
 *   an OpenID Connect (OIDC) identity provider in IAM"); the provider's thumbprint_list is
 *   optional in hashicorp/aws 5.100.0.
 * - ARN: an OIDC provider's ARN is arn:aws:iam::<account>:oidc-provider/<url without https://>
 *   (IAM User Guide, "IAM identifiers", IAM ARNs), and an account holds one provider per URL.
 * - Forks: a pull_request run from a fork gets a read-only token and no `id-token: write`
 *   (GitHub Docs, "Automatic token authentication", "Permissions for the GITHUB_TOKEN"), so it
 *   cannot request an OIDC token and never assumes the plan role.
 */

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

export function githubOidcProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/** The `sub` claim values of the runs a role may trust. */
export const githubSubject = {
  pullRequest: (repository: string) => `repo:${repository}:pull_request`,
  branch: (repository: string, branch: string) => `repo:${repository}:ref:refs/heads/${branch}`,
  environment: (repository: string, environment: string) => `repo:${repository}:environment:${environment}`,
};

/**
 * A role trust policy that admits GitHub Actions tokens of the given subjects only, for the
 * STS audience only. StringEquals (not StringLike): no subject may carry a wildcard.
 */
export function githubTrustPolicy(accountId: string, subjects: readonly string[]): string {
  if (subjects.length === 0 || subjects.some((s) => /[*?]/.test(s))) {
    throw new Error(`GitHub trust needs exact subjects, got ${JSON.stringify(subjects)}`);
  }
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActions',
        Effect: 'Allow',
        Principal: { Federated: githubOidcProviderArn(accountId) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: [...subjects],
          },
        },
      },
    ],
  });
}
