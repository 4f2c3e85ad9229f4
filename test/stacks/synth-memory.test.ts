import { TerraformStack, Testing, Token } from 'cdktf';
import { TokenMap } from 'cdktf/lib/tokens/private/token-map';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { collectGarbage, forgetTokens } from '../../stacks/synth-memory';

const registry = () => TokenMap.instance() as unknown as Record<string, unknown>;
const sizes = () => ['stringTokenMap', 'numberTokenMap'].map((f) => (registry()[f] as Map<unknown, unknown>).size);

describe('forgetTokens', () => {
  it("empties cdktf's registry of string and number tokens, which holds every construct a token names", () => {
    const vpc = new Vpc(new TerraformStack(Testing.app(), 's'), 'vpc', { cidrBlock: '10.0.0.0/16' });
    const id = vpc.id;
    vpc.getNumberAttribute('n');
    // Where the registry is: both maps exist, and hold the tokens just made.
    expect(registry().stringTokenMap).toBeInstanceOf(Map);
    expect(registry().numberTokenMap).toBeInstanceOf(Map);
    expect(sizes().every((n) => n > 0)).toBe(true);
    expect(Token.isUnresolved(id)).toBe(true);
    forgetTokens();
    expect(sizes()).toEqual([0, 0]);
    // A token made before is no longer known: only for a process done with its tokens.
    expect(() => TokenMap.instance().lookupString(id)).toThrow(/Unrecognized token key/i);
  });

  it('leaves new tokens working', () => {
    forgetTokens();
    const stack = new TerraformStack(Testing.app(), 's2');
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    expect(JSON.parse(Testing.synth(stack)).output ?? {}).toEqual({});
    expect(Testing.synthScope((scope) => new Vpc(scope, 'v', { cidrBlock: vpc.cidrBlock }))).toContain(
      '${aws_vpc.vpc.cidr_block}',
    );
  });
});

describe('collectGarbage', () => {
  it('collects what nothing refers to any more, at once', async () => {
    const weak = new WeakRef(Array.from({ length: 200 }, () => new Array<number>(10_000).fill(1)));
    // A WeakRef keeps its target through the job that made (or last read) it.
    const nextJob = () => new Promise((resolve) => setImmediate(resolve));
    await nextJob();
    expect(weak.deref()).toBeDefined();
    await nextJob();
    collectGarbage();
    expect(weak.deref()).toBeUndefined();
  });
});
