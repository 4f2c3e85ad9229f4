import { TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
// cdktf's merge, so fragments combine exactly as in cdktf's own toTerraform.
import { deepMerge } from 'cdktf/lib/util';
import { ColossusError } from '../config/errors';
import { SortedJsonSynthesizer, sortStackJson } from './stack-file';
import { resolveTokens } from './token-resolution';

/** What a synthesized stack declares, as far as references into it go. */
interface StackJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
}

/** Roots of Terraform expressions that do not name a resource or data source. */
const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'self', 'path', 'terraform', 'data']);

/** The `${…}` interpolations of a string, with braces balanced and quoted strings skipped. */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  let from = text.indexOf('${');
  while (from !== -1) {
    let depth = 0;
    let quoted = false;
    let end = -1;
    for (let i = from + 2; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) {
          end = i;
          break;
        }
        depth--;
      }
    }
    if (end === -1) break;
    found.push(text.slice(from + 2, end));
    from = text.indexOf('${', end + 1);
  }
  return found;
}

/** Each `type.name` (or `data.type.name`) an expression reads, string literals left out. */
export function referencedAddresses(expression: string): string[] {
  const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const addresses: string[] = [];
  for (const m of code.matchAll(/(?<![\w.-])(data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)/g)) {
    const [, data, type, name] = m as unknown as [string, string | undefined, string, string];
    if (data) addresses.push(`data.${type}.${name}`);
    else if (!NOT_RESOURCES.has(type)) addresses.push(`${type}.${name}`);
  }
  return addresses;
}

/**
 * The references of a synthesized stack to resources or data sources it does not declare: a
 * value read from another stack without remote state. Terraform would refuse them at plan.
 * `interpolating` is every string of the JSON holding `${` (keys too), when the caller already
 * has them (sortStackJson collects them); otherwise the JSON is walked for them.
 */
export function foreignReferences(json: StackJson, interpolating?: readonly string[]): string[] {
  const declared = (address: string): boolean => {
    const parts = address.split('.');
    const [block, type, name] =
      parts[0] === 'data' ? [json.data, parts[1]!, parts[2]!] : [json.resource, parts[0]!, parts[1]!];
    return block?.[type]?.[name] !== undefined;
  };
  const foreign = new Set<string>();
  for (const text of interpolating ?? interpolatingStrings(json))
    for (const expression of interpolations(text))
      for (const address of referencedAddresses(expression)) if (!declared(address)) foreign.add(address);
  return [...foreign].sort();
}

/** Every string of a JSON value, keys included, that holds `${`. */
function interpolatingStrings(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (value.includes('${')) into.add(value);
  } else if (Array.isArray(value)) for (const v of value) interpolatingStrings(v, into);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('${')) into.add(k);
      interpolatingStrings(v, into);
    }
  return into;
}

/**
 * A stack whose values come only from itself or from remote state it reads explicitly.
 *
 * cdktf resolves every token of every stack twice: a "preparing" pass that exists only to find
 * references from one stack into another (it then adds outputs and remote state for them), and
 * the pass that writes the JSON. Our stacks never reference each other that way (they read
 * remote state, stacks/remote-outputs.ts), so the preparing pass, a quarter of prod's synth, is
 * skipped. Should a cross-stack reference appear anyway, it would resolve to an address this
 * stack does not declare: the synthesized JSON is checked for exactly that, and synth fails.
 */
export class SelfContainedStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // cdktf's settings for its own synthesizer (error annotations, HCL), read from it, kept.
    const stock = this.synthesizer as unknown as { continueOnErrorAnnotations: boolean; hclOutput: boolean };
    this.synthesizer = new SortedJsonSynthesizer(this, {
      continueOnErrorAnnotations: stock.continueOnErrorAnnotations,
      hclOutput: stock.hclOutput,
    });
  }

  override prepareStack(): void {
    // What the skipped pass did first, and still must happen: every stack gets a backend.
    this.ensureBackendExists();
  }

  /** The stack's JSON, its keys sorted (the order its file is written in, SortedJsonSynthesizer). */
  override toTerraform(): Record<string, unknown> {
    const { json, interpolating } = sortStackJson(this.terraformJson());
    const foreign = foreignReferences(json as StackJson, interpolating);
    if (foreign.length > 0) {
      throw new ColossusError(`stack ${this.node.id} references what it does not declare`, [
        ...foreign.map(
          (a) =>
            `${a}: not in ${this.node.id}; read another stack's values through remote state (ColossusStack.remoteState), not by reference`,
        ),
      ]);
    }
    return json;
  }

  /**
   * cdktf's TerraformStack.toTerraform (0.21.0), step for step, with its token resolution done by
   * resolveTokens, which walks plain data itself. The result is the same object
   * (test/stacks/token-resolution.test.ts compares every stack of every environment).
   */
  private terraformJson(): Record<string, unknown> {
    // The two private fields cdktf's own method reads; there is no public accessor.
    const own = this as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: unknown };
    const metadata: Record<string, unknown> = {
      version: own.cdktfVersion,
      stackName: this.node.id,
      backend: 'local',
      cloud: undefined,
      ...(Object.keys(own.rawOverrides).length > 0 ? { overrides: { stack: Object.keys(own.rawOverrides) } } : {}),
    };
    const elements = terraformElements(this);
    const strings = new Map<string, unknown>();
    for (const meta of elements.map((e) => resolveTokens(this, e.toMetadata() as unknown, strings)))
      deepMerge(metadata, meta);
    const outputs: Record<string, unknown> = {};
    for (const e of elements) {
      if (!TerraformOutput.isTerraformOutput(e)) continue;
      const nested = e.node.path
        .split('/')
        .reduceRight<unknown>((inner, part) => ({ [part]: inner }), e.friendlyUniqueId);
      deepMerge(outputs, nested);
    }
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const fragment of elements.map((e) => resolveTokens(this, e.toTerraform() as unknown, strings)))
      deepMerge(tf, fragment);
    deepMerge(tf, own.rawOverrides);
    // cdktf resolves the merged whole once more. Resolving resolved data changes nothing, and an
    // object resolves key by key, so only what was not resolved yet is: the metadata and the
    // blocks the stack's overrides reach into.
    for (const key of ['//', ...Object.keys(own.rawOverrides)]) {
      const resolved = resolveTokens(this, tf[key], strings);
      if (resolved === undefined) delete tf[key];
      else tf[key] = resolved;
    }
    return tf;
  }
}

/** The Terraform elements of a stack, in construct order, not entering nested stacks (as cdktf). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}
