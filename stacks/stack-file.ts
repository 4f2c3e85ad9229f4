import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnnotationMetadataEntryType, type ISynthesisSession, type StackAnnotation, type TerraformStack } from 'cdktf';
import { ConstructOrder } from 'constructs';
// cdktf's own pieces of its stack synthesis (pinned at 0.21.0), so the steps around the file
// itself stay cdktf's: its aspects walk, its validation and its annotation error.
import { StackSynthesizer, invokeAspects, type ICustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import { encounteredAnnotationWithLevelError } from 'cdktf/lib/errors';
import { stackAnnotations } from './stack-annotations';

/** A stack's JSON with the keys of every object in sorted order, and the strings in it that interpolate. */
export interface SortedStackJson {
  readonly json: Record<string, unknown>;
  /** Every string holding `${`, once each: where a reference to another stack would show. */
  readonly interpolating: readonly string[];
}

/**
 * A stack's JSON with every object listing its keys in sorted order (the order cdktf's
 * json-stable-stringify writes), copied only where out of order, made in the one walk that also
 * collects the strings holding an interpolation, so the reference check needs no walk of its own.
 * The input is never changed; what was in order already is shared with it.
 */
export function sortStackJson(value: Record<string, unknown>): SortedStackJson {
  const interpolating = new Set<string>();
  // Returns the value itself when it is in order throughout: two thirds of a stack's objects
  // are (the provider lists a resource's arguments alphabetically); copying them made garbage.
  const sorted = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (v.includes('${')) interpolating.add(v);
      return v;
    }
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const item = sorted(v[i]);
        if (item !== v[i]) (out ??= v.slice(0, i)).push(item);
        else out?.push(item);
      }
      return out ?? v;
    }
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    let inOrder = true;
    for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1]! < keys[i]!;
    if (!inOrder) keys.sort();
    // A new object once a key is out of order or a value changed; until then, the object itself.
    let out: Record<string, unknown> | undefined = inOrder ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key.includes('${')) interpolating.add(key);
      const item = sorted(record[key]);
      if (!out && item !== record[key]) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = record[keys[j]!];
      }
      if (out) out[key] = item;
    }
    return out ?? v;
  };
  return { json: sorted(value) as Record<string, unknown>, interpolating: [...interpolating] };
}

/** The key of the custom synthesis cdktf looks for on a construct (cdktf/lib/synthesize/synthesizer.js). */
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

/**
 * cdktf's StackSynthesizer.synthesize (0.21.0), step for step, but the stack file is written
 * with JSON.stringify. cdktf writes it with json-stable-stringify, which sorts every object's
 * keys as it goes: a JavaScript walk that was a fifth of prod's synth (0.9 s of 4.6 s). The
 * stack's toTerraform (SelfContainedStack) already returns its JSON with sorted keys, so the
 * native serializer writes the same document in the same order. Two spellings differ: an empty
 * list or object is `[]` and `{}` (json-stable-stringify breaks the line inside the brackets), and
 * JSON.stringify puts keys that are array indices ("0", "1") first, in numeric order.
 * test/stacks/stack-file.test.ts compares both files, value for value, for every dev stack.
 */
export class SortedJsonSynthesizer extends StackSynthesizer {
  constructor(
    stack: TerraformStack,
    private readonly options: { readonly continueOnErrorAnnotations: boolean; readonly hclOutput: boolean },
  ) {
    super(stack, options.continueOnErrorAnnotations, options.hclOutput);
  }

  override synthesize(session: ISynthesisSession): void {
    // HCL output is cdktf's own path, untouched (the project writes JSON).
    if (this.options.hclOutput) return super.synthesize(session);
    const stack = this.stack;
    invokeAspects(stack);
    if (stack.hasResourceMove()) {
      stack.node.addValidation(
        new ValidateTerraformVersion(
          '>=1.5',
          'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.',
        ),
      );
    }
    if (!session.skipValidation) stack.runAllValidations();
    const stackManifest = session.manifest.forStack(stack);
    const workingDirectory = join(session.outdir, stackManifest.workingDirectory);
    if (!existsSync(workingDirectory)) mkdirSync(workingDirectory);
    for (const node of stack.node.findAll(ConstructOrder.POSTORDER))
      (node as unknown as Record<symbol, ICustomSynthesis | undefined>)[CUSTOM_SYNTHESIS]?.onSynthesize(session);
    const annotations = stackAnnotations(stack);
    // Read-only in cdktf's types; this is where cdktf itself fills it.
    (stackManifest as { annotations: StackAnnotation[] }).annotations = annotations;
    const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
    if (!this.options.continueOnErrorAnnotations && errors.length > 0)
      throw encounteredAnnotationWithLevelError(errors.map((a) => `[${a.constructPath}] ${a.message}`).join('\n'));
    writeFileSync(
      join(session.outdir, stackManifest.synthesizedStackPath),
      JSON.stringify(stack.toTerraform(), null, 2),
    );
  }
}
