import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { ColossusError } from '../../config/errors';
import { checkPlansMatchSynth } from './provenance';
import type { ChangeSet, ResourceChange, StackChange } from './change-set';
import { pathText } from './change-set';
import { attributeChanges, mask, withUnknowns } from './values';

/**
 * Reads the output of `terraform show -json <planfile>`, one file per stack, as written by
 * tools/plan.ts into <synth output>/plans/. Only the fields the review needs are checked.
 */

/** Folder inside a synth output where tools/plan.ts writes plan JSON, one <stack>.json each. */
export const PLAN_DIR = 'plans';
/** The plan run's own record: environment, target, and each stack's outcome. */
export const PLAN_INDEX = 'index.json';

const resourceChangeSchema = z.object({
  address: z.string(),
  previous_address: z.string().optional(),
  mode: z.enum(['managed', 'data']),
  type: z.string(),
  action_reason: z.string().optional(),
  change: z.object({
    actions: z.array(z.string()).min(1),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    after_unknown: z.unknown().optional(),
    before_sensitive: z.unknown().optional(),
    after_sensitive: z.unknown().optional(),
    replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  }),
});

const planSchema = z
  .object({
    format_version: z.string(),
    terraform_version: z.string().optional(),
    planned_values: z.unknown().optional(),
    resource_changes: z.array(resourceChangeSchema).optional(),
  })
  .refine((plan) => plan.planned_values !== undefined || plan.resource_changes !== undefined, {
    message: 'no planned_values or resource_changes',
  });

export type PlanJson = z.infer<typeof planSchema>;
type RawResourceChange = z.infer<typeof resourceChangeSchema>;

export const planIndexSchema = z.object({
  environment: z.string(),
  target: z.string(),
  /** The commit the synth was made from, and a hash of that synth output (provenance.ts). */
  commit: z.string().optional(),
  synthHash: z.string().optional(),
  stacks: z.array(
    z.object({
      name: z.string(),
      file: z.string().optional(),
      ok: z.boolean(),
      seconds: z.number().optional(),
      error: z.string().optional(),
    }),
  ),
});
export type PlanIndex = z.infer<typeof planIndexSchema>;

const REASONS: Record<string, string> = {
  replace_because_tainted: 'the object is tainted (an earlier apply failed part-way, or it was marked for replacement)',
  replace_because_cannot_update: 'a changed attribute cannot be updated in place',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'a replace_triggered_by reference changed',
  delete_because_no_resource_config: 'it was removed from the configuration',
  delete_because_no_module: 'its module was removed from the configuration',
  delete_because_wrong_repetition: 'its count or for_each changed shape',
  delete_because_count_index: 'its count index is beyond the new count',
  delete_because_each_key: 'its for_each key is no longer in the map',
  delete_because_no_move_target: 'a moved block names a target that is not in the configuration',
};

