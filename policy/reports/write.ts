import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rule, StackReport } from '../model';
import { writeJsonReport } from './json';
import { writeLines } from './lines';
import { writeAggregatedMarkdown, writeMarkdownReport } from './markdown';
import { sarifReport } from './sarif';
import { SourceIndex } from './sources';
import { writeControlReports } from './controls';

/** Where reports go inside a synth output folder. */
export const REPORT_DIR = 'compliance';

/** The repository root, where the construct sources are read for SARIF locations. */
const SOURCE_ROOT = join(__dirname, '..', '..');

/** Writes <outdir>/compliance/<stack>.{json,md} for each stack, <environment>.sarif, controls.{md,json} and index.md. */
export function writeReports(
  outdir: string,
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
  toolVersion: string,
): string[] {
  return [
    ...writeStackReports(outdir, reports, rules),
    ...writeEnvironmentReports(outdir, environment, reports, rules, toolVersion),
  ];
}

/** <outdir>/compliance/<stack>.{json,md}: each stack's own, so a synth split across processes writes them in each. */
export function writeStackReports(outdir: string, reports: readonly StackReport[], rules: readonly Rule[]): string[] {
  const dir = join(outdir, REPORT_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const report of reports) {
    const base = join(dir, report.stack);
    written.push(
      writeLines(`${base}.json`, (out) => writeJsonReport(out, report, rules)),
      writeLines(`${base}.md`, (out) => writeMarkdownReport(out, report, rules)),
    );
  }
  return written;
}

/** <environment>.sarif, controls.{md,json} and index.md: over every stack of the environment. */
export function writeEnvironmentReports(
  outdir: string,
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
  toolVersion: string,
): string[] {
  const dir = join(outdir, REPORT_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  // One SARIF file and run per environment: GitHub code scanning keeps one analysis per category.
  // It lists failing and suppressed checks only: small enough to build as one string.
  const sarif = join(dir, `${environment}.sarif`);
  writeFileSync(sarif, sarifReport(environment, reports, rules, toolVersion, new SourceIndex(SOURCE_ROOT)));
  written.push(sarif);
  written.push(...writeControlReports(dir, environment, reports, rules, toolVersion));
  written.push(writeLines(join(dir, 'index.md'), (out) => writeAggregatedMarkdown(out, environment, reports, rules)));
  return written;
}
