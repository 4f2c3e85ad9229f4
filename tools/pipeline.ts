import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load';
import { deliveryNames } from '../config/account-names';
import { run, terraformBinary, terraformEnv } from './terraform';
import { Command, InvalidArgumentError } from 'commander';
import { ColossusError } from '../config/errors';
import { readSynthOutput } from './review/synth-output';
import { changedStacks } from './pipeline/changes';
import { readDeclaredDependencies, stackGraph } from './pipeline/graph';
import {
  githubOutputs,
  graphText,
  pipelinePlan,
  planFromChanges,
  planText,
  type PipelinePlan,
} from './pipeline/matrix';
import { mergePlanDirs } from './pipeline/plans';
import { blockedDestroys } from './pipeline/gate';
import { driftReport } from './pipeline/drift';
import { readPlanDir } from './review/plan-json';
import { reviewFromPlanAgainstBase } from './review/build';
import { COMMENT_MARKER, renderMarkdown } from './review/markdown';

/**
 * `npm run pipeline -- <command>`: the delivery pipeline's logic, so the workflows stay thin.
 *   graph <synth dir>                 every stack, its upstream and its deploy wave
 *   changed --base <dir> --head <dir> the stacks a change reaches: changed, or downstream of a changed output
 *   merge-plans --into <dir> <dirs…>  one plan index from the per-stack plan jobs' folders
 *   comment --plans --head --base     the pull-request comment from plans against real state
 *   gate --plans <dir> --synth <dir>  fails when a plan destroys or replaces a protected resource
 *   drift --plans <dir> --synth <dir> the drift issue's body, and whether it stays open
 *   roles <env>                       the delivery roles' ARNs and region, from the environment file
 *   apply --synth <dir> <stack>       terraform apply of the plan the job made (plan.bin), nothing else
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

async function main(): Promise<void> {
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
      .requiredOption('--head <dir>', 'synth output of the head')
      .option(
        '--all-without-base',
        'when the base folder is missing (no earlier commit, or it did not synthesize), select every stack',
      ),
  ).action((opts: OutputOptions & { base: string; head: string; allWithoutBase?: boolean }) => {
    const head = readSynthOutput(opts.head, 'head synth output');
    const graph = stackGraph(head, readDeclaredDependencies(opts.head));
    if (opts.allWithoutBase && !existsSync(opts.base)) {
      // Nothing to compare with: deploying every stack is safe (unchanged ones plan no changes).
      const plan = pipelinePlan(
        graph,
        graph.stacks.map((s) => ({
          name: s.name,
          direct: true,
          reasons: ['no base synth to compare with: every stack'],
        })),
        [],
        opts,
      );
      emit(plan, planText(plan), opts);
      return;
    }
    const base = readSynthOutput(opts.base, 'base synth output');
    const plan = planFromChanges(graph, changedStacks(base, head, graph), opts);
    emit(plan, planText(plan), opts);
  });
  program
    .command('merge-plans')
    .description("gather the per-stack plan jobs' folders into one plan folder with one index")
    .requiredOption('--into <dir>', 'the plan folder to write')
    .argument('<dirs...>', 'folders each holding a plans/index.json (or an index.json)')
    .action((dirs: string[], opts: { into: string }) => {
      const merged = mergePlanDirs(dirs, opts.into);
      process.stdout.write(`merged ${merged.stacks.length} stack plan(s) of ${merged.environment} into ${opts.into}\n`);
    });
  program
    .command('comment')
    .description('the pull-request comment of plans made against real state, with what only the synth diff shows')
    .requiredOption('--plans <dir>', 'the merged plan folder')
    .requiredOption('--head <dir>', 'the head synth output the plans came from')
    .requiredOption('--base <dir>', 'the base synth output')
    .requiredOption('--out <file>', 'where to write the Markdown')
    .option('--max-chars <n>', 'comment size limit', (v) => wholeNumber(v), 60000)
    .action((opts: { plans: string; head: string; base: string; out: string; maxChars: number }) => {
      const input = reviewFromPlanAgainstBase(opts.plans, opts.head, opts.base);
      const marker = `<!-- colossus-pipeline-plan:${input.changeSet.environment} -->`;
      const body = renderMarkdown(input, { maxChars: opts.maxChars - marker.length }).replace(COMMENT_MARKER, marker);
      writeFileSync(opts.out, body);
      process.stdout.write(`comment for ${input.changeSet.environment}: ${body.length} characters\n`);
      if ((input.failed?.length ?? 0) > 0) process.exitCode = 1;
    });
  program
    .command('gate')
    .description('stop a deploy wave when a plan destroys or replaces a protected resource')
    .requiredOption('--plans <dir>', 'plan folder (tools/plan.ts output)')
    .requiredOption('--synth <dir>', 'the synth output the plans came from')
    .action((opts: { plans: string; synth: string }) => {
      const read = readPlanDir(opts.plans, opts.synth);
      const synth = readSynthOutput(opts.synth);
      const blocked = read.changeSet.stacks.flatMap((s) => blockedDestroys(s, synth.stacks.get(s.name)));
      if (read.failed.length > 0 || blocked.length > 0) {
        throw new ColossusError(
          'the deploy stops here',
          [
            ...read.failed.map((f) => `${f.name}: the plan failed: ${f.error.split('\n')[0]}`),
            ...blocked.map(
              (b) => `${b.stack}: ${b.address} would be ${b.action === 'delete' ? 'destroyed' : 'replaced'}: ${b.why}`,
            ),
          ],
          'Remove a protected resource by hand, after review (README, "What is protected").',
        );
      }
      process.stdout.write(`gate: ${read.changeSet.stacks.map((s) => s.name).join(', ')} destroy nothing protected\n`);
    });
  program
    .command('drift')
    .description("the drift issue's body from plans of every stack against real state")
    .requiredOption('--plans <dir>', 'the merged plan folder')
    .requiredOption('--synth <dir>', 'the synth output the plans came from')
    .requiredOption('--out <file>', 'where to write the issue body')
    .option('--run-url <url>', 'the workflow run, for the reader')
    .option('--github-output <file>', 'append open=true|false and drifted=<stacks> as step outputs')
    .action((opts: { plans: string; synth: string; out: string; runUrl?: string; githubOutput?: string }) => {
      const read = readPlanDir(opts.plans, opts.synth);
      const environment = readSynthOutput(opts.synth).environment;
      const report = driftReport({
        environment,
        stacks: read.changeSet.stacks,
        failed: read.failed,
        ...(opts.runUrl ? { runUrl: opts.runUrl } : {}),
      });
      writeFileSync(opts.out, report.body);
      if (opts.githubOutput) {
        appendFileSync(opts.githubOutput, `open=${report.open}\ndrifted=${report.drifted.join(' ')}\n`);
      }
      process.stdout.write(
        `drift: ${report.open ? `open (${report.drifted.join(', ') || 'plans failed'})` : 'none'}\n`,
      );
    });
  program
    .command('roles')
    .description("the delivery roles' ARNs and the region, from the environment file (step outputs)")
    .argument('<environment>', 'an environment under config/environments/')
    .option('--github-output <file>', 'append plan-role, deploy-role and region as step outputs')
    .action((environment: string, opts: { githubOutput?: string }) => {
      const env = loadConfig({ environment }).environment;
      if (!env.delivery || env.backend.type !== 's3') {
        throw new ColossusError(`${environment} has no delivery`, [
          `environment.delivery is not set in ${environment}'s environment file, so its bootstrap stack creates no pipeline roles`,
        ]);
      }
      const names = deliveryNames(env.name);
      const text = [
        `plan-role=arn:aws:iam::${env.accountId}:role/${names.planRole}`,
        `deploy-role=arn:aws:iam::${env.accountId}:role/${names.deployRole}`,
        `region=${env.backend.region}`,
      ].join('\n');
      if (opts.githubOutput) appendFileSync(opts.githubOutput, `${text}\n`);
      process.stdout.write(`${text}\n`);
    });
  program
    .command('apply')
    .description('apply exactly the plan a deploy job made and gated (plan.bin), with the state lock')
    .requiredOption('--synth <dir>', 'the synth output the plan was made in')
    .argument('<stack>', 'the stack')
    .action(async (stack: string, opts: { synth: string }) => {
      const dir = join(opts.synth, 'stacks', stack);
      if (!existsSync(join(dir, 'plan.bin'))) {
        throw new ColossusError(`no plan to apply for ${stack}`, [
          `${join(dir, 'plan.bin')} is missing: plan the stack in this job first (npm run plan -- <env> ${stack} --synthesized ${opts.synth} --target aws)`,
        ]);
      }
      const result = await run(
        terraformBinary(),
        ['apply', '-input=false', '-no-color', '-lock-timeout=5m', 'plan.bin'],
        {
          cwd: dir,
          env: terraformEnv(),
          // Echoed line by line as Terraform writes it: the job log shows the apply, nothing is held.
          onLine: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
        },
      );
      if (result.code !== 0) throw new ColossusError(`apply of ${stack} failed`, [`terraform exited ${result.code}`]);
    });
  await program.showHelpAfterError().parseAsync();
}

main().catch((error: unknown) => {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`pipeline: ${error.message}\n`);
  process.exitCode = 1;
});
