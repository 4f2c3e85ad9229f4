import { ColossusError } from '../../config/errors';
import { parseTarget } from '../../config/target';
import { placeholderFor } from '../../stacks/remote-outputs';
import { targetProviderSettings } from '../../stacks/colossus-stack';
import { loadConfig } from '../../config/load';

function problemOf(kind: string | undefined, endpoint?: string): string {
  try {
    parseTarget(kind, endpoint);
  } catch (error) {
    if (error instanceof ColossusError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected the target to be rejected');
}

describe('deploy targets', () => {
  it('defaults to the real cloud', () => {
    expect(parseTarget(undefined, undefined)).toEqual({ kind: 'aws' });
    expect(parseTarget('offline', undefined)).toEqual({ kind: 'offline' });
    expect(parseTarget('emulator', 'http://127.0.0.1:5000/')).toEqual({
      kind: 'emulator',
      endpoint: 'http://127.0.0.1:5000',
    });
  });

  it('rejects an unknown target, naming the variable and the choices', () => {
    expect(problemOf('azure')).toBe('COLOSSUS_TARGET: must be one of aws, offline, emulator (got "azure")');
  });

  it('rejects the emulator target without a usable endpoint', () => {
    expect(problemOf('emulator')).toMatch(/^COLOSSUS_EMULATOR_ENDPOINT: must be the emulator's base URL/);
    expect(problemOf('emulator', 'localhost:5000')).toMatch(/\(got "localhost:5000"\)$/);
  });

  it('pins real deploys to the environment account and lets offline plans skip every AWS lookup', () => {
    const env = loadConfig({ environment: 'prod' }).environment;
    expect(targetProviderSettings({ kind: 'aws' }, env)).toEqual({ allowedAccountIds: [env.accountId] });
    const offline = targetProviderSettings({ kind: 'offline' }, env);
    expect(offline).toEqual(
      expect.objectContaining({
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: 'true',
      }),
    );
    expect(offline).not.toHaveProperty('allowedAccountIds');
  });

  it('gives offline placeholders the shape Terraform expects of each output', () => {
    expect(placeholderFor('vpc_id', 'arn:aws:sns:us-east-1:1:')).toBe('offline-vpc-id');
    expect(placeholderFor('page_topic_arn', 'arn:aws:sns:us-east-1:1:')).toBe(
      'arn:aws:sns:us-east-1:1:offline-page-topic-arn',
    );
    expect(placeholderFor('subnet_ids', 'x')).toEqual(['offline-subnet_ids']);
    expect(placeholderFor('unit_count', 'x')).toBe(0);
  });
});
