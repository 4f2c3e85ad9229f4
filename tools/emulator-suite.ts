import { scenario } from './deploy-test';
import { installEmulator, MOTO_VERSION, startEmulator } from './emulator';
import { reviewScenarios, selectedScenarios, writeBaseConfig } from './review-e2e';

/**
 * `npm run test:emulator` (CI): the deploy test and the plan review end to end against one
 * emulator and one deployment. Deploying the review's base took about 6 minutes of CI on its
 * own, the same `cdktf deploy` the deploy test makes; here the deploy test deploys that base
 * (the emulator environment plus a spare-only hall-b), and once every stack plans again
 * without changes, before the fault tests touch any state, the review scenarios plan their
 * changes against it. Then the fault tests and the destroy run as in `npm run test:deploy`.
 * Each test also runs alone, with an emulator and a deployment of its own.
 */
async function main(): Promise<void> {
  const figures: string[] = [];
  const faults: string[] = [];
  const scenarios = selectedScenarios([]);
  console.log(`emulator suite: installing moto ${MOTO_VERSION} (once) and starting it`);
  installEmulator((line) => console.log(`  ${line}`));
  const emulator = await startEmulator();
  console.log(`  emulator at ${emulator.endpoint} (log ${emulator.log})`);
  const configFile = writeBaseConfig();
  try {
    await scenario(emulator, figures, faults, {
      configFile,
      whileDeployed: async (base) => {
        console.log(`\nplan review end to end: ${scenarios.length} changes planned against the deployed stacks`);
        const started = Date.now();
        const failures = await reviewScenarios(base.endpoint, base.outdir, scenarios, figures);
        figures.push(`plan review, all ${scenarios.length} changes: ${((Date.now() - started) / 1000).toFixed(0)} s`);
        console.log(
          failures.length === 0 ? '\nreview e2e passed' : `\nreview e2e FAILED:\n  - ${failures.join('\n  - ')}`,
        );
        return failures.map((f) => `review: ${f}`);
      },
    });
  } finally {
    await emulator.stop();
  }
  console.log('\ndeploy test and plan review passed');
  console.log('figures:');
  for (const f of figures) console.log(`  ${f}`);
  console.log('faults injected:');
  for (const f of faults) console.log(`  ${f}`);
}

main().catch((error: unknown) => {
  console.error(`\nemulator suite FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
