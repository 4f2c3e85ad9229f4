import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import { PLAN_DIR, PLAN_INDEX, planIndexSchema, type PlanIndex } from '../review/plan-json';

/**
 * One plan job per stack writes its own plans/index.json (tools/plan.ts --synthesized). The job
 * that composes the review gathers them into one index, and refuses plans that did not all come
 * from the same synth output and commit: a review must never mix a stale plan into a fresh one.
 */
export function mergePlanIndexes(indexes: readonly { from: string; index: PlanIndex }[]): PlanIndex {
  if (indexes.length === 0) throw new ColossusError('no plans to merge', ['no plan index was given']);
  const first = indexes[0]!;
  const problems: string[] = [];
  for (const { from, index } of indexes.slice(1)) {
    for (const field of ['environment', 'target', 'commit', 'synthHash'] as const) {
      if (index[field] !== first.index[field]) {
        problems.push(
          `${from}: ${field} is ${index[field] ?? '(none)'}, but ${first.from} has ${first.index[field] ?? '(none)'}; plans of one review come from one synth`,
        );
      }
    }
  }
  const seen = new Map<string, string>();
  for (const { from, index } of indexes) {
    for (const stack of index.stacks) {
      const earlier = seen.get(stack.name);
      if (earlier) problems.push(`${from}: stack ${stack.name} was planned twice (also in ${earlier})`);
      seen.set(stack.name, from);
    }
  }
  if (problems.length > 0) throw new ColossusError('plans cannot be merged', problems);
  return {
    ...first.index,
    stacks: indexes.flatMap(({ index }) => index.stacks).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Reads each folder's plans/ (or the folder itself), copies the plan files into `into`, writes the merged index. */
export function mergePlanDirs(inputs: readonly string[], into: string): PlanIndex {
  const indexes = inputs.map((dir) => {
    const plans = existsSync(join(dir, PLAN_DIR)) ? join(dir, PLAN_DIR) : dir;
    const file = join(plans, PLAN_INDEX);
    if (!existsSync(file)) throw new ColossusError('not a plan folder', [`${dir}: no ${PLAN_INDEX}`]);
    const parsed = planIndexSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new ColossusError('not a plan index', [`${file}: ${parsed.error.issues[0]?.message}`]);
    return { from: dir, plans, index: parsed.data };
  });
  const merged = mergePlanIndexes(indexes);
  mkdirSync(into, { recursive: true });
  for (const { plans, index } of indexes) {
    for (const stack of index.stacks.filter((s) => s.ok)) {
      const name = stack.file ?? `${stack.name}.json`;
      copyFileSync(join(plans, name), join(into, name));
    }
  }
  writeFileSync(join(into, PLAN_INDEX), `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
