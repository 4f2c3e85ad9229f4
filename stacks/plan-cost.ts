import calibration from './plan-cost.json';

/**
 * How long Terraform takes to plan a stack from empty state, estimated from what the stack
 * holds: a fixed cost (provider start and schema load) plus a cost per resource of each type
 * and per nested block where one type's size varies (a launch template's network interfaces:
 * 17 on a p6e-gb200 unit, 33 on a p5 unit). The figures are measured by `npm run plan-cost`
 * (tools/plan-cost.ts) and committed in stacks/plan-cost.json.
 */
export interface PlanCostModel {
  readonly fixedSeconds: number;
  /** Seconds per resource of a type the calibration measured on its own. */
  readonly secondsPerResource: Readonly<Record<string, number>>;
  /** Seconds per resource of any other type (the dearest of the small stacks, per resource). */
  readonly defaultSecondsPerResource: number;
  /** Seconds per nested block, keyed <type>.<block>, on top of the resource's own cost. */
  readonly secondsPerBlock: Readonly<Record<string, number>>;
}

/** What a stack holds, counted from config: resources by type, and the nested blocks the model prices. */
export interface StackContents {
  readonly resources: Readonly<Record<string, number>>;
  readonly blocks: Readonly<Record<string, number>>;
}

/** The committed calibration (stacks/plan-cost.json). */
export const PLAN_COST: PlanCostModel = calibration;

/**
 * The plan budget of one stack, in seconds of `terraform plan` from empty state as the committed
 * calibration estimates it. Issue 14 asks 15 s per stack and 20 s for `npm run plan -- <env> <stack>`
 * end to end (synth of the stack, terraform init, plan, and `show -json` at about 40 % of the plan
 * step). The calibration runs about 30 % high (measured on a loaded machine): the stack estimated
 * at 9.9 s planned in 7.1 s on a quiet one, so 13 s estimated is about 9 to 10 s measured, under
 * the 15 s goal with room for load. A larger budget means fewer stacks, and each stack costs CI a
 * fixed init, validate, provider start, `show -json` and checkov scan: at 10 s prod had 100 stacks
 * and CI took about 48 min; at 13 s it has 68. Re-check the figure when the calibration is re-run.
 */
export const PLAN_BUDGET_SECONDS = 13;

export function estimatePlanSeconds(contents: StackContents, model: PlanCostModel = PLAN_COST): number {
  let seconds = model.fixedSeconds;
  for (const [type, count] of Object.entries(contents.resources)) {
    seconds += count * (model.secondsPerResource[type] ?? model.defaultSecondsPerResource);
  }
  for (const [block, count] of Object.entries(contents.blocks)) {
    const weight = model.secondsPerBlock[block];
    if (weight === undefined) throw new Error(`plan-cost model has no figure for the block ${block}`);
    seconds += count * weight;
  }
  return seconds;
}

/** Adds contents (a stack made of parts, such as a hall's SUs). */
export function addContents(...parts: StackContents[]): StackContents {
  const sum = (key: 'resources' | 'blocks') => {
    const out: Record<string, number> = {};
    for (const part of parts) {
      for (const [k, v] of Object.entries(part[key])) if (v !== 0) out[k] = (out[k] ?? 0) + v;
    }
    return out;
  };
  return { resources: sum('resources'), blocks: sum('blocks') };
}

/** n copies of contents. */
export function scaleContents(contents: StackContents, n: number): StackContents {
  const scale = (record: Readonly<Record<string, number>>) =>
    Object.fromEntries(
      Object.entries(record)
        .map(([k, v]) => [k, v * n] as const)
        .filter(([, v]) => v !== 0),
    );
  return { resources: scale(contents.resources), blocks: scale(contents.blocks) };
}

export function totalResources(contents: StackContents): number {
  return Object.values(contents.resources).reduce((a, b) => a + b, 0);
}
