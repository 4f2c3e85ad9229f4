import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { ColossusError } from '../config/errors';
import { EXIT_ERROR, exitStatus } from './review/change-set';
import { jsonReview, reviewFromPlan, reviewFromSynth } from './review/build';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from './review/markdown';

/**
 * `npm run review -- --base <synth dir> --head <synth dir>` or `--plan <dir>`: what a change
 * does, for a pull request. Exit status: 0 nothing destroyed, 2 something destroyed or
 * replaced, 1 an error.
 */
function main(): void {
  const program = new Command()
    .name('review')
    .description('Summarize a change for reviewers, from two synth outputs or from Terraform plans')
    .option('--base <dir>', 'synth output of the base (the target branch)')
    .option('--head <dir>', 'synth output of the head (the pull request)')
    .option('--plan <dir>', 'output of `npm run plan` (a synth output holding plans/), or a folder of plan JSON files')
    .option('--synth <dir>', 'with --plan: the synth output the plans must have come from (refused otherwise)')
    .option('--json', 'write JSON instead of Markdown')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--max-chars <n>', `Markdown size limit (GitHub comments hold ${GITHUB_COMMENT_LIMIT})`)
    .showHelpAfterError()
    .parse();
  const opts = program.opts<{
    base?: string;
    head?: string;
    plan?: string;
    synth?: string;
    json?: boolean;
    out?: string;
    maxChars?: string;
  }>();
  if (opts.plan && (opts.base || opts.head)) {
    throw new ColossusError('conflicting options', [
      'give either --plan <dir>, or --base <dir> with --head <dir>, not both',
    ]);
  }
  if (!opts.plan && !(opts.base && opts.head)) {
    throw new ColossusError('nothing to review', [
      opts.base || opts.head
        ? `--${opts.base ? 'head' : 'base'} is missing: a synth diff needs both --base <dir> and --head <dir>`
        : 'give --plan <dir>, or --base <dir> with --head <dir>',
    ]);
  }
  const maxChars = opts.maxChars === undefined ? undefined : Number(opts.maxChars);
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 2000)) {
    throw new ColossusError('invalid option', [
      `--max-chars: must be a whole number of at least 2000 (got ${opts.maxChars})`,
    ]);
  }
  if (opts.synth && !opts.plan) {
    throw new ColossusError('conflicting options', ['--synth <dir> checks plans: give it with --plan <dir>']);
  }
  const input = opts.plan
    ? reviewFromPlan(opts.plan, opts.synth)
    : reviewFromSynth(opts.base as string, opts.head as string);
  const status = (input.failed?.length ?? 0) > 0 ? EXIT_ERROR : exitStatus(input.changeSet);
  const text = opts.json ? jsonReview(input, status) : renderMarkdown(input, maxChars ? { maxChars } : {});
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
  process.exitCode = status;
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`review: ${error.message}\n`);
  process.exitCode = EXIT_ERROR;
}
