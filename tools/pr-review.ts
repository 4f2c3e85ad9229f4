import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ColossusError } from '../config/errors';
import { EXIT_ERROR } from './review/change-set';
import { reviewFromSynth } from './review/build';
import { GITHUB_COMMENT_LIMIT } from './review/markdown';
import { renderPullRequestComment, type EnvironmentReview } from './review/summary';

/**
 * `npm run pr-review -- --root <dir> --envs dev,staging,prod --out-dir <dir>`: the pull-request
 * comment for every environment, from the synth outputs the workflow left under --root:
 * base-<env>/ and head-<env>/, or <side>-<env>.error.log when that side failed
 * (.github/scripts/synth-side.sh writes them). Writes comment.md, labels.json and status into
 * --out-dir, for the workflow that posts them. It never reads the GitHub API itself.
 */

export function collectReviews(root: string, environments: readonly string[]): EnvironmentReview[] {
  return environments.map((environment): EnvironmentReview => {
    const side = (name: 'base' | 'head') => join(root, `${name}-${environment}`);
    const errorOf = (name: 'base' | 'head') => `${side(name)}.error.log`;
    if (existsSync(errorOf('head'))) {
      return { environment, failure: { stage: 'synth', error: readFileSync(errorOf('head'), 'utf8') } };
    }
    if (!existsSync(side('head'))) {
      return {
        environment,
        failure: { stage: 'synth', error: `no synth output at head-${environment} and no error log` },
      };
    }
    if (existsSync(errorOf('base')) || !existsSync(side('base'))) {
      return {
        environment,
        note: 'the base did not synthesize, so there is nothing to compare with (head synthesizes)',
      };
    }
    try {
      return { environment, input: reviewFromSynth(side('base'), side('head')) };
    } catch (error) {
      if (!(error instanceof ColossusError)) throw error;
      return { environment, failure: { stage: 'review', error: error.message } };
    }
  });
}

function main(): void {
  const opts = new Command()
    .name('pr-review')
    .description('Write the plan-review comment and labels of a pull request from per-environment synth outputs')
    .requiredOption('--root <dir>', 'folder holding base-<env>/, head-<env>/ and <side>-<env>.error.log')
    .requiredOption('--envs <list>', 'environments, comma-separated, in the order the comment lists them')
    .requiredOption('--out-dir <dir>', 'where to write comment.md, labels.json and status')
    .option('--max-chars <n>', `comment size limit (GitHub comments hold ${GITHUB_COMMENT_LIMIT})`)
    .showHelpAfterError()
    .parse()
    .opts<{ root: string; envs: string; outDir: string; maxChars?: string }>();
  const environments = opts.envs.split(',').filter(Boolean);
  if (environments.length === 0 || environments.some((e) => !/^[a-z][a-z0-9-]*$/.test(e))) {
    throw new ColossusError('invalid option', [
      `--envs: a comma-separated list of environment names (got ${opts.envs})`,
    ]);
  }
  const maxChars = opts.maxChars === undefined ? undefined : Number(opts.maxChars);
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 4000 && maxChars <= GITHUB_COMMENT_LIMIT)) {
    throw new ColossusError('invalid option', [
      `--max-chars: a whole number from 4000 to ${GITHUB_COMMENT_LIMIT} (got ${opts.maxChars})`,
    ]);
  }
  const comment = renderPullRequestComment(collectReviews(opts.root, environments), maxChars);
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, 'comment.md'), comment.body);
  writeFileSync(join(opts.outDir, 'labels.json'), `${JSON.stringify(comment.labels, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'status'), `${comment.status}\n`);
  process.stdout.write(
    `pr-review: status ${comment.status}, ${comment.body.length} characters, labels +[${comment.labels.add.join(', ')}] -[${comment.labels.remove.join(', ')}]\n`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof ColossusError)) throw error;
    process.stderr.write(`pr-review: ${error.message}\n`);
    process.exitCode = EXIT_ERROR;
  }
}
