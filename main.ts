// First: how the packages below load (see the module).
import './stacks/module-loading';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { App, type TerraformStack } from 'cdktf';
import { ColossusError } from './config/errors';
import { loadConfig } from './config/load';
import { assertContractedCapacity, environmentResilience } from './config/resilience';
import { writeResilienceReports } from './policy/resilience/report';
import { writeCapacityReports } from './policy/capacity/report';
import { parseTarget } from './config/target';
import { buildStacks } from './stacks/build';
import { planStacks } from './stacks/sharding';
import { assertIsolated, proveIsolation, readSynthesizedStacks, writeIsolationReports } from './policy/isolation';
import { assertNoErrorsIn, deferErrorAnnotations, errorAnnotations, stackReports } from './policy/gate';
import { writeStackReports } from './policy/reports/write';
import { inlineReportWriter, threadReportWriter } from './policy/reports/writer';
import { RULES } from './policy/rules';
import type { ColossusConfig } from './config/schema';
import type { Target } from './config/target';
import { balancedParts, parseStackSelection } from './stacks/selection';
import { parseArgs, synthJobs } from './stacks/synth-options';
import { stackResourceCounts } from './stacks/resource-count';
import { mergePart, parsePartSpec, readPartResult, writePartResult, type PartSpec } from './stacks/synth-parts';
import {
  checkOutdir,
  chooseOutdir,
  cleanOnSignals,
  dropSynthFolder,
  localStateRoot,
  publishSynth,
  rejectedDir,
  selectedOutdir,
  startStaging,
  stateDirFor,
} from './stacks/synth-output';
import { formatSummary, gateVerdicts, isQuiet, resourceCount } from './stacks/synth-summary';
import { skipTokenCreationTraces } from './stacks/token-traces';
import { collectGarbage, forgetTokens } from './stacks/synth-memory';

skipTokenCreationTraces();

const PROJECT_ROOT = __dirname;

/** Lets a pending SIGINT/SIGTERM handler run (synth is synchronous between these points). */
const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Below this many resources the report files are written inline: starting the writer thread
 * (loading tsx and the report modules again) costs more than it saves. Dev (258 resources):
 * 1.9 s inline, 2.8 s threaded; prod (9,748): the thread saves 2 to 3 s (npm run bench).
 */
const MIN_RESOURCES_FOR_WRITER_THREAD = 2000;

/** Worker processes of a split synth still running; killed if the synth is stopped or fails. */
const workers = new Set<ReturnType<typeof spawn>>();

