import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, parse, posix, relative, resolve, sep } from 'node:path';
import { ColossusError } from '../config/errors';

/**
 * The file every folder the synth writes carries (the output, its staging and rejected copies).
 * Synth deletes or replaces only folders that hold it: anything else is somebody's data.
 */
export const SYNTH_MARKER = 'colossus-synth.json';
const MARKER_TEXT = 'colossus-infra synth output';

interface Marker {
  readonly writtenBy: string;
  readonly environment: string;
}

/** Where an environment's output goes unless CDKTF_OUTDIR says otherwise: its own folder. */
export function defaultOutdir(projectRoot: string, environment: string): string {
  return join(projectRoot, 'cdktf.out', environment);
}

/**
 * Where a synth of only some stacks goes unless CDKTF_OUTDIR says otherwise: beside the
 * environment's own folder, which keeps holding the whole environment.
 */
export function selectedOutdir(projectRoot: string, environment: string): string {
  return join(projectRoot, 'cdktf.out', `${environment}.selected`);
}

/** Where a synth that failed its gates is kept, beside the output folder. */
export function rejectedDir(outdir: string): string {
  return `${outdir}.rejected`;
}

/** Where a synth is written before it replaces the output: beside it, named for the process. */
export function stagingDir(outdir: string, pid: number): string {
  return `${outdir}.staging-${pid}`;
}

export interface OutputContext {
  readonly environment: string;
  readonly projectRoot: string;
  readonly cwd: string;
  /** Environment names with a file under config/environments/: their default folders are theirs. */
  readonly environments: readonly string[];
}

function unsafe(problem: string): ColossusError {
  return new ColossusError('unsafe output folder', [problem]);
}

/** CDKTF_OUTDIR, resolved against the working directory; unset means the environment's own folder. */
export function chooseOutdir(setting: string | undefined, context: OutputContext): string {
  if (setting === undefined) return defaultOutdir(context.projectRoot, context.environment);
  if (setting.trim() === '') {
    throw unsafe(
      `CDKTF_OUTDIR: is ${setting === '' ? 'empty' : 'only whitespace'}, which would mean the working directory; unset it for the default (cdktf.out/${context.environment}) or name a folder`,
    );
  }
  return resolve(context.cwd, setting);
}

/** Whether `inner` is `outer` or lies below it. */
function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : `${outer}${sep}`);
}

/** The marker file's text for an environment's synth output. */
export function synthMarker(environment: string): string {
  const marker: Marker = { writtenBy: MARKER_TEXT, environment };
  return `${JSON.stringify(marker, null, 2)}\n`;
}

function readMarker(dir: string): Marker | undefined {
  try {
    const marker = JSON.parse(readFileSync(join(dir, SYNTH_MARKER), 'utf8')) as Partial<Marker>;
    if (marker.writtenBy === MARKER_TEXT && typeof marker.environment === 'string') {
      return { writtenBy: marker.writtenBy, environment: marker.environment };
    }
  } catch {
    // no marker, or not ours: treated alike below
  }
  return undefined;
}

/** Whether synth wrote `dir` (it holds a marker synth wrote). */
export function isSynthFolder(dir: string): boolean {
  return readMarker(dir) !== undefined;
}

/**
 * Why synth may not replace `path` (undefined when it may): it may replace only nothing, an
 * empty folder, or a folder it wrote itself for the same environment.
 */
function replaceProblem(path: string, environment: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink()) return `${path} is a symbolic link; synth replaces only folders it wrote itself`;
  if (!stat.isDirectory()) return `${path} is a file, not a synth output; synth will not replace it`;
  const marker = readMarker(path);
  if (marker) {
    return marker.environment === environment
      ? undefined
      : `${path} holds the output of environment ${marker.environment}; synthesize ${environment} into its own folder (the default, cdktf.out/${environment}) or delete ${path} first`;
  }
  if (readdirSync(path).length === 0) return undefined;
  return `${path} exists and was not written by synth (it has no ${SYNTH_MARKER}); synth will not replace it: move it away or set CDKTF_OUTDIR to another folder`;
}

/**
 * Refuses an output folder whose replacement could lose anything synth did not write: the
 * filesystem root, the project, the working directory, the home folder or a parent of one,
 * another environment's default folder, a file, a link, or a folder without the synth marker.
 */
export function checkOutdir(outdir: string, context: OutputContext): void {
  const { environment, projectRoot, cwd } = context;
  const guarded: [string, string][] = [
    [parse(outdir).root, 'the filesystem root'],
    [resolve(projectRoot), 'the project root'],
    [resolve(cwd), 'the working directory'],
    [homedir(), 'the home folder'],
  ];
  for (const [place, name] of guarded) {
    if (within(place, outdir)) {
      throw unsafe(
        `${outdir} is ${place === outdir ? name : `a parent of ${name}`}; synth writes only into a folder of its own`,
      );
    }
  }
  const outputs = join(projectRoot, 'cdktf.out');
  if (outdir === outputs) {
    throw unsafe(`${outdir} holds every environment's output folder; synth writes into ${join(outputs, environment)}`);
  }
  const owner = basename(outdir);
  if (dirname(outdir) === outputs && owner !== environment && context.environments.includes(owner)) {
    throw unsafe(
      `${outdir} is environment ${owner}'s output folder; ${environment} synthesizes into ${join(outputs, environment)} (with the cdktf CLI, run it through npm run cdktf, or pass --output cdktf.out/${environment})`,
    );
  }
  for (const path of [outdir, rejectedDir(outdir)]) {
    const problem = replaceProblem(path, environment);
    if (problem) throw unsafe(problem);
  }
}

