import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';

/** `environment.delivery` in the environment file: each bad input named by field and rule. */

function problems(file: string, edits: [readonly (string | number)[], unknown][]): string[] {
  const doc = parseDocument(readFileSync(join(__dirname, '..', '..', 'config', 'environments', file), 'utf8'));
  for (const [path, value] of edits) doc.setIn(path, value);
  try {
    parseConfig(doc.toString(), 'env.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
const repo = (value: unknown) => problems('staging.yaml', [[['environment', 'delivery', 'repository'], value]]);

describe('environment.delivery', () => {
  it('accepts owner/repository names GitHub accepts', () => {
    for (const ok of ['o/r', 'my-org/colossus-infra', 'A1/x.y_z-1', `${'a'.repeat(39)}/${'b'.repeat(100)}`]) {
      expect([ok, repo(ok)]).toEqual([ok, []]);
    }
  });

  it.each([
    ['colossus-infra', 'no owner'],
    ['-org/repo', 'owner starts with a hyphen'],
    ['org-/repo', 'owner ends with a hyphen'],
    ['my--org/repo', 'two hyphens in a row'],
    [`${'a'.repeat(40)}/repo`, 'owner over 39 characters'],
    [`org/${'b'.repeat(101)}`, 'name over 100 characters'],
    ['org/..', 'a reserved name'],
    ['org/repo*', 'a wildcard'],
    ['org/re po', 'a space'],
    ['org/repo/extra', 'a third segment'],
  ])('refuses repository %j (%s), naming the field and the rule', (value) => {
    expect(repo(value)).toEqual([
      `environment.delivery.repository: must be <owner>/<repository> as GitHub spells it: an owner of letters, digits and single inner hyphens (at most 39), a name of letters, digits, ".", "-" and "_" (at most 100)`,
    ]);
  });

  it('refuses a GitHub environment name that could widen the subject', () => {
    expect(problems('staging.yaml', [[['environment', 'delivery', 'githubEnvironment'], 'prod*']])).toEqual([
      'environment.delivery.githubEnvironment: must be a GitHub environment name of letters, digits, ".", "-" and "_" (at most 255 characters)',
    ]);
  });

  it.each(['../main', 'main/', '/main', 'ma*in'])('refuses default branch %j', (branch) => {
    expect(problems('staging.yaml', [[['environment', 'delivery', 'defaultBranch'], branch]])).toEqual([
      'environment.delivery.defaultBranch: must be a branch name of letters, digits, ".", "-", "_" and "/", with no ".." and no leading or trailing "/"',
    ]);
  });

  it('refuses an unknown field, so a typo is not silently ignored', () => {
    expect(problems('staging.yaml', [[['environment', 'delivery', 'repo'], 'o/r']]).join('\n')).toMatch(
      /^environment\.delivery: .*repo/,
    );
  });

  it('refuses delivery for an environment on local state', () => {
    expect(problems('dev.yaml', [[['environment', 'delivery'], { repository: 'o/r' }]])).toEqual([
      'environment.delivery: GitHub delivery needs an S3 backend: its roles are created by the bootstrap stack, and pipeline jobs share state through the bucket; this environment keeps its state locally',
    ]);
  });
});
