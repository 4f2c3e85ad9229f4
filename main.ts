import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { App } from 'cdktf';
import { ColossusError } from './config/errors';
import { loadConfig } from './config/load';
import { assertContractedCapacity } from './config/resilience';
import { writeResilienceReports } from './policy/resilience/report';
import { parseTarget } from './config/target';
import { buildStacks } from './stacks/build';
import { assertIsolated, proveIsolation, readSynthesizedStacks, writeIsolationReports } from './policy/isolation';
import { assertNoErrors, deferErrorAnnotations, writeComplianceReports } from './policy/gate';
import { publishSynth } from './stacks/synth-output';
import { skipTokenCreationTraces } from './stacks/token-traces';

skipTokenCreationTraces();

/**
 * The cdktf app. The environment comes from COLOSSUS_CONFIG (any YAML file) or
 * COLOSSUS_ENV (a name under config/environments/, default dev); the target from
 * COLOSSUS_TARGET (aws, offline or emulator, with COLOSSUS_EMULATOR_ENDPOINT).
 */
function main(): void {
  const config = loadConfig({ environment: process.env.COLOSSUS_ENV, file: process.env.COLOSSUS_CONFIG });
  const target = parseTarget(process.env.COLOSSUS_TARGET, process.env.COLOSSUS_EMULATOR_ENDPOINT);
  // No stack is built for a facility where one failure would break a tenant's contract.
  assertContractedCapacity(config);

  // Synthesize beside the output folder, then swap: a failed synth leaves the last good output.
  const outdir = resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const staging = `${outdir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(outdir), { recursive: true });
  try {
    const app = new App({ outdir: staging });
    deferErrorAnnotations();
    const stacks = buildStacks(app, config, target);
    app.synth();
    // Every report is written before any gate, so a rejected synth can still be read.
    const isolation = proveIsolation(readSynthesizedStacks(staging), {
      allowedSharedServices: config.isolation?.allowedSharedServices,
    });
    writeIsolationReports(staging, isolation);
    writeResilienceReports(config, staging);
    writeComplianceReports(staging, config.environment.name, stacks);
    publishSynth(staging, outdir, () => {
      // Tenant isolation is proved on what Terraform will create; then any compliance error fails.
      assertIsolated(isolation);
      assertNoErrors(stacks);
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`colossus: ${error.message}\n`);
  process.exitCode = 1;
}