function actionOf(
  actions: readonly string[],
  address: string,
  file: string,
): Pick<ResourceChange, 'action' | 'replaceOrder'> {
  switch (actions.join(',')) {
    case 'no-op':
      return { action: 'no-op' };
    case 'create':
      return { action: 'create' };
    case 'read':
      return { action: 'read' };
    case 'update':
      return { action: 'update' };
    case 'delete':
      return { action: 'delete' };
    case 'forget':
      return { action: 'forget' };
    case 'delete,create':
      return { action: 'replace', replaceOrder: 'delete-then-create' };
    case 'create,delete':
      return { action: 'replace', replaceOrder: 'create-then-delete' };
    default:
      throw new ColossusError(`unsupported plan in ${file}`, [
        `${address}: change.actions ${JSON.stringify(actions)} is not an action combination this review knows`,
      ]);
  }
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function resourceChangeFromPlan(stack: string, raw: RawResourceChange, file: string): ResourceChange {
  const { action, replaceOrder } = actionOf(raw.change.actions, raw.address, file);
  const exists = { before: !['create'].includes(action), after: !['delete', 'forget'].includes(action) };
  const afterRaw = exists.after ? withUnknowns(raw.change.after ?? {}, raw.change.after_unknown ?? false) : null;
  const forcing = (raw.change.replace_paths ?? []).map(pathText);
  const reason =
    (raw.action_reason && (REASONS[raw.action_reason] ?? raw.action_reason.replace(/_/g, ' '))) ??
    (action === 'forget' ? 'removed from state by a removed block; the real object is kept' : undefined);
  const beforeSensitive = raw.change.before_sensitive ?? false;
  const afterSensitive = raw.change.after_sensitive ?? false;
  const showAttributes = action === 'update' || action === 'replace' || (action === 'no-op' && !!raw.previous_address);
  return {
    stack,
    address: raw.address,
    ...(raw.previous_address ? { previousAddress: raw.previous_address } : {}),
    type: raw.type,
    mode: raw.mode,
    action,
    ...(replaceOrder ? { replaceOrder } : {}),
    ...(reason ? { reason } : {}),
    forcingAttributes: forcing,
    attributes: showAttributes
      ? attributeChanges(
          { raw: raw.change.before ?? {}, sensitive: beforeSensitive },
          { raw: afterRaw ?? {}, sensitive: afterSensitive },
          forcing,
        )
      : [],
    before: exists.before ? record(mask(raw.change.before ?? null, beforeSensitive)) : null,
    after: exists.after ? record(mask(afterRaw, afterSensitive)) : null,
  };
}

/** Parses one plan JSON file; anything else gets an error naming the file and what was expected. */
export function readPlanFile(file: string): PlanJson {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ColossusError(`cannot read plan ${file}`, [
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  const parsed = planSchema.safeParse(data);
  if (!parsed.success) {
    throw new ColossusError(`${file} is not a Terraform plan`, [
      'expected the output of `terraform show -json <planfile>`: an object with format_version and resource_changes',
      ...parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`),
    ]);
  }
  return parsed.data;
}

export function stackChangeFromPlan(stack: string, plan: PlanJson, file: string): StackChange {
  return {
    name: stack,
    status: 'changed',
    changes: (plan.resource_changes ?? []).map((raw) => resourceChangeFromPlan(stack, raw, file)),
  };
}

/** The environment of a plan without an index: the environment tag Terraform will apply. */
function environmentFromTags(stacks: readonly StackChange[]): string | undefined {
  for (const change of stacks.flatMap((s) => s.changes)) {
    for (const side of [change.after, change.before]) {
      const tags = record(side?.tags_all) ?? record(side?.tags);
      if (typeof tags?.environment === 'string') return tags.environment;
    }
  }
  return undefined;
}

export interface PlanRead {
  readonly changeSet: ChangeSet;
  /** The synth output the plans sit in, when there is one (for report deltas). */
  readonly synthDir?: string;
  /** Stacks whose plan failed, with the error. */
  readonly failed: readonly { name: string; error: string }[];
  /** Where the plans ran (offline plans are creation-only, against empty state). */
  readonly target?: string;
  readonly commit?: string;
}

/**
 * Reads a plan folder: a synth output holding plans/, or the plans/ folder itself, or a
 * folder of <stack>.json plan files.
 */
export function readPlanDir(dir: string, expectedSynth?: string): PlanRead {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ColossusError(`no plan folder at ${dir}`, [
      `${dir} does not exist or is not a folder; run \`npm run plan -- <env>\` first and pass its output folder`,
    ]);
  }
  const plansDir = existsSync(join(dir, PLAN_DIR)) ? join(dir, PLAN_DIR) : dir;
  const synthDir = plansDir === dir ? (basename(dir) === PLAN_DIR ? join(dir, '..') : undefined) : dir;
  const indexPath = join(plansDir, PLAN_INDEX);
  let index: PlanIndex | undefined;
  if (existsSync(indexPath)) {
    const parsed = planIndexSchema.safeParse(JSON.parse(readFileSync(indexPath, 'utf8')));
    if (!parsed.success) {
      throw new ColossusError(`${indexPath} is not a plan index`, [parsed.error.issues[0]?.message ?? 'unreadable']);
    }
    index = parsed.data;
  }
  // Plans are reviewed only beside the synth they came from: the one given, or the folder they sit in.
  const against = expectedSynth ?? (synthDir && existsSync(join(synthDir, 'manifest.json')) ? synthDir : undefined);
  if (expectedSynth || (against && index?.synthHash)) checkPlansMatchSynth(index, against as string, plansDir);
  const files = index
    ? index.stacks.filter((s) => s.ok).map((s) => ({ name: s.name, file: join(plansDir, s.file ?? `${s.name}.json`) }))
    : readdirSync(plansDir)
        .filter((f) => f.endsWith('.json') && f !== PLAN_INDEX)
        .sort()
        .map((f) => ({ name: f.replace(/\.json$/, ''), file: join(plansDir, f) }));
  if (files.length === 0 && !index?.stacks.length) {
    throw new ColossusError(`no plans in ${dir}`, [
      `found no <stack>.json plan files in ${plansDir}; run \`npm run plan -- <env>\` first`,
    ]);
  }
  const stacks = files.map(({ name, file }) => stackChangeFromPlan(name, readPlanFile(file), file));
  const environment = index?.environment ?? environmentFromTags(stacks) ?? 'unknown';
  return {
    changeSet: { source: 'plan', environment, stacks },
    ...(synthDir && existsSync(join(synthDir, 'manifest.json')) ? { synthDir } : {}),
    failed: (index?.stacks ?? []).filter((s) => !s.ok).map((s) => ({ name: s.name, error: s.error ?? 'plan failed' })),
    ...(index ? { target: index.target } : {}),
    ...(index?.commit ? { commit: index.commit } : {}),
  };
}
