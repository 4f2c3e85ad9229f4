import { Fn, Lazy, TerraformStack, Testing, Tokenization, DefaultTokenResolver, StringConcat } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { loadConfig } from '../../config/load';
import type { Target } from '../../config/target';
import { buildStacks } from '../../stacks/build';
import { SelfContainedStack } from '../../stacks/stack-references';
import { resolveTokens } from '../../stacks/token-resolution';

const cdktfResolve = (scope: TerraformStack, value: unknown): unknown =>
  Tokenization.resolve(value, { scope, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });

/** The value with every object's keys in sorted order: how cdktf's json-stable-stringify writes it. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

/** Where two JSON texts first differ, with some context, so a failure is readable. */
function firstDifference(ours: string, theirs: string): string | undefined {
  if (ours === theirs) return undefined;
  let i = 0;
  while (i < ours.length && ours[i] === theirs[i]) i++;
  return `at ${i}: ours …${ours.slice(Math.max(0, i - 120), i + 80)}… cdktf …${theirs.slice(Math.max(0, i - 120), i + 80)}…`;
}

describe('resolveTokens', () => {
  const stack = new TerraformStack(Testing.app(), 's');
  const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });

  it.each<[string, () => unknown]>([
    ['plain data, with undefined in objects and arrays', () => ({ a: 1, b: undefined, c: [1, undefined, 'x'], d: {} })],
    ['a string token and a token inside a longer string', () => ({ id: vpc.id, name: `vpc-${vpc.id}-x` })],
    [
      'a number token, alone and inside a string',
      () => ({ n: vpc.getNumberAttribute('x'), s: `n=${vpc.getNumberAttribute('x')}` }),
    ],
    [
      'a list token and a number list token',
      () => ({ l: vpc.getListAttribute('l'), nl: vpc.getNumberListAttribute('nl') }),
    ],
    ['a map token', () => ({ m: vpc.getStringMapAttribute('tags') })],
    [
      'a function and a lazy value',
      () => ({ f: Fn.join(',', [vpc.id, 'b']), z: Lazy.stringValue({ produce: () => 'late' }) }),
    ],
    ['a token used as a key', () => ({ [vpc.id]: 'v' })],
    ['escaped and literal interpolations beside a token', () => ({ e: `$\${literal} \${x} ${vpc.id}` })],
    [
      'dates, booleans, null and numbers that look like exponents',
      () => ({ d: new Date(0), t: true, n: null, s: '1e5', x: 1e300 }),
    ],
    ['a nested resolvable', () => [{ deep: [{ resolve: () => ({ r: vpc.id }) }] }]],
    [
      "a number token beside numbers far below zero that are not tokens (one in the tokens' own exponent range)",
      () => ({ a: -1e300, b: -5e298, c: -1e279, n: vpc.getNumberAttribute('x'), l: [-5e298, 1] }),
    ],
    [
      'a list token and a map token beside lists and maps of plain strings and numbers',
      () => ({
        plain: ['a', 1, 'b', -5e298],
        list: vpc.getListAttribute('l'),
        numbers: vpc.getNumberListAttribute('nl'),
        map: { plain: 'x', tags: vpc.getStringMapAttribute('tags') },
      }),
    ],
  ])('gives what cdktf gives for %s', (_what, make) => {
    const ours = JSON.stringify(resolveTokens(stack, make()));
    const theirs = JSON.stringify(cdktfResolve(stack, make()));
    expect(firstDifference(ours, theirs)).toBeUndefined();
    // And the case really holds a token where it says so (the test could otherwise pass vacuously).
    if (_what.includes('token')) expect(ours).not.toEqual(JSON.stringify(make()));
  });

  it('throws what cdktf throws for a function and for a construct', () => {
    const fn = { f: () => 1 };
    expect(() => resolveTokens(stack, fn)).toThrow();
    expect(() => resolveTokens(stack, fn)).toThrow(
      ((): string => {
        try {
          cdktfResolve(stack, fn);
        } catch (e) {
          return (e as Error).message.split('\n')[0]!;
        }
        return 'cdktf did not throw';
      })(),
    );
    expect(() => resolveTokens(stack, { c: vpc })).toThrow();
  });
});

describe('SelfContainedStack.toTerraform', () => {
  /**
   * Every stack (or the named ones) of an environment: our JSON against cdktf's own, text for text
   * once cdktf's is in the sorted key order its file is written in; ours is already in it.
   */
  function compare(environment: string, target: Target, only?: (names: string[]) => string[]): number {
    const config = loadConfig({ environment });
    const app = Testing.app();
    const all = buildStacks(app, config, target);
    const names = only ? only(all.map((s) => s.node.id)) : all.map((s) => s.node.id);
    for (const stack of all.filter((s) => names.includes(s.node.id))) {
      Testing.synth(stack); // aspects, as in a synth
      const ours = JSON.stringify(SelfContainedStack.prototype.toTerraform.call(stack), null, 2);
      const theirs = JSON.stringify(sortedKeys(TerraformStack.prototype.toTerraform.call(stack)), null, 2);
      expect({ stack: stack.node.id, difference: firstDifference(ours, theirs) }).toEqual({
        stack: stack.node.id,
        difference: undefined,
      });
    }
    return names.length;
  }

  it('writes what cdktf writes for every dev and staging stack, on each target', () => {
    expect(compare('dev', { kind: 'aws' })).toBeGreaterThan(5);
    expect(compare('dev', { kind: 'offline' })).toBeGreaterThan(5);
    expect(compare('dev', { kind: 'emulator', endpoint: 'http://127.0.0.1:5000' })).toBeGreaterThan(5);
    expect(compare('staging', { kind: 'aws' })).toBeGreaterThan(5);
  });

  it('writes what cdktf writes for one prod stack of each kind (the largest compute and monitoring parts among them)', () => {
    const kinds = (names: string[]) => {
      const kind = (n: string) => n.replace(/^prod-(colossus-\d+-)?/, '').replace(/-hall-[a-z]+(-part-\d+)?$/, '');
      const first = new Map<string, string>();
      for (const n of names) if (!first.has(kind(n))) first.set(kind(n), n);
      return [...first.values(), 'prod-colossus-2-compute-hall-a-part-2'];
    };
    expect(compare('prod', { kind: 'aws' }, kinds)).toBeGreaterThanOrEqual(8);
  });
});
