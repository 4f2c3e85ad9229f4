import { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL } from './github-oidc';

/**
 * GitHub Actions' OIDC identity provider in the account: lets STS accept GitHub's tokens.
 * What a token may then do is decided by the trust policy of each role (github-oidc.ts). No
 * thumbprint: IAM trusts GitHub's issuer through its own root CA library (see github-oidc.ts).
 */
export class GithubOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: { readonly tags?: Record<string, string> } = {}) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'provider', {
      url: GITHUB_OIDC_URL,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
      ...(props.tags ? { tags: props.tags } : {}),
    });
  }
}
