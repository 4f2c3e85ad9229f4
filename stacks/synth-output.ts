import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { ColossusError } from '../config/errors';

/** Where a synth that failed its gates is kept, beside the output folder. */
export function rejectedDir(outdir: string): string {
  return `${outdir}.rejected`;
}

/**
 * Puts a finished synth (written to `staging`) in place of `outdir` once `gate` passes. A synth
 * the gate rejects is kept whole in `<outdir>.rejected`, reports included, so the reader can see
 * why; the last good output is left as it was either way.
 */
export function publishSynth(staging: string, outdir: string, gate: () => void): void {
  const rejected = rejectedDir(outdir);
  try {
    gate();
  } catch (error) {
    if (!(error instanceof ColossusError)) throw error;
    rmSync(rejected, { recursive: true, force: true });
    renameSync(staging, rejected);
    throw new ColossusError(
      error.title,
      error.problems,
      `The rejected output and its reports are in ${basename(rejected)}/; ${basename(outdir)}/ still holds the last good synth.`,
    );
  }
  if (existsSync(outdir)) rmSync(outdir, { recursive: true, force: true });
  renameSync(staging, outdir);
  // A rejected synth from before no longer says anything about what is in the output.
  rmSync(rejected, { recursive: true, force: true });
}
