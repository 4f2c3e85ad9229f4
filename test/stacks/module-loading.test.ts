import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs a script under tsx, as main.ts runs, with or without the module, and returns what it prints. */
function probe(withModule: boolean, lines: readonly string[]): Record<string, unknown> {
  const script = [withModule ? "require('./stacks/module-loading');" : '', ...lines].join('\n');
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

const archiverLoaded = "Object.keys(require.cache).some((f) => f.includes('/node_modules/archiver/'))";

describe('module-loading', () => {
  const sourceMaps = [
    "require('cdktf');",
    "require('./config/errors');",
    "const { findSourceMap } = require('node:module');",
    'console.log(JSON.stringify({',
    "  ours: findSourceMap(require.resolve('./config/errors')) !== undefined,",
    "  installed: findSourceMap(require.resolve('cdktf/lib/app.js')) !== undefined,",
    '  enabled: process.sourceMapsEnabled,',
    '}));',
  ];

  it("keeps our modules' source maps and skips the installed packages' ones", () => {
    expect(probe(true, sourceMaps)).toEqual({ ours: true, installed: false, enabled: true });
    // Without it, tsx has Node read every package's map.
    expect(probe(false, sourceMaps)).toEqual({ ours: true, installed: true, enabled: true });
  });

  it('loads archiver for cdktf only when cdktf first uses it, and then the real one', () => {
    const deferred = [
      "require('cdktf');",
      `const afterCdktf = ${archiverLoaded};`,
      // What cdktf/lib/private/fs.js is handed when it requires archiver.
      "const fromCdktf = require('node:module').createRequire(require.resolve('cdktf/lib/private/fs.js'))('archiver');",
      `const beforeUse = ${archiverLoaded};`,
      "const archive = fromCdktf('zip', { zlib: { level: 9 } });",
      'console.log(JSON.stringify({',
      `  afterCdktf, beforeUse, afterUse: ${archiverLoaded},`,
      "  archive: typeof archive.pipe === 'function' && typeof archive.directory === 'function',",
      "  property: typeof fromCdktf.create === 'function',",
      '}));',
    ];
    expect(probe(true, deferred)).toEqual({
      afterCdktf: false,
      beforeUse: false,
      afterUse: true,
      archive: true,
      property: true,
    });
    // Without it, cdktf's index loads archiver at once.
    expect(probe(false, [`require('cdktf'); console.log(JSON.stringify({ loaded: ${archiverLoaded} }));`])).toEqual({
      loaded: true,
    });
  });
});
