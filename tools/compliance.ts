import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { App } from 'cdktf';
import { ColossusError } from '../config/errors';
import { loadConfig } from '../config/load';
import { summarize } from '../policy/evaluate';
import { deferErrorAnnotations, errorAnnotations, stackReports } from '../policy/gate';
import { writeLines } from '../policy/reports/lines';
import { writeAggregatedMarkdown } from '../policy/reports/markdown';
import { RULES } from '../policy/rules';
import { buildStacks } from '../stacks/build';
import { skipTokenCreationTraces } from '../stacks/token-traces';

/**
 * `npm run compliance [-- <env>]`: runs the rule pack over every stack of an environment,
 * prints a summary per stack and writes one aggregated Markdown report. Exits 1 on any
 * error finding.
 */
function main(argv: string[]): void {
  const program = new Command()
    .name('compliance')
    .argument('[environment]', 'environment under config/environments/', 'dev')
    .option('-o, --out <file>', 'aggregated Markdown report', '')
    .parse(argv);
  const environment = program.args[0] ?? 'dev';
  const out = resolve(program.opts<{ out: string }>().out || join('cdktf.out.compliance', `${environment}.md`));

  skipTokenCreationTraces();
  deferErrorAnnotations();
  const config = loadConfig({ environment });
  const outdir = mkdtempSync(join(tmpdir(), 'colossus-compliance-'));
  try {
    const app = new App({ outdir });
    const stacks = buildStacks(app, config);
    app.synth();
    const reports = stackReports(stacks);
    mkdirSync(dirname(out), { recursive: true });
    writeLines(out, (lines) => writeAggregatedMarkdown(lines, environment, reports, RULES));

    const rows = reports.map((r) => ({ stack: r.stack, ...summarize(r) }));
    const width = Math.max(5, ...rows.map((r) => r.stack.length));
    const line = (cells: (string | number)[]) =>
      `${String(cells[0]).padEnd(width)}  ${cells
        .slice(1)
        .map((c) => String(c).padStart(10))
        .join('')}`;
    console.log(line(['stack', 'pass', 'fail', 'suppressed', 'n/a', 'errors', 'warnings']));
    for (const r of rows)
      console.log(line([r.stack, r.pass, r.fail, r.suppressed, r.notApplicable, r.errors, r.warnings]));
    const total = (k: keyof (typeof rows)[number]) => rows.reduce((sum, r) => sum + Number(r[k]), 0);
    console.log(
      line([
        'total',
        total('pass'),
        total('fail'),
        total('suppressed'),
        total('notApplicable'),
        total('errors'),
        total('warnings'),
      ]),
    );
    console.log(`\n${RULES.length} rules, ${stacks.length} stacks, ${environment}. Report: ${out}`);

    const errors = errorAnnotations(stacks);
    if (errors.length)
      throw new ColossusError(`${errors.length} error finding(s) in ${environment}`, errors.slice(0, 40));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

try {
  main(process.argv);
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`compliance: ${error.message}\n`);
  process.exitCode = 1;
}
