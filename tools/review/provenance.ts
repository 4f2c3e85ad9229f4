import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import { captureSync } from '../run';

/**
 * Where plans came from: the commit and a hash of the synth output they were planned from.
 * The review refuses plans whose synth hash does not match the synth output it is given, so
 * a stale plan (an earlier run's, or another branch's) is never reviewed as this head's.
 */

/** sha256 over every stack's name and synthesized Terraform JSON, in name order. */
export function synthHash(dir: string): string {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new ColossusError(`${dir} is not a synth output`, [`${manifestPath} is missing`]);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    stacks?: Record<string, { synthesizedStackPath: string }>;
  };
  const hash = createHash('sha256');
  for (const [name, entry] of Object.entries(manifest.stacks ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(dir, entry.synthesizedStackPath)));
    hash.update('\n');
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The commit checked out in a folder, with "+changes" when the work tree differs; or "unknown". */
export function currentCommit(cwd: string): string {
  const rev = captureSync('git', ['rev-parse', 'HEAD'], { cwd, maxBytes: 1024 });
  if (rev.code !== 0) return 'unknown';
  // Exit 1 when a tracked file differs from HEAD, staged or not; the listing itself is not read.
  const diff = spawnSync('git', ['diff', '--quiet', 'HEAD', '--'], { cwd, stdio: 'ignore' });
  return `${rev.stdout.trim()}${diff.status !== 0 ? '+changes' : ''}`;
}

/** Throws unless the plans were made from exactly this synth output. */
export function checkPlansMatchSynth(
  index: { synthHash?: string; commit?: string } | undefined,
  synthDir: string,
  plansDir: string,
): void {
  if (!index?.synthHash) {
    throw new ColossusError('plans of unknown origin', [
      `${plansDir} has no index.json with a synth hash; re-run \`npm run plan\` so the plans say which synth they came from`,
    ]);
  }
  const actual = synthHash(synthDir);
  if (actual !== index.synthHash) {
    throw new ColossusError('plans do not match the synth output', [
      `${plansDir} was planned from synth ${index.synthHash} (commit ${index.commit ?? 'unknown'}), but ${synthDir} is ${actual}; the plans are stale or from another change: plan again`,
    ]);
  }
}
