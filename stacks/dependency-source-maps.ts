import Module from 'node:module';
import { sep } from 'node:path';

/**
 * Imported first by main.ts, for its side effect: the installed packages' modules are compiled
 * without reading their source maps.
 *
 * tsx turns Node's source maps on, so stack traces point into our TypeScript. Node 20 then
 * decodes and parses the inline map of every module it compiles, and cdktf and the AWS provider
 * ship one in each of their 600 files: about a tenth of loading the app (0.1 s of dev's synth,
 * by CPU profile). Our own modules keep their maps; a trace through a package shows its
 * compiled JavaScript, which is what is installed.
 */
const INSTALLED = `${sep}node_modules${sep}`;

type Compile = (this: Module, content: string, filename: string) => unknown;
const modulePrototype = Module.prototype as unknown as { _compile: Compile };
const compile = modulePrototype._compile;

modulePrototype._compile = function compileWithoutDependencyMaps(content, filename) {
  if (!filename.includes(INSTALLED) || !process.sourceMapsEnabled) return compile.call(this, content, filename);
  process.setSourceMapsEnabled(false);
  try {
    return compile.call(this, content, filename);
  } finally {
    process.setSourceMapsEnabled(true);
  }
};
