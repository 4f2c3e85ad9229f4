import { appendFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { ColossusError } from '../config/errors';
import { readSynthOutput } from './review/synth-output';
import { changedStacks } from './pipeline/changes';
import { readDeclaredDependencies, stackGraph } from './pipeline/graph';
import { graphText, pipelinePlan, planFromChanges, planText, type PipelinePlan } from './pipeline/matrix';

/**
 * `npm run pipeline -- <command>`: the delivery pipeline's logic, so the workflows stay thin.
 *   graph <synth dir>                 every stack, its upstream and its deploy wave
 *   changed --base <dir> --head <dir> the stacks a change reaches: changed, or downstream of a changed output
 * Text for people by default; --json for the plan as a whole; --github-output <file> appends
 * the job matrices as step outputs (GITHUB_OUTPUT).
 */

interface OutputOptions {
  json?: boolean;
  out?: string;
  githubOutput?: string;
  maxWave?: number;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`a whole number (got ${value})`);
  return n;
}

/** Step outputs: every value on one line, as GITHUB_OUTPUT's name=value form needs. */
export function githubOutputs(plan: PipelinePlan): string {
  const lines = [`matrix=${JSON.stringify(plan.matrix)}`, `count=${plan.count}`];
  for (const [wave, m] of Object.entries(plan.byWave)) {
    lines.push(`${wave}=${JSON.stringify({ include: m.include })}`, `count-${wave}=${m.count}`);
  }
  lines.push(`manual=${plan.manual.map((m) => m.stack).join(' ')}`, `removed=${plan.removed.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

function emit(plan: PipelinePlan, text: string, opts: OutputOptions): void {
  const body = opts.json ? `${JSON.stringify(plan, null, 2)}\n` : text;
  if (opts.out) writeFileSync(opts.out, body);
  else process.stdout.write(body);
  if (opts.githubOutput) appendFileSync(opts.githubOutput, githubOutputs(plan));
}

function withOutputOptions(command: Command): Command {
  return command
    .option('--json', 'write the plan as JSON (stacks, waves, matrices) instead of text')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--github-output <file>', 'also append the matrices as step outputs (pass "$GITHUB_OUTPUT")')
    .option('--max-wave <n>', 'the last wave the workflow has a job for; a stack in a later wave fails', wholeNumber);
}

function main(): void {
  const program = new Command()
    .name('pipeline')
    .description('The delivery pipeline: stack graph, waves, changed stacks');
  withOutputOptions(
    program
      .command('graph')
      .description('every stack of a synth output, with what it follows and its deploy wave')
      .argument('<synth-dir>', 'a synth output folder (holding manifest.json)'),
  ).action((dir: string, opts: OutputOptions) => {
    const synth = readSynthOutput(dir);
    const graph = stackGraph(synth, readDeclaredDependencies(dir));
    emit(pipelinePlan(graph, 'all', [], opts), graphText(graph), opts);
  });
  withOutputOptions(
    program
      .command('changed')
      .description('the stacks a change reaches: changed, or downstream of a changed output')
      .requiredOption('--base <dir>', 'synth output of the base')
      .requiredOption('--head <dir>', 'synth output of the head'),
  ).action((opts: OutputOptions & { base: string; head: string }) => {
    const base = readSynthOutput(opts.base, 'base synth output');
    const head = readSynthOutput(opts.head, 'head synth output');
    const graph = stackGraph(head, readDeclaredDependencies(opts.head));
    const plan = planFromChanges(graph, changedStacks(base, head, graph), opts);
    emit(plan, planText(plan), opts);
  });
  program.showHelpAfterError().parse();
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`pipeline: ${error.message}\n`);
  process.exitCode = 1;
}