/** Synthesizes the stacks one part owns in a process of its own (main.ts again, in part mode). */
function startPart(spec: PartSpec): Promise<void> {
  return new Promise((resolvePart, rejectPart) => {
    const env: NodeJS.ProcessEnv = { ...process.env, COLOSSUS_SYNTH_PART: JSON.stringify(spec), COLOSSUS_QUIET: '1' };
    delete env.CDKTF_OUTDIR;
    delete env.COLOSSUS_STACKS;
    const child = spawn(process.execPath, [...process.execArgv, __filename], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workers.add(child);
    // Only the end of its error output is kept: enough to say what went wrong.
    let tail = '';
    child.stderr.on('data', (chunk: Buffer) => (tail = `${tail}${chunk.toString()}`.slice(-4000)));
    child.on('error', (error) => {
      workers.delete(child);
      rejectPart(error);
    });
    child.on('close', (code, signal) => {
      workers.delete(child);
      if (code === 0) resolvePart();
      else
        rejectPart(
          new ColossusError(`synth of ${spec.owned.join(', ')} failed in its worker (${signal ?? `exit ${code}`})`, [
            ...tail.trim().split('\n').slice(-15),
          ]),
        );
    });
  });
}

/** Part mode: synthesize the owned stacks (and those they read) into the folder the main process named. */
function synthPart(spec: PartSpec, config: ColossusConfig, target: Target): void {
  const app = new App({ outdir: spec.dir });
  deferErrorAnnotations();
  const stacks = buildStacks(app, config, target, { stateDir: spec.stateDir, only: spec.owned });
  app.synth();
  const owned = stacks.filter((s) => spec.owned.includes(s.node.id));
  const reports = stackReports(owned);
  writeStackReports(spec.dir, reports, RULES);
  writePartResult(spec.dir, { owned: spec.owned, reports, errors: errorAnnotations(owned) });
}

/**
 * The cdktf app. The environment comes from COLOSSUS_CONFIG (any YAML file) or
 * COLOSSUS_ENV (a name under config/environments/, default dev); the target from
 * COLOSSUS_TARGET (aws, offline or emulator, with COLOSSUS_EMULATOR_ENDPOINT). The output goes
 * to CDKTF_OUTDIR (set by the cdktf CLI), else cdktf.out/<environment>, or
 * cdktf.out/<environment>.selected when only some stacks are asked for (--stack or
 * COLOSSUS_STACKS). A whole environment is split across COLOSSUS_SYNTH_JOBS processes. Local
 * Terraform state lives in the project's .state, or in COLOSSUS_STATE_DIR.
 */
async function main(): Promise<void> {
  const { quiet: quietOption, stacks: stackOptions } = parseArgs(process.argv.slice(2));
  const quiet = quietOption || isQuiet([], process.env.COLOSSUS_QUIET);
  // The cdktf CLI passes its context to the app it runs; see publishSynth's carryOverOrphans.
  const runByCdktfCli = process.env.CDKTF_CONTEXT_JSON !== undefined;

  const config = loadConfig({ environment: process.env.COLOSSUS_ENV, file: process.env.COLOSSUS_CONFIG });
  const target = parseTarget(process.env.COLOSSUS_TARGET, process.env.COLOSSUS_EMULATOR_ENDPOINT);
  if (process.env.COLOSSUS_SYNTH_PART !== undefined) {
    synthPart(parsePartSpec(process.env.COLOSSUS_SYNTH_PART), config, target);
    return;
  }
  // No stack is built for a facility where one failure would break a tenant's contract.
  // The scenarios and the sharding plan are worked out once here, for the gate, synth and reports.
  const resilience = environmentResilience(config);
  assertContractedCapacity(config, resilience);
  const plans = planStacks(config);
  const environment = config.environment.name;
  const selection = parseStackSelection(process.env.COLOSSUS_STACKS, stackOptions);
  const only = selection.length > 0 ? selection : undefined;
  const environments = readdirSync(join(PROJECT_ROOT, 'config', 'environments')).map((f) => f.replace(/\.ya?ml$/, ''));
  const context = { environment, projectRoot: PROJECT_ROOT, cwd: process.cwd(), environments };
  const outdir = chooseOutdir(
    process.env.CDKTF_OUTDIR ?? (only ? selectedOutdir(PROJECT_ROOT, environment) : undefined),
    context,
  );
  checkOutdir(outdir, context);
  const jobs = synthJobs(process.env.COLOSSUS_SYNTH_JOBS);
  const weights = stackResourceCounts(config, plans).map((s) => ({ name: s.name, weight: s.count }));
  // Split only a whole environment, and only when run as the program (not inside a test runner).
  const parts = !only && jobs > 1 && require.main === module ? balancedParts(weights, jobs) : [];

  // Synthesize beside the output folder, then swap: a failed synth leaves the last good output.
  mkdirSync(dirname(outdir), { recursive: true });
  const staging = startStaging(outdir, environment);
  let stopWriter = (): void => undefined;
  const killWorkers = () => {
    workers.forEach((w) => w.kill('SIGKILL'));
    stopWriter();
  };
  // Registered before the staging cleanup, so no worker writes into a folder being deleted.
  process.on('SIGINT', killWorkers).on('SIGTERM', killWorkers);
  const stopCleaning = cleanOnSignals(staging, outdir);
  const stateDir = stateDirFor(outdir, localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR));
  try {
    // The other parts start first: they run on the other cores while this process does its own.
    const others = parts.slice(1).map((owned, i) => {
      const dir = join(staging, '.parts', String(i + 1));
      mkdirSync(dir, { recursive: true });
      const done = startPart({ dir, stateDir, owned });
      done.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
      return { dir, owned, done };
    });
    await turn();
    // Report files are written beside synth, in a worker thread when run as the program.
    const environmentResources = weights.reduce((sum, w) => sum + w.weight, 0);
    const threaded = require.main === module && !only && environmentResources >= MIN_RESOURCES_FOR_WRITER_THREAD;
    const writer = (threaded ? threadReportWriter : inlineReportWriter)({ outdir: staging, environment });
    stopWriter = writer.stop;
    const owned = parts.length > 1 ? new Set(parts[0]) : undefined;
    // Built and synthesized in a function of its own, so the construct tree is garbage once it returns.
    const synthesizeHere = async (): Promise<string[]> => {
      const app = new App({ outdir: staging });
      deferErrorAnnotations();
      const built = buildStacks(app, config, target, {
        stateDir,
        plans,
        only: only ?? parts[0],
        onReport: (report) => {
          if (!owned || owned.has(report.stack)) writer.add(report, true);
        },
      });
      await turn();
      app.synth();
      await turn();
      const mine: TerraformStack[] = owned ? built.filter((s) => owned.has(s.node.id)) : built;
      // Every stack has its report (stackReports fails otherwise), each passed on once.
      for (const report of stackReports(mine)) if (!writer.has(report.stack)) writer.add(report, true);
      return errorAnnotations(mine);
    };
    const errors = await synthesizeHere();
    // The tokens would keep the tree (prod: 100 MB) alive while isolation is proved; let it go now.
    if (require.main === module) {
      forgetTokens();
      collectGarbage();
    }
    for (const part of others) {
      await part.done;
      mergePart(part.dir, staging, part.owned);
      const result = readPartResult(part.dir);
      for (const report of result.reports) writer.add(report, false);
      errors.push(...result.errors);
    }
    rmSync(join(staging, '.parts'), { recursive: true, force: true });
    const written = writer.finish(plans.map((p) => p.name));
    written.catch(() => undefined); // awaited below, once isolation is proved beside it
    await turn();
    // Every report is written before any gate, so a rejected synth can still be read.
    const synthesized = readSynthesizedStacks(staging);
    const isolation = proveIsolation(synthesized, {
      allowedSharedServices: config.isolation?.allowedSharedServices,
    });
    writeIsolationReports(staging, isolation);
    writeResilienceReports(config, staging, resilience);
    writeCapacityReports(config, staging, resilience);
    await written;
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
          assertNoErrorsIn(errors);
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
          complianceErrors: errors.length,
          leaks: isolation.leaks.length + isolation.findings.length,
          unproven: isolation.unproven.length,
          tenants: isolation.tenants.length,
          scenarios: [...resilience.values()].reduce((n, r) => n + r.scenarios.length, 0),
        };
        const summary = formatSummary({
          environment,
          target: target.kind,
          outdir: shown(where),
          published,
          stacks: [...synthesized].map(([name, json]) => ({ name, resources: resourceCount(json) })),
          gates: gateVerdicts(findings, synthesized.size, (path) => shown(join(where, path))),
          ...(only ? { selected: only } : {}),
        });
        process.stdout.write(`${summary.join('\n')}\n`);
      }
    }
  } finally {
    killWorkers();
    process.off('SIGINT', killWorkers).off('SIGTERM', killWorkers);
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
