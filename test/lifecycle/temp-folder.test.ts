import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { FILE_PREFIX, leftovers, removeCdktfOutdirs, RUN_TEMP_ENV } from './temp-folder';

describe('the test run temp folder', () => {
  let runTemp: string;
  beforeEach(() => {
    runTemp = mkdtempSync(join(tmpdir(), 'colossus-run-'));
  });
  afterEach(() => rmSync(runTemp, { recursive: true, force: true }));

  it('is where this test file writes, inside the run folder global setup made', () => {
    const run = process.env[RUN_TEMP_ENV];
    expect(run).toBeDefined();
    expect(tmpdir().startsWith(`${run!}/${FILE_PREFIX}`)).toBe(true);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });

  it("reports what a test file left, and anything outside a file's folder, but not tsx's cache", () => {
    mkdirSync(join(runTemp, `${FILE_PREFIX}a`, 'colossus-entry-x'), { recursive: true });
    mkdirSync(join(runTemp, `${FILE_PREFIX}a`, 'tsx-1000'), { recursive: true });
    mkdirSync(join(runTemp, `${FILE_PREFIX}b`));
    writeFileSync(join(runTemp, 'stray.txt'), '');
    expect(leftovers(runTemp).sort()).toEqual([join(`${FILE_PREFIX}a`, 'colossus-entry-x'), 'stray.txt']);
  });

  it("removes cdktf's Testing output folders and nothing else", () => {
    const app = Testing.app();
    expect(app.outdir.startsWith(tmpdir())).toBe(true);
    mkdirSync(join(runTemp, 'cdktf.outdir.abc'));
    mkdirSync(join(runTemp, 'mine'));
    removeCdktfOutdirs(runTemp);
    expect(existsSync(join(runTemp, 'cdktf.outdir.abc'))).toBe(false);
    expect(existsSync(join(runTemp, 'mine'))).toBe(true);
  });
});
