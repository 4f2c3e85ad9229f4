import type { PlanCostModel } from '../stacks/plan-cost';

/**
 * The pure half of `npm run plan-cost`: cutting a synthesized stack into calibration variants,
 * and fitting the cost model to their measured plan times.
 */

export interface StackJson {
  terraform?: { backend?: Record<string, unknown> } & Record<string, unknown>;
  provider?: unknown;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: unknown;
  [key: string]: unknown;
}

export type SampleKind = 'fixed' | 'type' | 'blocks' | 'stack';

export interface Sample {
  readonly name: string;
  readonly kind: SampleKind;
  /** The stack the variant was cut from. */
  readonly stack: string;
  readonly resources: number;
  readonly types: Record<string, number>;
  readonly blocks: Record<string, number>;
  /** CPU seconds of each run: what the model is fitted to. */
  readonly seconds: number[];
  /** Wall seconds of each run, for the record (they grow with the machine's load). */
  readonly wallSeconds?: number[];
}

export interface Variant {
  readonly name: string;
  readonly json: StackJson;
  /** State files (relative to the variant folder) to seed empty before planning. */
  readonly seedFiles: string[];
  readonly sample: Omit<Sample, 'seconds'>;
}

/** Nested blocks whose count varies per resource of a type, priced on their own. */
export const PRICED_BLOCKS: Readonly<Record<string, string>> = {
  aws_launch_template: 'network_interfaces',
};

/** Layers a hall's stacks belong to: their types get a weight of their own. */
const SPLIT_LAYERS = new Set(['compute', 'monitoring']);
/** Layers planned whole for the default weight. */
const SMALL_LAYERS = ['network', 'tenancy', 'alerting', 'audit'];
/** Resources per single-type variant: enough to dwarf the noise, few enough to keep runs short. */
export const VARIANT_CAP = 120;
/** A type a stack holds only a few of is copied up to this many, so noise does not dominate. */
export const VARIANT_MIN = 40;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g;

/** A value of the right shape for a reference to a resource the variant leaves out. */
function placeholder(type: string, attribute: string): string {
  if (attribute === 'arn')
    return `arn:aws:${type.replace(/^aws_/, '').split('_')[0]}:us-east-1:000000000000:offline/${type}`;
  // The provider checks some ids' shape at plan (an ASG's launch template id starts lt-).
  if (attribute === 'id' && ID_PREFIX[type]) return `${ID_PREFIX[type]}-0123456789abcdef0`;
  return `offline-${type.replace(/_/g, '-')}-${attribute}`;
}

const ID_PREFIX: Readonly<Record<string, string>> = {
  aws_launch_template: 'lt',
  aws_ec2_capacity_reservation: 'cr',
  aws_security_group: 'sg',
};

/** Replaces references to resources of types not kept; drops depends_on entries on them. */
function detach(value: unknown, kept: ReadonlySet<string>, declared: ReadonlySet<string>): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (whole, type: string, _name, attribute: string) =>
      declared.has(type) && !kept.has(type) ? placeholder(type, attribute) : whole,
    );
  }
  if (Array.isArray(value)) return value.map((v) => detach(v, kept, declared));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'depends_on' && Array.isArray(v)
          ? v.filter((d) => typeof d !== 'string' || kept.has(d.split('.')[0]!))
          : detach(v, kept, declared),
      ]),
    );
  }
  return value;
}

/**
 * A copy of the stack holding only `resources`, self-contained: its own local state, and every
 * remote state it reads pointed at a file in its folder (seeded empty; the defaults stand in).
 */
function cut(
  stack: StackJson,
  resources: Record<string, Record<string, Record<string, unknown>>>,
): { json: StackJson; seedFiles: string[] } {
  const declared = new Set(Object.keys(stack.resource ?? {}));
  const kept = new Set(Object.keys(resources));
  const seedFiles: string[] = [];
  const remote = Object.fromEntries(
    Object.entries(stack.data?.terraform_remote_state ?? {}).map(([id, config]) => {
      const file = `upstream-${id}.tfstate`;
      seedFiles.push(file);
      return [id, { ...config, backend: 'local', config: { path: file } }];
    }),
  );
  const data = { ...(stack.data ?? {}), ...(Object.keys(remote).length ? { terraform_remote_state: remote } : {}) };
  const json: StackJson = {
    terraform: { ...stack.terraform, backend: { local: { path: 'terraform.tfstate' } } },
    provider: stack.provider,
    ...(Object.keys(data).length ? { data } : {}),
    ...(Object.keys(resources).length ? { resource: detach(resources, kept, declared) as StackJson['resource'] } : {}),
  };
  return { json, seedFiles };
}

function countTypes(resources: Record<string, Record<string, unknown>>): Record<string, number> {
  return Object.fromEntries(Object.entries(resources).map(([type, byName]) => [type, Object.keys(byName).length]));
}

function countBlocks(resources: Record<string, Record<string, Record<string, unknown>>>): Record<string, number> {
  const blocks: Record<string, number> = {};
  for (const [type, block] of Object.entries(PRICED_BLOCKS)) {
    const n = Object.values(resources[type] ?? {}).reduce(
      (sum, r) => sum + (Array.isArray(r[block]) ? (r[block] as unknown[]).length : 0),
      0,
    );
    if (n > 0) blocks[`${type}.${block}`] = n;
  }
  return blocks;
}

function variant(
  name: string,
  kind: SampleKind,
  stack: { name: string; json: StackJson },
  resources: Record<string, Record<string, Record<string, unknown>>>,
): Variant {
  const { json, seedFiles } = cut(stack.json, resources);
  const types = countTypes(resources);
  return {
    name,
    json,
    seedFiles,
    sample: {
      name,
      kind,
      stack: stack.name,
      resources: Object.values(types).reduce((a, b) => a + b, 0),
      types,
      blocks: countBlocks(resources),
    },
  };
}

