import { Annotations, TerraformResource, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { describeRow, evaluateStack } from './evaluate';
import type { ExpectedUnits, Rule, StackModel, StackReport } from './model';
import { RULES, RULES_BY_ID } from './rules';
import { stackModel, type SynthesizedStackJson, type TaggablePredicate } from './stack-model';
import { codeSuppressions, type Suppression } from './suppressions';

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

/** Runs the rule pack on every stack at synth and annotates the failing constructs. */
export class ComplianceAspect implements IAspect {
  /** Models of the stacks this aspect has evaluated, for remote state references. */
  private readonly models = new Map<string, StackModel>();

  private expected: ReadonlyMap<string, ExpectedUnits> | undefined;

  constructor(private readonly options: ComplianceAspectOptions = {}) {}

  /** The units config expects per stack (policy/expected-units.ts); coverage rules count against them. */
  expect(units: ReadonlyMap<string, ExpectedUnits>): this {
    this.expected = units;
    return this;
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || reports.has(node)) return;
    const json = node.toTerraform() as SynthesizedStackJson;
    const model = stackModel(node.node.id, json, taggableFromConstructs(node));
    this.models.set(model.name, model);
    const report = evaluateStack(model, {
      rules: this.options.rules ?? RULES,
      suppressions: [...codeSuppressions(node), ...(this.options.suppressions ?? [])],
      context: {
        tenants: this.options.tenants ?? new Map(),
        stack: (name) => this.models.get(name),
        ...(this.expected ? { expected: (name: string) => this.expected?.get(name) } : {}),
      },
      today: this.options.today ?? new Date(),
    });
    const constructClasses = new Map(node.node.findAll().map((c) => [c.node.path, c.constructor.name] as const));
    reports.set(node, { ...report, constructClasses });
    annotate(node, report);
  }
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
