import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, App, LocalBackend } from 'cdktf';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { loadConfig } from '../../config/load';
import { buildStacks } from '../../stacks/build';
import { SortedJsonSynthesizer, sortStackJson } from '../../stacks/stack-file';
import { SelfContainedStack } from '../../stacks/stack-references';

/** Each object's keys, at every depth, in the order they are listed. */
function keyOrders(value: unknown, path = '', into: [string, string[]][] = []): [string, string[]][] {
  if (Array.isArray(value)) value.forEach((v, i) => keyOrders(v, `${path}/${i}`, into));
  else if (value !== null && typeof value === 'object') {
    into.push([path, Object.keys(value)]);
    for (const [k, v] of Object.entries(value)) keyOrders(v, `${path}/${k}`, into);
  }
  return into;
}

const unsorted = (value: unknown) =>
  keyOrders(value).filter(([, keys]) => keys.join('\u0000') !== [...keys].sort().join('\u0000'));

describe('sortStackJson', () => {
  const input = {
    resource: { aws_vpc: { b: { cidr_block: '10.0.0.0/16' }, a: { tags: { z: '1', y: '${aws_vpc.b.id}' } } } },
    '//': { metadata: { version: 'x' } },
    list: [{ d: 1, c: [3, 1, 2] }, 'x ${var.y} ${aws_subnet.s.id}'],
    '${aws_vpc.a.id}': 'a key that interpolates',
  };

  it('gives every object its keys in sorted order, at every depth, arrays in their own order', () => {
    const { json } = sortStackJson(input);
    expect(unsorted(input)).not.toEqual([]); // the case really is unsorted
    expect(unsorted(json)).toEqual([]);
    expect(json).toEqual(input);
    expect((json.list as unknown[])[0]).toEqual({ c: [3, 1, 2], d: 1 });
  });

  it('shares what is in order already, and copies only the objects on the way to what is not', () => {
    const inOrder = { a: [1, { b: 2, c: 3 }], d: { e: 'x' } };
    const mixed = { z: { y: 1, x: 2 }, a: inOrder };
    const { json } = sortStackJson(mixed);
    expect(json.a).toBe(inOrder);
    expect(json).not.toBe(mixed);
    expect(Object.keys(json)).toEqual(['a', 'z']);
    expect(Object.keys(json.z as object)).toEqual(['x', 'y']);
    expect(sortStackJson(inOrder).json).toBe(inOrder);
  });

  it('collects each string that interpolates once, keys included, and leaves the input alone', () => {
    const before = JSON.stringify(input);
    const { interpolating } = sortStackJson({ ...input, again: '${aws_vpc.b.id}' });
    expect([...interpolating].sort()).toEqual(['${aws_vpc.a.id}', '${aws_vpc.b.id}', 'x ${var.y} ${aws_subnet.s.id}']);
    expect(JSON.stringify(input)).toEqual(before);
  });
});

describe('SortedJsonSynthesizer', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-file-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** Synthesizes dev into a folder, with cdktf's own synthesizer on every stack when `stock`. */
  function synthDev(stock: boolean, stateDir: string): string {
    const outdir = tempDir();
    const app = new App({ outdir });
    const stacks = buildStacks(app, loadConfig({ environment: 'dev' }), { kind: 'aws' }, { stateDir });
    if (stock) for (const s of stacks) s.synthesizer = new StackSynthesizer(s);
    else for (const s of stacks) expect(s.synthesizer).toBeInstanceOf(SortedJsonSynthesizer);
    app.synth();
    return outdir;
  }

  it('writes every dev stack file with the values cdktf writes, keys sorted, and the same manifest', () => {
    // One state folder for both, so each stack's backend path is the same.
    const state = tempDir();
    const ours = synthDev(false, state);
    const theirs = synthDev(true, state);
    const stacks = readdirSync(join(theirs, 'stacks'));
    expect(stacks.length).toBeGreaterThan(5);
    for (const name of stacks) {
      const file = (dir: string) => readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8');
      const mine = JSON.parse(file(ours)) as unknown;
      expect({ name, json: mine }).toEqual({ name, json: JSON.parse(file(theirs)) });
      expect({ name, unsorted: unsorted(mine) }).toEqual({ name, unsorted: [] });
      // Written by JSON.stringify, two spaces deep.
      expect(file(ours)).toEqual(`${JSON.stringify(mine, null, 2)}`);
    }
    const manifest = (dir: string) => readFileSync(join(dir, 'manifest.json'), 'utf8');
    expect(manifest(ours)).toEqual(manifest(theirs));
  });

  class Small extends SelfContainedStack {
    constructor(scope: App, id: string) {
      super(scope, id);
      new AwsProvider(this, 'aws', { region: 'us-east-1' });
      new LocalBackend(this, { path: `${id}.tfstate` });
      Annotations.of(new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' })).addError('this vpc is wrong');
    }
  }

  it("fails on an error annotation with cdktf's message, and writes no stack file", () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    new Small(app, 'small');
    expect(() => app.synth()).toThrow(/\[small\/vpc\] this vpc is wrong/);
    expect(readdirSync(join(outdir, 'stacks', 'small'))).toEqual([]);
  });

  it("keeps cdktf's setting to go on past error annotations, and still records them", () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new Small(app, 'small');
    const stock = new StackSynthesizer(stack, true) as unknown as { continueOnErrorAnnotations: boolean };
    expect(stock.continueOnErrorAnnotations).toBe(true); // the field SelfContainedStack reads is there
    stack.synthesizer = new SortedJsonSynthesizer(stack, { continueOnErrorAnnotations: true, hclOutput: false });
    app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { annotations: { constructPath: string; level: string; message: string }[] }>;
    };
    expect(manifest.stacks.small!.annotations).toEqual([
      expect.objectContaining({ constructPath: 'small/vpc', level: '@cdktf/error', message: 'this vpc is wrong' }),
    ]);
    expect(JSON.parse(readFileSync(join(outdir, 'stacks', 'small', 'cdk.tf.json'), 'utf8'))).toHaveProperty(
      'resource.aws_vpc',
    );
  });
});