/** Whether a process with this id is running (a staging folder of a running synth is in use). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes a folder synth wrote; leaves anything else alone and says so. */
export function dropSynthFolder(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!isSynthFolder(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** Staging folders of synths that died (killed, crashed) beside `outdir`: the ones synth wrote. */
export function removeStaleStaging(outdir: string): string[] {
  const parent = dirname(outdir);
  if (!existsSync(parent)) return [];
  const pattern = new RegExp(`^${basename(outdir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.staging-(\\d+)$`);
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    const pid = Number(pattern.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || running(pid)) continue;
    const dir = join(parent, name);
    if (isSynthFolder(dir)) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

/** Creates this synth's staging folder, marked as synth's, after clearing stale ones. */
export function startStaging(outdir: string, environment: string, pid = process.pid): string {
  removeStaleStaging(outdir);
  const staging = stagingDir(outdir, pid);
  const problem = replaceProblem(staging, environment);
  if (problem) throw unsafe(problem);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, SYNTH_MARKER), synthMarker(environment));
  return staging;
}

/** The stack folders of a synth output (the cdktf CLI lists them before it runs the app). */
function stackFolders(outdir: string): string[] {
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

export interface PublishOptions {
  /**
   * Run by the cdktf CLI: it lists the output's stack folders before it runs the app and deletes
   * the ones the new synth no longer has after it, failing (ENOENT) on any that are gone. Those
   * are carried into the new output, for the CLI to delete.
   */
  readonly carryOverOrphans?: boolean;
}

/**
 * Puts a finished synth (written to `staging`) in place of `outdir` once `gate` passes. A synth
 * the gate rejects is kept whole in `<outdir>.rejected`, reports included, so the reader can see
 * why; the last good output is left as it was either way. Only folders synth wrote are deleted.
 */
export function publishSynth(staging: string, outdir: string, gate: () => void, options: PublishOptions = {}): void {
  if (!isSynthFolder(staging)) throw unsafe(`${staging} was not written by synth; nothing was published`);
  const environment = readMarker(staging)!.environment;
  const rejected = rejectedDir(outdir);
  try {
    gate();
  } catch (error) {
    if (!(error instanceof ColossusError)) throw error;
    const problem = replaceProblem(rejected, environment);
    if (problem) throw unsafe(problem);
    rmSync(rejected, { recursive: true, force: true });
    renameSync(staging, rejected);
    throw new ColossusError(
      error.title,
      error.problems,
      `The rejected output and its reports are in ${basename(rejected)}/; ${basename(outdir)}/ still holds the last good synth.`,
    );
  }
  const problem = replaceProblem(outdir, environment);
  if (problem) throw unsafe(problem);
  if (existsSync(outdir)) {
    if (options.carryOverOrphans) {
      const kept = new Set(stackFolders(staging));
      for (const orphan of stackFolders(outdir).filter((name) => !kept.has(name))) {
        mkdirSync(join(staging, 'stacks'), { recursive: true });
        renameSync(join(outdir, 'stacks', orphan), join(staging, 'stacks', orphan));
      }
    }
    rmSync(outdir, { recursive: true, force: true });
  }
  renameSync(staging, outdir);
  // A rejected synth from before no longer says anything about what is in the output.
  if (!replaceProblem(rejected, environment)) rmSync(rejected, { recursive: true, force: true });
}

/**
 * Deletes the staging folder when SIGINT or SIGTERM arrives, then exits as the signal would.
 * The handler runs between the synth's phases (main yields to the event loop between them), so
 * it never interrupts a publish halfway. Returns a function that removes the handlers.
 */
export function cleanOnSignals(staging: string, outdir: string): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      dropSynthFolder(staging);
      process.stderr.write(`colossus: ${signal}: synth stopped; removed ${staging}; ${outdir} is as it was\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * The folder local Terraform state lives in: the project's .state, or COLOSSUS_STATE_DIR's
 * folder (relative to the project), so that two tools deploying the same environment to two
 * emulators at once keep their bootstrap state apart.
 */
export function localStateRoot(projectRoot: string, setting: string | undefined): string {
  return setting ? resolve(projectRoot, setting) : join(projectRoot, '.state');
}

/**
 * The path from a stack's working folder (<outdir>/stacks/<stack>) to the state folder
 * (localStateRoot): outside the output, so a synth never loses it.
 */
export function stateDirFor(outdir: string, stateRoot: string): string {
  const path = relative(join(outdir, 'stacks', 'stack'), stateRoot);
  return path.split(sep).join(posix.sep);
}
