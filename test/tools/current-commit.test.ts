import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentCommit } from '../../tools/review/provenance';

/** currentCommit reads the hash through a bounded capture and never reads the change listing. */
describe('currentCommit', () => {
  let dir: string;
  const git = (...args: string[]) => {
    const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    return result.stdout.trim();
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'commit-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is unknown outside a repository with a commit', () => {
    expect(currentCommit(dir)).toBe('unknown');
  });

  it('is the hash, with +changes while a tracked file differs, staged or not', () => {
    git('init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'one\n');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'first');
    const head = git('rev-parse', 'HEAD');
    expect(currentCommit(dir)).toBe(head);
    writeFileSync(join(dir, 'untracked.txt'), 'not tracked\n');
    expect(currentCommit(dir)).toBe(head);
    writeFileSync(join(dir, 'a.txt'), 'two\n');
    expect(currentCommit(dir)).toBe(`${head}+changes`);
    git('add', 'a.txt');
    expect(currentCommit(dir)).toBe(`${head}+changes`);
  });
});
