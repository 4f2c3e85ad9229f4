import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Manifest, type StackManifest } from 'cdktf';
import { ColossusError } from '../config/errors';
import type { StackReport } from '../policy/model';
import { REPORT_DIR } from '../policy/reports/write';

/**
 * A synth split across processes, when COLOSSUS_SYNTH_JOBS asks for it (off by default: on two
 * cores it is slower than one process, see stacks/synth-options.ts): each part synthesizes the stacks it owns
 * (and those they read, which the gates need) into its own folder; the first part, in the main
 * process, then moves the other parts' owned stacks and reports into its output and runs the
 * environment-wide gates over the whole. See main.ts.
 */

/** What a part hands back besides its folders: its stacks' compliance reports and error annotations. */
export interface PartResult {
  readonly owned: readonly string[];
  readonly reports: readonly StackReport[];
  readonly errors: readonly string[];
}

/** What the main process tells a part (one environment variable, COLOSSUS_SYNTH_PART, as JSON). */
export interface PartSpec {
  readonly dir: string;
  readonly stateDir: string;
  readonly owned: readonly string[];
}

const RESULT_FILE = 'part-result.bin';

/** Reads a part's instructions; anything else than what main.ts writes is refused. */
export function parsePartSpec(text: string): PartSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const spec = value as Partial<PartSpec> | undefined;
  if (
    !spec ||
    typeof spec.dir !== 'string' ||
    typeof spec.stateDir !== 'string' ||
    !Array.isArray(spec.owned) ||
    !spec.owned.every((o) => typeof o === 'string')
  ) {
    throw new ColossusError('invalid COLOSSUS_SYNTH_PART', [
      'COLOSSUS_SYNTH_PART is set by the synth for its own worker processes ({"dir", "stateDir", "owned"}); unset it',
    ]);
  }
  return { dir: spec.dir, stateDir: spec.stateDir, owned: spec.owned };
}

/** Structured clone keeps the reports' Maps; JSON would not. */
export function writePartResult(dir: string, result: PartResult): void {
  writeFileSync(join(dir, RESULT_FILE), serialize(result));
}

export function readPartResult(dir: string): PartResult {
  return deserialize(readFileSync(join(dir, RESULT_FILE))) as PartResult;
}

interface ManifestJson {
  readonly version: string;
  readonly stacks: Record<string, StackManifest>;
}

/**
 * Moves a part's owned stack folders and per-stack compliance reports into `outdir`, and adds
 * its stacks to outdir's manifest.json, written as cdktf writes it.
 */
export function mergePart(partDir: string, outdir: string, owned: readonly string[]): void {
  const manifestPath = join(outdir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestJson;
  const partManifest = JSON.parse(readFileSync(join(partDir, 'manifest.json'), 'utf8')) as ManifestJson;
  mkdirSync(join(outdir, 'stacks'), { recursive: true });
  mkdirSync(join(outdir, REPORT_DIR), { recursive: true });
  for (const name of owned) {
    const entry = partManifest.stacks[name];
    if (entry === undefined) throw new Error(`synth part ${partDir} did not write stack ${name}`);
    // The main process may have synthesized it too, as a stack its own read: the owner's copy wins.
    rmSync(join(outdir, 'stacks', name), { recursive: true, force: true });
    renameSync(join(partDir, 'stacks', name), join(outdir, 'stacks', name));
    for (const ext of ['json', 'md']) {
      const report = join(partDir, REPORT_DIR, `${name}.${ext}`);
      if (existsSync(report)) renameSync(report, join(outdir, REPORT_DIR, `${name}.${ext}`));
    }
    manifest.stacks[name] = entry;
  }
  // Written by cdktf's own Manifest, so the file is byte for byte what one process writes.
  const merged = new Manifest(manifest.version, outdir, false);
  Object.assign(merged.stacks, manifest.stacks);
  merged.writeToFile();
}
