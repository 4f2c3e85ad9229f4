import { ReferenceResolver } from '../../policy/isolation/references';
import type { StackJson } from '../../policy/isolation/synthesized';

/**
 * The resolver remembers what each (stack, reference) means. The same text must still mean
 * each stack's own resource, and every way of spelling a reference must reach the same node
 * (or fail as unknown), however often it was followed before.
 */
describe('ReferenceResolver, following a reference more than once', () => {
  const backend = (key: string) => ({ s3: { bucket: 'state', key } });
  const stacks = new Map<string, StackJson>([
    [
      'a',
      {
        terraform: { backend: backend('a.tfstate') },
        resource: { aws_security_group: { sg: { name: 'tenant-a' } } },
        output: { sg: { value: '${aws_security_group.sg.id}' } },
      },
    ],
    [
      'b',
      {
        terraform: { backend: backend('b.tfstate') },
        resource: { aws_security_group: { sg: { name: 'tenant-b' } } },
        data: { terraform_remote_state: { a: { backend: 's3', config: { bucket: 'state', key: 'a.tfstate' } } } },
        locals: { other: '${data.terraform_remote_state.a.outputs.sg}', broken: '${aws_security_group.gone.id}' },
      },
    ],
  ]);
  const resolver = new ReferenceResolver(stacks);
  const nodeOf = (stack: string, value: string) => {
    const r = resolver.resolve(stack, value);
    return r.kind === 'resource' ? r.node.key : r.kind;
  };

  it('gives the same text in two stacks each stack its own resource, on every call', () => {
    for (let i = 0; i < 2; i++) {
      expect(nodeOf('a', '${aws_security_group.sg.id}')).toBe(nodeOf('a', '${aws_security_group.sg.id}'));
      expect(nodeOf('a', '${aws_security_group.sg.id}')).not.toBe(nodeOf('b', '${aws_security_group.sg.id}'));
    }
  });

  it("reaches stack a's group from b through remote state and through a local, the same as directly", () => {
    const direct = nodeOf('a', '${aws_security_group.sg.id}');
    expect(nodeOf('b', '${data.terraform_remote_state.a.outputs.sg}')).toBe(direct);
    expect(nodeOf('b', '${local.other}')).toBe(direct);
    // Asked again, after the cache holds both: still the same.
    expect(nodeOf('b', '${local.other}')).toBe(direct);
  });

  it('keeps failing, naming why, for what it cannot follow, however often it is asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(resolver.resolve('b', '${local.broken}')).toMatchObject({
        kind: 'unknown',
        why: 'no resource aws_security_group.gone in b',
      });
      expect(resolver.resolve('b', '${lower(aws_security_group.sg.id)}')).toMatchObject({
        kind: 'unknown',
        why: 'a function call or an expression',
      });
    }
  });
});
