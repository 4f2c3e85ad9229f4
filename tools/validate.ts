import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { synthEnvironment } from './synth-environment';
import { lastLines, logFiles, run } from './run';
import { PROJECT_ROOT, mapWarmFirst, parseJobs, terraformBinary, terraformEnv, terraformSetup } from './terraform';

/** `terraform init` + `terraform validate` of every stack of the named environments. */
async function main(): Promise<void> {
  const program = new Command()
    .name('validate')
    .description('Synthesize environments and run terraform validate on every stack')
    .argument('[environments...]', 'environments to validate', ['dev'])
    .option('-j, --jobs <n>', 'stacks validated at once', '2')
    .parse();
  const environments = program.args.length > 0 ? program.args : ['dev'];
  const jobs = parseJobs(program.opts<{ jobs: string }>().jobs);
  const env = terraformEnv();
  console.log((await terraformSetup(env)).description);

  let passed = 0;
  let failed = 0;
  for (const environment of environments) {
    const outdir = join(PROJECT_ROOT, 'cdktf.out.validate', environment);
    rmSync(outdir, { recursive: true, force: true });
    const started = Date.now();
    const stacks = await synthEnvironment(environment, outdir);
    console.log(
      `${environment}: synthesized ${stacks.length} stacks in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const validateStack = async (stack: (typeof stacks)[number]) => {
      const t0 = Date.now();
      // Terraform's whole output goes to <outdir>/logs/<stack>/; only its end is shown.
      const logs = join(outdir, 'logs', stack.name);
      const init = await run(terraformBinary(), ['init', '-backend=false', '-input=false', '-no-color'], {
        cwd: stack.dir,
        env,
        ...logFiles(logs, 'init'),
      });
      if (init.code !== 0) return { stack, ok: false, detail: `init failed:\n${lastLines(init, 40)}` };
      const validate = await run(terraformBinary(), ['validate', '-no-color'], {
        cwd: stack.dir,
        env,
        ...logFiles(logs, 'validate'),
      });
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(`  ${validate.code === 0 ? 'ok  ' : 'FAIL'} ${stack.name} (${seconds} s)`);
      return { stack, ok: validate.code === 0, detail: lastLines(validate, 40) };
    };
    const results = await mapWarmFirst(stacks, jobs, validateStack);
    for (const result of results) {
      if (result.ok) passed += 1;
      else {
        failed += 1;
        console.error(`\n${result.stack.name}: ${result.detail.trim()}\n`);
      }
    }
  }
  console.log(`terraform validate: ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`validate: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
