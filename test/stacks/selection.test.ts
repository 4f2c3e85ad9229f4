import { balancedParts, parseStackSelection, withUpstream } from '../../stacks/selection';
import { parseArgs, synthJobs } from '../../stacks/synth-options';
import { ColossusError } from '../../config/errors';
import { loadConfig } from '../../config/load';
import { buildStacks } from '../../stacks/build';
import { Testing } from 'cdktf';

const graph = [
  { name: 'net', upstream: [] },
  { name: 'tenancy', upstream: ['net'] },
  { name: 'compute-a', upstream: ['net', 'tenancy'] },
  { name: 'compute-b', upstream: ['net', 'tenancy'] },
  { name: 'alerting', upstream: [] },
  { name: 'monitoring-a', upstream: ['alerting'] },
];

describe('withUpstream', () => {
  it('adds every stack the named ones read, transitively, in the given order', () => {
    expect(withUpstream(graph, ['compute-b'], 'env')).toEqual(['net', 'tenancy', 'compute-b']);
    expect(withUpstream(graph, ['monitoring-a', 'net'], 'env')).toEqual(['net', 'alerting', 'monitoring-a']);
  });

  it('refuses a name that is not a stack, listing the stacks there are', () => {
    expect(() => withUpstream(graph, ['compute-c', 'net'], 'env')).toThrow(ColossusError);
    expect(() => withUpstream(graph, ['compute-c'], 'env')).toThrow(
      /unknown stack in env:\n {2}- compute-c: not a stack of env \(COLOSSUS_STACKS or --stack\)\n {2}- stacks are: net, tenancy, compute-a/,
    );
  });
});

describe('parseStackSelection and parseArgs', () => {
  it('takes names from COLOSSUS_STACKS (commas or spaces) and --stack, once each', () => {
    expect(parseStackSelection(' a, b  c,,', ['c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(parseStackSelection(undefined, [])).toEqual([]);
  });

  it('reads --quiet, -q and --stack in both spellings', () => {
    expect(parseArgs(['-q', '--stack', 'x', '--stack=y'])).toEqual({ quiet: true, stacks: ['x', 'y'] });
    expect(parseArgs([])).toEqual({ quiet: false, stacks: [] });
  });

  it('refuses --stack without a name, and an unknown option, naming each', () => {
    expect(() => parseArgs(['--stack'])).toThrow(
      'invalid option:\n  - --stack: needs the name of a stack, as in --stack dev-colossus-1-network',
    );
    expect(() => parseArgs(['--stack', '--quiet'])).toThrow(/--stack: needs the name of a stack/);
    expect(() => parseArgs(['--stack='])).toThrow(/--stack=: needs the name of a stack/);
    expect(() => parseArgs(['--verbose', '-x'])).toThrow(
      'invalid option:\n  - --verbose: the only options are --quiet and --stack <name> (repeatable)\n  - -x: the only options',
    );
  });
});

describe('synthJobs', () => {
  it('uses one process unless COLOSSUS_SYNTH_JOBS says', () => {
    expect(synthJobs(undefined)).toBe(1);
    expect(synthJobs(' ')).toBe(1);
    expect(synthJobs('3')).toBe(3);
  });

  it.each(['0', '-1', '1.5', 'two'])('refuses COLOSSUS_SYNTH_JOBS=%s, naming the rule', (setting) => {
    expect(() => synthJobs(setting)).toThrow(
      `invalid COLOSSUS_SYNTH_JOBS:\n  - COLOSSUS_SYNTH_JOBS: must be a whole number of at least 1 (got "${setting}")`,
    );
  });
});

describe('balancedParts', () => {
  const stacks = [
    { name: 'a', weight: 10 },
    { name: 'b', weight: 400 },
    { name: 'c', weight: 390 },
    { name: 'd', weight: 20 },
    { name: 'e', weight: 5 },
  ];

  it('puts every stack in exactly one part, parts of about equal weight, order kept inside each', () => {
    const parts = balancedParts(stacks, 2);
    expect(parts.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const weight = (part: string[]) => part.reduce((sum, n) => sum + stacks.find((s) => s.name === n)!.weight, 0);
    const [w1, w2] = parts.map(weight) as [number, number];
    expect(Math.abs(w1 - w2)).toBeLessThanOrEqual(25);
    for (const part of parts) expect(part).toEqual([...part].sort());
  });

  it('makes no empty part when there are fewer stacks than parts', () => {
    expect(balancedParts(stacks.slice(0, 2), 4)).toEqual([['b'], ['a']]);
  });
});

describe('buildStacks with only', () => {
  it('keeps the named stack and those it reads in the app, and takes the others out', () => {
    const config = loadConfig({ environment: 'staging' });
    const app = Testing.app();
    const all = buildStacks(Testing.app(), config).map((s) => s.node.id);
    const compute = all.find((n) => n.includes('-compute-'))!;
    const kept = buildStacks(app, config, { kind: 'aws' }, { only: [compute] }).map((s) => s.node.id);
    const cluster = compute.replace(/-compute-.*$/, '');
    expect(kept).toEqual([`${cluster}-network`, `${cluster}-tenancy`, compute]);
    expect(app.node.children.map((c) => c.node.id)).toEqual(kept);
  });
});
