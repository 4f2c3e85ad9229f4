import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import { publishSynth, rejectedDir } from '../../stacks/synth-output';

let root: string;
let outdir: string;
let staging: string;

function folder(path: string, marker: string): void {
  mkdirSync(join(path, 'compliance'), { recursive: true });
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
});
