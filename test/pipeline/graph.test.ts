import { ColossusError } from '../../config/errors';
import type { StackJson, SynthOutput } from '../../tools/review/synth-output';
import { downstreamOf, runsInPipeline, stackGraph, wavesOf } from '../../tools/pipeline/graph';

/** The stack graph and its deploy waves, from synthesized JSON. */

const s3 = (stack: string) => ({ terraform: { backend: { s3: { bucket: 'state', key: `p/${stack}.tfstate` } } } });
const reads = (...stacks: string[]): StackJson['data'] => ({
  terraform_remote_state: Object.fromEntries(
    stacks.map((s) => [s.replace(/^e-/, ''), { config: { key: `p/${s}.tfstate` } }]),
  ),
});
const synth = (stacks: Record<string, StackJson>): SynthOutput => ({
  dir: 'x',
  environment: 'e',
  stacks: new Map(Object.entries(stacks)),
});
const bootstrap: StackJson = {
  terraform: { backend: { local: { path: 'b.tfstate' } } },
  resource: { aws_s3_bucket: { state: { bucket: 'state' } } },
};

describe('stackGraph', () => {
  const graph = stackGraph(
    synth({
      'e-bootstrap': bootstrap,
      'e-net': { ...s3('e-net') },
      'e-ten': { ...s3('e-ten'), data: reads('e-net') },
      'e-cmp': { ...s3('e-cmp'), data: reads('e-net', 'e-ten') },
      'e-alr': { ...s3('e-alr') },
    }),
  );

  it('follows remote state reads and the stack that holds the state bucket', () => {
    expect(graph.stacks.find((s) => s.name === 'e-cmp')?.dependsOn).toEqual(['e-bootstrap', 'e-net', 'e-ten']);
    expect(graph.stacks.find((s) => s.name === 'e-net')?.dependsOn).toEqual(['e-bootstrap']);
  });

  it('puts each stack one wave after its latest upstream', () => {
    expect(wavesOf(graph.stacks)).toEqual([['e-bootstrap'], ['e-alr', 'e-net'], ['e-ten'], ['e-cmp']]);
  });

  it('keeps a stack on local state out of the pipeline', () => {
    expect(graph.stacks.filter((s) => !runsInPipeline(s)).map((s) => s.name)).toEqual(['e-bootstrap']);
  });

  it('finds everything downstream, transitively, and not the start', () => {
    expect([...downstreamOf(graph, ['e-net'])].sort()).toEqual(['e-cmp', 'e-ten']);
    expect([...downstreamOf(graph, ['e-alr'])]).toEqual([]);
  });

  it('adds the dependencies cdktf declared in its manifest', () => {
    const g = stackGraph(synth({ 'e-a': s3('e-a'), 'e-b': s3('e-b') }), new Map([['e-b', ['e-a']]]));
    expect(wavesOf(g.stacks)).toEqual([['e-a'], ['e-b']]);
  });

  const failure = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      if (error instanceof ColossusError) return error.message;
      throw error;
    }
    throw new Error('expected a ColossusError');
  };

  it('refuses a remote state it cannot tie to a stack, naming it', () => {
    const message = failure(() =>
      stackGraph(
        synth({
          'e-a': { ...s3('e-a'), data: { terraform_remote_state: { x: { config: { key: 'p/elsewhere.tfstate' } } } } },
        }),
      ),
    );
    expect(message).toContain('cannot build the stack graph');
    expect(message).toContain('e-a: data.terraform_remote_state.x reads a state whose key or path names no stack');
  });

  it('refuses a declared dependency on a stack that is not in the output', () => {
    expect(failure(() => stackGraph(synth({ 'e-a': s3('e-a') }), new Map([['e-a', ['e-gone']]])))).toContain(
      'e-a: depends on e-gone (manifest.json), which is not a stack of this output',
    );
  });

  it('refuses a cycle, naming the stacks in it', () => {
    expect(
      failure(() =>
        stackGraph(synth({ 'e-a': { ...s3('e-a'), data: reads('e-b') }, 'e-b': { ...s3('e-b'), data: reads('e-a') } })),
      ),
    ).toContain('in a cycle: e-a -> e-b -> e-a');
  });
});
