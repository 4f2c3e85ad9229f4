import { namedStacks, withDefaults } from '../../tools/cdktf';

const outdir = 'cdktf.out/staging';

describe('npm run cdktf', () => {
  it.each([
    [['list'], ['list', '--output', outdir]],
    [['synth'], ['synth', '--output', outdir]],
    [
      ['diff', 'staging-colossus-1-network'],
      ['diff', 'staging-colossus-1-network', '--output', outdir],
    ],
    [
      ['deploy', 'a', 'b', '--auto-approve'],
      ['deploy', 'a', 'b', '--auto-approve', '--output', outdir],
    ],
    [
      ['destroy', 'a'],
      ['destroy', 'a', '--output', outdir],
    ],
    [
      ['output', 'a'],
      ['output', 'a', '--output', outdir],
    ],
  ])('points %j at the environment output folder', (args, expected) => {
    expect(withDefaults(args, { outdir, localMirror: false })).toEqual(expected);
  });

  it.each([
    [['list', '--output', 'elsewhere']],
    [['deploy', 'a', '-o', 'elsewhere']],
    [['synth', '--output=elsewhere']],
    [['get']],
    [['--version']],
    [['provider', 'list']],
    [[]],
  ])('leaves %j as given', (args) => {
    expect(withDefaults(args, { outdir, localMirror: false })).toEqual(args);
  });

  it('skips the provider lock (which asks the registry) where the provider comes from a local mirror', () => {
    const mirror = { outdir, localMirror: true };
    expect(withDefaults(['deploy', 'a'], mirror)).toEqual(['deploy', 'a', '--output', outdir, '--skip-provider-lock']);
    expect(withDefaults(['diff', 'a'], mirror)).toEqual(['diff', 'a', '--output', outdir, '--skip-provider-lock']);
    expect(withDefaults(['list'], mirror)).toEqual(['list', '--output', outdir]);
    expect(withDefaults(['deploy', 'a', '--skip-provider-lock'], mirror)).toEqual([
      'deploy',
      'a',
      '--skip-provider-lock',
      '--output',
      outdir,
    ]);
    expect(withDefaults(['deploy', 'a'], { outdir, localMirror: false })).not.toContain('--skip-provider-lock');
  });
});

describe('namedStacks: what a diff or deploy synthesizes alone', () => {
  it.each([
    [
      ['deploy', 'a', 'b', '--auto-approve'],
      ['a', 'b'],
    ],
    [['diff', 'a'], ['a']],
    [['deploy', '--parallelism', '2', 'a', '--var-file', 'x.tfvars'], ['a']],
    [['apply', '--output=elsewhere', 'a'], ['a']],
    // Read from where the last diff or deploy of named stacks wrote them.
    [['diff', 'a', '--skip-synth'], ['a']],
  ])('%j names %j', (args, expected) => {
    expect(namedStacks(args)).toEqual(expected);
  });

  it.each([
    [['deploy']],
    [['deploy', 'prod-colossus-2-*']],
    [['destroy', 'a']],
    [['synth']],
    [['list']],
    [['output', 'a']],
  ])('%j synthesizes the whole environment', (args) => {
    expect(namedStacks(args)).toEqual([]);
  });
});
