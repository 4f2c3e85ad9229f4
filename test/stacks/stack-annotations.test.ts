import { Annotations, Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { stackAnnotations } from '../../stacks/stack-annotations';

describe('stackAnnotations', () => {
  it("lists every construct's info, warning and error, parents before children, and no other metadata", () => {
    const stack = new TerraformStack(Testing.app(), 'small');
    const hall = new Construct(stack, 'hall');
    const node = new Construct(hall, 'node');
    Annotations.of(node).addError('node is wrong');
    Annotations.of(hall).addWarning('hall is odd');
    Annotations.of(stack).addInfo('stack note');
    node.node.addMetadata('custom', 'not an annotation');

    expect(
      stackAnnotations(stack).map(({ constructPath, level, message }) => ({ constructPath, level, message })),
    ).toEqual([
      { constructPath: 'small', level: '@cdktf/info', message: 'stack note' },
      { constructPath: 'small/hall', level: '@cdktf/warn', message: 'hall is odd' },
      { constructPath: 'small/hall/node', level: '@cdktf/error', message: 'node is wrong' },
    ]);
  });

  it('is empty for a stack with nothing to say', () => {
    expect(stackAnnotations(new TerraformStack(Testing.app(), 'quiet'))).toEqual([]);
  });
});
