import { Annotations, App, TerraformResource, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { describeRow, evaluateStack } from './evaluate';
import type { ExpectedUnits, Rule, StackModel, StackReport } from './model';
import { RULES, RULES_BY_ID } from './rules';
import { stackModel, type SynthesizedStackJson, type TaggablePredicate } from './stack-model';
import { codeSuppressions } from './code-suppressions';
import type { Suppression } from './suppressions';
import { stackAnnotations } from '../stacks/stack-annotations';

export interface ComplianceAspectOptions {
  /** Suppressions from config; those declared in code are read from the constructs. */
  readonly suppressions?: readonly Suppression[];
  /** Tenant id to data classification. */
  readonly tenants?: ReadonlyMap<string, string>;
  readonly today?: Date;
  readonly rules?: readonly Rule[];
}

const reports = new WeakMap<TerraformStack, StackReport>();

/** The report the aspect produced for a stack, once it has been synthesized. */
export function complianceReport(stack: TerraformStack): StackReport | undefined {
  return reports.get(stack);
}

/**
 * Provider resource classes with a `tags` argument expose a `tagsInput` getter: that is
 * how a type is known to be taggable without a hand-kept list.
 */
function taggableFromConstructs(stack: TerraformStack): TaggablePredicate {
  const byPath = new Map<string, boolean>();
  for (const c of stack.node.findAll()) {
    if (c instanceof TerraformResource) byPath.set(c.node.path, 'tagsInput' in c);
  }
  return (_type, path) => byPath.get(path) ?? false;
}

/**
 * Runs the rule pack on every stack at synth and annotates the failing constructs.
 *
 * It evaluates the JSON that synth itself produces, not a second resolution of the stack's
 * tokens (which cost about as much as the synth): visiting a stack arms it, and the stack's
 * own toTerraform(), which synth (and Testing.synth) calls to write cdk.tf.json, hands its
 * result to the pack before returning it unchanged. The rules so see exactly what is written.
 */
export class ComplianceAspect implements IAspect {
  /** Models of the stacks this aspect has evaluated, for remote state references. */
  private readonly models = new Map<string, StackModel>();

  private readonly armed = new WeakSet<TerraformStack>();

  private expected: ReadonlyMap<string, ExpectedUnits> | undefined;

  private listener: ((report: StackReport) => void) | undefined;

  constructor(private readonly options: ComplianceAspectOptions = {}) {}

  /** The units config expects per stack (policy/expected-units.ts); coverage rules count against them. */
  expect(units: ReadonlyMap<string, ExpectedUnits>): this {
    this.expected = units;
    return this;
  }

  /** Called with each stack's report as soon as it is made, so it can be written while synth goes on. */
  onReport(listener: (report: StackReport) => void): this {
    this.listener = listener;
    return this;
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || reports.has(node) || this.armed.has(node)) return;
    this.armed.add(node);
    const produce = node.toTerraform.bind(node);
    node.toTerraform = () => {
      const json = produce() as SynthesizedStackJson;
      if (!reports.has(node)) this.evaluate(node, json);
      return json;
    };
  }

  private evaluate(stack: TerraformStack, json: SynthesizedStackJson): void {
    const model = stackModel(stack.node.id, json, taggableFromConstructs(stack));
    this.models.set(model.name, model);
    const report = evaluateStack(model, {
      rules: this.options.rules ?? RULES,
      suppressions: [...codeSuppressions(stack), ...(this.options.suppressions ?? [])],
      context: {
        tenants: this.options.tenants ?? new Map(),
        stack: (name) => this.models.get(name),
        ...(this.expected ? { expected: (name: string) => this.expected?.get(name) } : {}),
      },
      today: this.options.today ?? new Date(),
    });
    const located = sourceLocatedPaths(report.rows);
    const constructClasses = new Map(
      stack.node
        .findAll()
        .filter((c) => located.has(c.node.path))
        .map((c) => [c.node.path, c.constructor.name] as const),
    );
    const full = { ...report, constructClasses };
    reports.set(stack, full);
    annotate(stack, report);
    recordAnnotations(stack);
    this.listener?.(full);
  }
}

/**
 * The construct paths whose classes SARIF needs to place a row in the source: every ancestor of
 * a failing or suppressed row (policy/reports/sources.ts). Only those are kept, not a map of
 * every construct of the stack (tens of thousands of paths in prod, copied to the report writer).
 */
export function sourceLocatedPaths(rows: StackReport['rows']): Set<string> {
  const paths = new Set<string>();
  for (const row of rows) {
    if (row.status !== 'fail' && row.status !== 'suppressed') continue;
    const segments = row.path.split('/');
    for (let i = 1; i <= segments.length; i++) paths.add(segments.slice(0, i).join('/'));
  }
  return paths;
}

function annotate(stack: TerraformStack, report: StackReport): void {
  const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
  const target = (path: string) => byPath.get(path) ?? stack;
  for (const row of report.rows.filter((r) => r.status === 'fail')) {
    const message = `[compliance] ${describeRow(row, RULES_BY_ID.get(row.rule)?.title ?? '')}`;
    if (row.severity === 'error') Annotations.of(target(row.path)).addError(message);
    else Annotations.of(target(row.path)).addWarning(message);
  }
  for (const p of report.suppressionProblems) {
    const message = `[compliance] ${p.message}`;
    if (p.severity === 'error') Annotations.of(target(p.path)).addError(message);
    else Annotations.of(target(p.path)).addWarning(message);
  }
}

/**
 * cdktf copies a stack's annotations into manifest.json (which the cdktf CLI prints) just
 * before it calls toTerraform(), so the findings added since are copied again, the way cdktf
 * does it. The manifest is written once every stack is synthesized. Only when an app's synth
 * has already listed the stack: Testing.synth writes no manifest.
 */
function recordAnnotations(stack: TerraformStack): void {
  const root = stack.node.root;
  const manifest = App.isApp(root) ? root.manifest : undefined;
  if (!manifest?.stacks[stack.node.id]) return;
  const recorded = manifest.forStack(stack).annotations;
  recorded.length = 0;
  for (const annotation of stackAnnotations(stack)) recorded.push(annotation);
}
