import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rule, StackReport } from '../model';
import { jsonReport } from './json';
import { aggregatedMarkdown, markdownReport } from './markdown';
import { sarifReport } from './sarif';
import { writeControlReports } from './controls';

/** Where reports go inside a synth output folder. */
export const REPORT_DIR = 'compliance';

/** Writes <outdir>/compliance/<stack>.{json,md,sarif} for each stack and an index.md over all. */
export function writeReports(
  outdir: string,
  environment: string,
  reports: readonly StackReport[],
  rules: readonly Rule[],
  toolVersion: string,
): string[] {
  const dir = join(outdir, REPORT_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const report of reports) {
    const base = join(dir, report.stack);
    writeFileSync(`${base}.json`, jsonReport(report, rules));
    writeFileSync(`${base}.md`, markdownReport(report, rules));
    writeFileSync(`${base}.sarif`, sarifReport(report, rules, toolVersion));
    written.push(`${base}.json`, `${base}.md`, `${base}.sarif`);
  }
  written.push(...writeControlReports(dir, environment, reports, rules, toolVersion));
  const index = join(dir, 'index.md');
  writeFileSync(index, aggregatedMarkdown(environment, reports, rules));
  written.push(index);
  return written;
}
