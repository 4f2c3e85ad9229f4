import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Loads a package and one of our modules under tsx, as main.ts runs, and asks Node which source maps it kept. */
function mapsKept(withHook: boolean): { ours: boolean; installed: boolean; enabled: boolean } {
  const script = [
    withHook ? "require('./stacks/dependency-source-maps');" : '',
    "require('cdktf');",
    "require('./config/errors');",
    "const { findSourceMap } = require('node:module');",
    'console.log(JSON.stringify({',
    "  ours: findSourceMap(require.resolve('./config/errors')) !== undefined,",
    "  installed: findSourceMap(require.resolve('cdktf/lib/app.js')) !== undefined,",
    '  enabled: process.sourceMapsEnabled,',
    '}));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { ours: boolean; installed: boolean; enabled: boolean };
}

describe('dependency-source-maps', () => {
  it("keeps our modules' source maps and skips the installed packages' ones", () => {
    expect(mapsKept(true)).toEqual({ ours: true, installed: false, enabled: true });
  });

  it('is what makes the difference: without it, tsx has Node read every package map', () => {
    expect(mapsKept(false)).toEqual({ ours: true, installed: true, enabled: true });
  });
});