function firstN<T>(record: Record<string, T>, n: number): Record<string, T> {
  return Object.fromEntries(Object.entries(record).slice(0, n));
}

/** Copies of the resources, under new keys, until there are at least `min` (Terraform plans copies alike). */
function atLeast<T>(record: Record<string, T>, min: number): Record<string, T> {
  const entries = Object.entries(record);
  const out = Object.fromEntries(entries);
  for (let i = 0; entries.length > 0 && Object.keys(out).length < min; i += 1) {
    const [key, value] = entries[i % entries.length]!;
    out[`${key}_copy${Math.floor(i / entries.length) + 1}`] = value;
  }
  return out;
}

/** The calibration variants of an environment's synthesized stacks. */
export function variantsOf(stacks: readonly { name: string; layer: string; json: StackJson }[]): Variant[] {
  const split = stacks.filter((s) => SPLIT_LAYERS.has(s.layer));
  if (split.length === 0) throw new Error('no compute or monitoring stack to calibrate on');
  const size = (s: { json: StackJson }) =>
    Object.values(s.json.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);
  const largest = [...split].sort((a, b) => size(b) - size(a))[0]!;
  // Terraform starts no provider that no resource uses, so the fixed cost is measured with one
  // resource (an ingress rule where there is one): provider start and schema load included.
  const [firstType, firstByName] =
    Object.entries(largest.json.resource ?? {}).find(([type]) => type === 'aws_vpc_security_group_ingress_rule') ??
    Object.entries(largest.json.resource ?? {})[0]!;
  const variants: Variant[] = [variant('fixed', 'fixed', largest, { [firstType]: firstN(firstByName, 1) })];
  const types = [...new Set(split.flatMap((s) => Object.keys(s.json.resource ?? {})))].sort();
  for (const type of types) {
    // The stack with the most of the type, and with priced blocks the most of those per resource.
    const count = (s: (typeof split)[number]) => {
      const byName = s.json.resource?.[type] ?? {};
      const block = PRICED_BLOCKS[type];
      const perResource = block
        ? (countBlocks({ [type]: byName })[`${type}.${block}`] ?? 0) / Math.max(1, Object.keys(byName).length)
        : 0;
      return perResource * 1e6 + Object.keys(byName).length;
    };
    const source = [...split].sort((a, b) => count(b) - count(a))[0]!;
    const byName = atLeast(firstN(source.json.resource![type]!, VARIANT_CAP), VARIANT_MIN);
    variants.push(variant(`type-${type}`, 'type', source, { [type]: byName }));
    const block = PRICED_BLOCKS[type];
    if (block) {
      const one = Object.fromEntries(
        Object.entries(byName).map(([n, r]) => [n, { ...r, [block]: (r[block] as unknown[]).slice(0, 1) }]),
      );
      variants.push(variant(`one-${block}-${type}`, 'blocks', source, { [type]: one }));
    }
  }
  for (const layer of SMALL_LAYERS) {
    const stack = stacks.find((s) => s.layer === layer);
    if (stack) variants.push(variant(`stack-${layer}`, 'stack', stack, stack.json.resource ?? {}));
  }
  return variants;
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;

/** Fits fixed cost, per-type, per-block and default weights to measured samples (negative noise clamps to 0). */
export function fitPlanCost(samples: readonly Sample[]): PlanCostModel {
  const fixedSample = samples.find((s) => s.kind === 'fixed');
  if (!fixedSample) throw new Error('no fixed-cost sample');
  const fixed = median(fixedSample.seconds);
  const secondsPerResource: Record<string, number> = {};
  const secondsPerBlock: Record<string, number> = {};
  // A type planned with only a few resources is noise, not a figure: it takes the default.
  for (const full of samples.filter((s) => s.kind === 'type' && s.resources >= VARIANT_MIN)) {
    const [type, n] = Object.entries(full.types)[0]!;
    const block = PRICED_BLOCKS[type];
    const one = samples.find((s) => s.kind === 'blocks' && s.types[type] === n);
    if (block && one) {
      const key = `${type}.${block}`;
      const extraBlocks = (full.blocks[key] ?? 0) - (one.blocks[key] ?? 0);
      const perBlock = extraBlocks > 0 ? Math.max(0, (median(full.seconds) - median(one.seconds)) / extraBlocks) : 0;
      secondsPerBlock[key] = round(perBlock);
      const perResource = (median(one.seconds) - fixed - perBlock * (one.blocks[key] ?? 0)) / n;
      secondsPerResource[type] = round(Math.max(0, perResource));
    } else {
      secondsPerResource[type] = round(Math.max(0, (median(full.seconds) - fixed) / n));
    }
  }
  // Pooled over the small stacks (their resources of other types, against their time beyond the
  // fixed cost and the priced types): each stack alone holds too few resources to beat the noise.
  let over = 0;
  let unknown = 0;
  for (const stack of samples.filter((s) => s.kind === 'stack')) {
    let known = 0;
    for (const [type, n] of Object.entries(stack.types)) {
      const weight = secondsPerResource[type];
      if (weight === undefined) unknown += n;
      else known += weight * n;
    }
    over += median(stack.seconds) - fixed - known;
  }
  const defaultSecondsPerResource = unknown > 0 ? Math.max(0, over / unknown) : 0;
  return {
    fixedSeconds: round(fixed),
    secondsPerResource,
    defaultSecondsPerResource: round(defaultSecondsPerResource),
    secondsPerBlock,
  };
}
