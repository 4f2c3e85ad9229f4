import { AnnotationMetadataEntryType, type StackAnnotation, type TerraformStack } from 'cdktf';

const ANNOTATION_LEVELS: readonly string[] = [
  AnnotationMetadataEntryType.INFO,
  AnnotationMetadataEntryType.WARN,
  AnnotationMetadataEntryType.ERROR,
];

/**
 * A stack's annotations as cdktf copies them into manifest.json (cdktf 0.21.0,
 * StackSynthesizer.synthesize): every construct's info, warning and error metadata, in the
 * order of a pre-order walk of the stack.
 */
export function stackAnnotations(stack: TerraformStack): StackAnnotation[] {
  const annotations: StackAnnotation[] = [];
  for (const construct of stack.node.findAll())
    for (const metadata of construct.node.metadata)
      if (ANNOTATION_LEVELS.includes(metadata.type))
        annotations.push({
          constructPath: construct.node.path,
          level: metadata.type as AnnotationMetadataEntryType,
          message: metadata.data as string,
          stacktrace: metadata.trace,
        });
  return annotations;
}
