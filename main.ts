import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { App } from 'cdktf';
import { ColossusError } from './config/errors';
import { loadConfig } from './config/load';
import { assertContractedCapacity, clusterResilience } from './config/resilience';
import { writeResilienceReports } from './policy/resilience/report';
import { parseTarget } from './config/target';
import { buildStacks } from './stacks/build';
import { assertIsolated, proveIsolation, readSynthesizedStacks, writeIsolationReports } from './policy/isolation';
import { assertNoErrors, deferErrorAnnotations, errorAnnotations, writeComplianceReports } from './policy/gate';
import {
  checkOutdir,
  chooseOutdir,
  cleanOnSignals,
  dropSynthFolder,
  publishSynth,
  rejectedDir,
  startStaging,
  stateDirFor,
} from './stacks/synth-output';
import { formatSummary, gateVerdicts, isQuiet, resourceCount } from './stacks/synth-summary';
import { skipTokenCreationTraces } from './stacks/token-traces';

skipTokenCreationTraces();

const PROJECT_ROOT = __dirname;

/** Lets a pending SIGINT/SIGTERM handler run (synth is synchronous between these points). */
const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * The cdktf app. The environment comes from COLOSSUS_CONFIG (any YAML file) or
 * COLOSSUS_ENV (a name under config/environments/, default dev); the target from
 * COLOSSUS_TARGET (aws, offline or emulator, with COLOSSUS_EMULATOR_ENDPOINT). The output goes
 * to CDKTF_OUTDIR (set by the cdktf CLI), else cdktf.out/<environment>.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--quiet' && a !== '-q');
  if (unknown.length > 0)
    throw new ColossusError('invalid option', [`${unknown.join(' ')}: the only option is --quiet`]);
  const quiet = isQuiet(args, process.env.COLOSSUS_QUIET);
  // The cdktf CLI passes its context to the app it runs; see publishSynth's carryOverOrphans.
  const runByCdktfCli = process.env.CDKTF_CONTEXT_JSON !== undefined;

  const config = loadConfig({ environment: process.env.COLOSSUS_ENV, file: process.env.COLOSSUS_CONFIG });
  const target = parseTarget(process.env.COLOSSUS_TARGET, process.env.COLOSSUS_EMULATOR_ENDPOINT);
  // No stack is built for a facility where one failure would break a tenant's contract.
  assertContractedCapacity(config);
  const environment = config.environment.name;
  const environments = readdirSync(join(PROJECT_ROOT, 'config', 'environments')).map((f) => f.replace(/\.ya?ml$/, ''));
  const context = { environment, projectRoot: PROJECT_ROOT, cwd: process.cwd(), environments };
  const outdir = chooseOutdir(process.env.CDKTF_OUTDIR, context);
  checkOutdir(outdir, context);

  // Synthesize beside the output folder, then swap: a failed synth leaves the last good output.
  mkdirSync(dirname(outdir), { recursive: true });
  const staging = startStaging(outdir, environment);
  const stopCleaning = cleanOnSignals(staging, outdir);
  try {
    await turn();
    const app = new App({ outdir: staging });
    deferErrorAnnotations();
    const stacks = buildStacks(app, config, target, { stateDir: stateDirFor(outdir, PROJECT_ROOT) });
    await turn();
    app.synth();
    await turn();
    // Every report is written before any gate, so a rejected synth can still be read.
    const synthesized = readSynthesizedStacks(staging);
    const isolation = proveIsolation(synthesized, {
      allowedSharedServices: config.isolation?.allowedSharedServices,
    });
    writeIsolationReports(staging, isolation);
    writeResilienceReports(config, staging);
    writeComplianceReports(staging, environment, stacks);
    const errors = errorAnnotations(stacks).length;
    await turn();

    // Set once the output is in place, or once a gate rejected the synth (it goes to .rejected).
    let outcome: 'published' | 'rejected' | undefined;
    try {
      publishSynth(
        staging,
        outdir,
        () => {
          // Tenant isolation is proved on what Terraform will create; then any compliance error fails.
          outcome = 'rejected';
          assertIsolated(isolation);
          assertNoErrors(stacks);
          outcome = undefined;
        },
        { carryOverOrphans: runByCdktfCli },
      );
      outcome = 'published';
    } finally {
      if (!quiet && outcome) {
        const published = outcome === 'published';
        const where = published ? outdir : rejectedDir(outdir);
        // Relative to where the command ran when inside it, else in full.
        const shown = (path: string) => {
          const rel = relative(process.cwd(), path);
          return rel.startsWith('..') || isAbsolute(rel) ? path : rel || '.';
        };
        const findings = {
          complianceErrors: errors,
          leaks: isolation.leaks.length + isolation.findings.length,
          unproven: isolation.unproven.length,
          tenants: isolation.tenants.length,
          scenarios: config.clusters.reduce((n, c) => n + clusterResilience(config, c).scenarios.length, 0),
        };
        const summary = formatSummary({
          environment,
          target: target.kind,
          outdir: shown(where),
          published,
          stacks: [...synthesized].map(([name, json]) => ({ name, resources: resourceCount(json) })),
          gates: gateVerdicts(findings, stacks.length, (path) => shown(join(where, path))),
        });
        process.stdout.write(`${summary.join('\n')}\n`);
      }
    }
  } finally {
    stopCleaning();
    dropSynthFolder(staging);
  }
}

// Exported so an in-process runner (the bad-input corpus) can wait for the synth to finish.
export const finished = main().catch((error: unknown) => {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`colossus: ${error.message}\n`);
  process.exitCode = 1;
});
