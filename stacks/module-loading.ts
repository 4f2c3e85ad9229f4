import Module from 'node:module';
import { sep } from 'node:path';

/**
 * Imported first by main.ts, for its side effects on how the installed packages load: loading
 * modules is two thirds of dev's synth (CPU profile), and two parts of it are work for nothing.
 *
 * Source maps. tsx turns Node's source maps on, so stack traces point into our TypeScript. Node
 * 20 then decodes and parses the inline map of every module it compiles, and cdktf and the AWS
 * provider ship one in each of their 600 files. Installed modules are compiled with the maps
 * off; our own keep theirs. A trace through a package shows its installed JavaScript.
 *
 * archiver. cdktf's index loads it (with its dependencies, 200 of the 382 files
 * require('cdktf') loads) for one use, zipping a TerraformAsset directory, which this project
 * never does. cdktf is handed a stand-in that loads the real package on first use.
 *
 * Measured, medians of 11 alternating loads of the app's modules: 1,551 ms with neither and
 * 1,354 ms with both; 1,365 ms with the maps alone and 1,194 ms with both; 1,280 ms with
 * neither and 1,065 ms with both (three hours of a machine whose speed varies). Deferring
 * semver (45 files) as well measured no different, so it is not.
 * test/stacks/module-loading.test.ts checks both effects.
 */
const INSTALLED = `${sep}node_modules${sep}`;

type Compile = (this: Module, content: string, filename: string) => unknown;
type Load = (request: string, parent: Module | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load; prototype: { _compile: Compile } };

const compile = loader.prototype._compile;
loader.prototype._compile = function compileWithoutDependencyMaps(content, filename) {
  if (!filename.includes(INSTALLED) || !process.sourceMapsEnabled) return compile.call(this, content, filename);
  process.setSourceMapsEnabled(false);
  try {
    return compile.call(this, content, filename);
  } finally {
    process.setSourceMapsEnabled(true);
  }
};

/** Packages cdktf loads eagerly that synth never calls: each is loaded when first used. */
const DEFERRED = new Set(['archiver']);

const load = loader._load;
loader._load = function loadDeferred(request, parent, isMain) {
  if (!DEFERRED.has(request) || !parent?.filename.includes(`${INSTALLED}cdktf${sep}`))
    return load.call(this, request, parent, isMain);
  let real: unknown;
  const resolved = (): object => (real ??= load.call(loader, request, parent, isMain)) as object;
  // A function stand-in: archiver's export is called (archiver('zip', ...)) and has properties.
  return new Proxy(function deferred() {}, {
    apply: (_target, self, args) => Reflect.apply(resolved() as (...a: unknown[]) => unknown, self, args),
    get: (_target, property) => Reflect.get(resolved(), property),
    has: (_target, property) => Reflect.has(resolved(), property),
  });
};
