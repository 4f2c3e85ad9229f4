import { ColossusError } from '../config/errors';

/** The options main.ts takes: --quiet (-q), and --stack <name> (repeatable) to synthesize only some stacks. */
export function parseArgs(args: readonly string[]): { quiet: boolean; stacks: string[] } {
  const stacks: string[] = [];
  const problems: string[] = [];
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = arg.startsWith('--stack=') ? arg.slice('--stack='.length) : arg === '--stack' ? args[i + 1] : null;
    if (arg === '--quiet' || arg === '-q') quiet = true;
    else if (value === null) problems.push(`${arg}: the only options are --quiet and --stack <name> (repeatable)`);
    else if (value === undefined || value === '' || value.startsWith('-'))
      problems.push(`${arg}: needs the name of a stack, as in --stack dev-colossus-1-network`);
    else {
      stacks.push(value);
      if (arg === '--stack') i++;
    }
  }
  if (problems.length > 0) throw new ColossusError('invalid option', problems);
  return { quiet, stacks };
}

/**
 * How many processes a whole-environment synth uses: COLOSSUS_SYNTH_JOBS, else one. The second
 * core already writes the report files beside the synth (policy/reports/writer.ts). Splitting
 * across processes repeats module loading, building and the stacks each part reads, and on the
 * 2-core machine two processes took longer than one (prod: 13.8 s against 11.0 s).
 */
export function synthJobs(setting: string | undefined): number {
  if (setting === undefined || setting.trim() === '') return 1;
  const jobs = Number(setting);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new ColossusError('invalid COLOSSUS_SYNTH_JOBS', [
      `COLOSSUS_SYNTH_JOBS: must be a whole number of at least 1 (got ${JSON.stringify(setting)})`,
    ]);
  }
  return jobs;
}
