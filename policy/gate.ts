import { AnnotationMetadataEntryType, type TerraformStack } from 'cdktf';
import { ColossusError } from '../config/errors';
import { complianceReport } from './aspect';
import type { StackReport } from './model';
import { writeReports } from './reports/write';
import { PACK_VERSION, RULES } from './rules';

/** The most findings a synth failure lists before pointing at the reports. */
const MAX_LISTED = 40;

/** Every error annotation of the stacks (compliance findings and any other), as "[path] message". */
export function errorAnnotations(stacks: readonly TerraformStack[]): string[] {
  return stacks.flatMap((stack) =>
    stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === AnnotationMetadataEntryType.ERROR)
          .map((m) => `[${c.node.path}] ${String(m.data)}`),
      ),
  );
}

/** The compliance report of each stack; the aspect must have run (the stacks are synthesized). */
export function stackReports(stacks: readonly TerraformStack[]): StackReport[] {
  return stacks.map((stack) => {
    const report = complianceReport(stack);
    if (!report) throw new Error(`no compliance report for ${stack.node.id}: is the ComplianceAspect attached?`);
    return report;
  });
}

/** Fails with every error annotation listed, so a synth never succeeds with an error finding. */
export function assertNoErrors(stacks: readonly TerraformStack[]): void {
  assertNoErrorsIn(errorAnnotations(stacks));
}

/** The same gate over annotations already collected (a synth split across processes collects each part's). */
export function assertNoErrorsIn(errors: readonly string[]): void {
  if (errors.length === 0) return;
  const listed = errors.slice(0, MAX_LISTED);
  if (errors.length > MAX_LISTED) listed.push(`... and ${errors.length - MAX_LISTED} more; see compliance/index.md`);
  throw new ColossusError(
    `Synth failed: ${errors.length} error finding(s). Fix each one, or suppress it next to the construct with a reason (README, "Compliance")`,
    listed,
  );
}

/** After app.synth(): writes every stack's compliance reports into the synth output. */
export function writeComplianceReports(outdir: string, environment: string, stacks: readonly TerraformStack[]): void {
  writeReports(outdir, environment, stackReports(stacks), RULES, PACK_VERSION);
}

/**
 * cdktf aborts at the first stack with an error annotation, before later stacks or any
 * report are written; the app gates on them itself (assertNoErrors). Must be set before
 * stacks are constructed: cdktf reads it in the TerraformStack constructor.
 */
export function deferErrorAnnotations(): void {
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = '1';
}
