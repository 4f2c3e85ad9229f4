import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { ColossusError } from '../config/errors';
import { envOutdir } from './synth-environment';
import { readSynthesizedStacks } from '../policy/isolation/synthesized';
import { diagramModel } from './diagram/model';
import { diagramMarkdown } from './diagram/mermaid';

/** `npm run diagram -- [synth output] [--out file.md]`: Mermaid diagrams of stacks and capacity. */
function main(): void {
  const program = new Command()
    .name('diagram')
    .description('Draw the stacks and the capacity of a synthesized environment as Mermaid diagrams in Markdown')
    .argument('[outdir]', 'cdktf synth output folder (holds manifest.json)', envOutdir())
    .option('-o, --out <file>', 'write the Markdown here instead of to standard output')
    .parse();
  const outdir = resolve(program.args[0] ?? envOutdir());
  const markdown = diagramMarkdown(diagramModel(readSynthesizedStacks(outdir)), basename(outdir));
  const out = program.opts<{ out?: string }>().out;
  if (out) writeFileSync(out, markdown);
  else process.stdout.write(markdown);
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`diagram: ${error.message}\n`);
  process.exitCode = 2;
}
