import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ColossusError } from '../../config/errors';
import { localStateRoot, publishSynth, rejectedDir, stateDirFor, SYNTH_MARKER } from '../../stacks/synth-output';

let root: string;
let outdir: string;
let staging: string;

/** A folder as synth writes it: with its marker, for environment dev. */
function folder(path: string, marker: string): void {
  mkdirSync(join(path, 'compliance'), { recursive: true });
  writeFileSync(
    join(path, SYNTH_MARKER),
    JSON.stringify({ writtenBy: 'colossus-infra synth output', environment: 'dev' }),
  );
  writeFileSync(join(path, 'marker'), marker);
  writeFileSync(join(path, 'compliance', 'index.md'), `report of ${marker}`);
}
const marker = (path: string) => readFileSync(join(path, 'marker'), 'utf8');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'colossus-publish-'));
  outdir = join(root, 'cdktf.out');
  staging = `${outdir}.staging-1`;
  folder(outdir, 'last good');
  folder(staging, 'new');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('publishing a synth', () => {
  it('replaces the output when the gate passes, and drops a stale rejected synth', () => {
    folder(rejectedDir(outdir), 'old rejected');
    publishSynth(staging, outdir, () => undefined);
    expect(marker(outdir)).toBe('new');
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(rejectedDir(outdir))).toBe(false);
  });

  it('keeps a rejected synth with its reports beside the untouched last good output, and says where', () => {
    const gate = () => {
      throw new ColossusError('Synth failed: 1 error finding(s)', ['[stack/bucket] CLX-S3-001 failed']);
    };
    expect(() => publishSynth(staging, outdir, gate)).toThrow(
      'Synth failed: 1 error finding(s):\n  - [stack/bucket] CLX-S3-001 failed\n' +
        'The rejected output and its reports are in cdktf.out.rejected/; cdktf.out/ still holds the last good synth.',
    );
    expect(marker(outdir)).toBe('last good');
    expect(readFileSync(join(rejectedDir(outdir), 'compliance', 'index.md'), 'utf8')).toBe('report of new');
    expect(existsSync(staging)).toBe(false);
  });

  it('replaces an older rejected synth with the newest one', () => {
    folder(rejectedDir(outdir), 'old rejected');
    expect(() =>
      publishSynth(staging, outdir, () => {
        throw new ColossusError('Tenant isolation does not hold', ['lab-a reaches lab-b']);
      }),
    ).toThrow(ColossusError);
    expect(marker(rejectedDir(outdir))).toBe('new');
  });

  it('lets a bug through as it is, publishing nothing', () => {
    expect(() =>
      publishSynth(staging, outdir, () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
    expect(marker(outdir)).toBe('last good');
    expect(existsSync(rejectedDir(outdir))).toBe(false);
  });

  it('refuses to replace a folder synth did not write, and publishes nothing', () => {
    rmSync(join(outdir, SYNTH_MARKER));
    expect(() => publishSynth(staging, outdir, () => undefined)).toThrow(
      `${outdir} exists and was not written by synth (it has no ${SYNTH_MARKER})`,
    );
    expect(marker(outdir)).toBe('last good');
  });

  it('refuses to replace a rejected folder synth did not write', () => {
    mkdirSync(rejectedDir(outdir));
    writeFileSync(join(rejectedDir(outdir), 'notes.txt'), 'mine');
    expect(() =>
      publishSynth(staging, outdir, () => {
        throw new ColossusError('Tenant isolation does not hold', ['lab-a reaches lab-b']);
      }),
    ).toThrow('was not written by synth');
    expect(readFileSync(join(rejectedDir(outdir), 'notes.txt'), 'utf8')).toBe('mine');
    expect(marker(outdir)).toBe('last good');
  });

  it('carries stack folders the new synth dropped into the output when the cdktf CLI runs it, for the CLI to delete', () => {
    mkdirSync(join(outdir, 'stacks', 'dev-gone'), { recursive: true });
    mkdirSync(join(outdir, 'stacks', 'dev-kept'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'dev-kept', 'cdk.tf.json'), 'old');
    mkdirSync(join(staging, 'stacks', 'dev-kept'), { recursive: true });
    writeFileSync(join(staging, 'stacks', 'dev-kept', 'cdk.tf.json'), 'new');
    publishSynth(staging, outdir, () => undefined, { carryOverOrphans: true });
    expect(existsSync(join(outdir, 'stacks', 'dev-gone'))).toBe(true);
    expect(readFileSync(join(outdir, 'stacks', 'dev-kept', 'cdk.tf.json'), 'utf8')).toBe('new');
  });

  it('drops stack folders the new synth no longer has when run on its own', () => {
    mkdirSync(join(outdir, 'stacks', 'dev-gone'), { recursive: true });
    publishSynth(staging, outdir, () => undefined);
    expect(existsSync(join(outdir, 'stacks', 'dev-gone'))).toBe(false);
  });
});

describe('where local state is, seen from a stack folder', () => {
  it('reaches <project>/.state from the default output, a sibling output and one outside the project', () => {
    const project = join(root, 'project');
    const state = localStateRoot(project, undefined);
    expect(state).toBe(join(project, '.state'));
    expect(stateDirFor(join(project, 'cdktf.out', 'dev'), state)).toBe('../../../../.state');
    expect(stateDirFor(join(project, 'cdktf.out.plan-prod'), state)).toBe('../../../.state');
    const outside = join(root, 'elsewhere', 'deep', 'out');
    const stackDir = join(outside, 'stacks', 'dev-colossus-1-network');
    expect(resolve(stackDir, stateDirFor(outside, state))).toBe(join(project, '.state'));
  });

  it('takes COLOSSUS_STATE_DIR as given when absolute, relative to the project when not, and ignores it when empty', () => {
    const project = join(root, 'project');
    expect(localStateRoot(project, join(root, 'other-state'))).toBe(join(root, 'other-state'));
    expect(localStateRoot(project, '.cache/suite/state')).toBe(join(project, '.cache', 'suite', 'state'));
    expect(localStateRoot(project, '')).toBe(join(project, '.state'));
    const stackDir = join(project, 'cdktf.out', 'emulator', 'stacks', 'emulator-bootstrap');
    const state = localStateRoot(project, '.cache/suite/state');
    expect(resolve(stackDir, stateDirFor(join(project, 'cdktf.out', 'emulator'), state))).toBe(state);
  });
});
