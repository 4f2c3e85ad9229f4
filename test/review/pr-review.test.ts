import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The workflow's own scripts on a head that does not synthesize: .github/scripts/synth-side.sh
 * then tools/pr-review.ts, exactly as plan-review.yml runs them. The comment must be the
 * error, and the labels must say synth-failed, so no earlier review stays standing.
 */

const repo = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'pr-review-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('a head that fails to synthesize replaces the comment with its error and sets synth-failed', () => {
  const broken = join(work, 'broken.yaml');
  writeFileSync(
    broken,
    readFileSync(join(repo, 'config', 'environments', 'dev.yaml'), 'utf8').replace(/firstUnit: 0/, 'firstUnit: 7'),
  );
  const root = join(work, 'synth');
  const synth = spawnSync('bash', ['.github/scripts/synth-side.sh', 'head', root, 'dev'], {
    cwd: repo,
    env: { ...process.env, COLOSSUS_CONFIG: broken },
    encoding: 'utf8',
  });
  expect(synth.status).toBe(0);
  expect(synth.stdout).toContain('head dev: synth failed');
  expect(existsSync(join(root, 'head-dev.error.log'))).toBe(true);
  expect(existsSync(join(root, 'head-dev'))).toBe(false);

  const out = join(work, 'out');
  const review = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), 'tools/pr-review.ts', '--root', root, '--envs', 'dev', '--out-dir', out],
    { cwd: repo, encoding: 'utf8' },
  );
  expect(review.stderr).toBe('');
  expect(review.status).toBe(0);
  const body = readFileSync(join(out, 'comment.md'), 'utf8');
  const lines = body.split('\n');
  expect(lines[0]).toBe('<!-- colossus-plan-review -->');
  expect(lines[1]).toBe('## Plan review: :x: the head could not be reviewed');
  expect(body).toContain(
    'No review of this head: `dev` (synth) failed. Any earlier review of this pull request no longer applies.',
  );
  expect(body).toContain(
    'clusters[colossus-1].tenants[lab-alpha].allocations[0].firstUnit: tenant lab-alpha is placed on su-007 but hall hall-a holds su-000..su-001 (2 SUs); an allocation must lie inside its hall',
  );
  expect(JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8'))).toEqual({
    add: ['synth-failed'],
    remove: ['destroys-resources'],
  });
  expect(readFileSync(join(out, 'status'), 'utf8').trim()).toBe('1');
});

test('the workflows run these scripts, and the posting workflow runs no pull-request code', () => {
  const review = readFileSync(join(repo, '.github', 'workflows', 'plan-review.yml'), 'utf8');
  const post = readFileSync(join(repo, '.github', 'workflows', 'plan-review-post.yml'), 'utf8');
  expect(review).toContain('.github/scripts/synth-side.sh head');
  expect(review).toContain('npm run --silent pr-review --');
  expect(review).toMatch(/permissions:\n {2}contents: read\n\n/);
  expect(post).toContain('workflow_run:');
  expect(post).not.toMatch(/actions\/checkout|npm |npx |tsx /);
  // Every third-party action is pinned to a commit.
  for (const uses of [...review.matchAll(/uses: (\S+)/g), ...post.matchAll(/uses: (\S+)/g)]) {
    expect(uses[1]).toMatch(/@[0-9a-f]{40}$/);
  }
});
