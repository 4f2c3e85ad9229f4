import { withOutput } from '../../tools/cdktf';

describe('npm run cdktf', () => {
  it.each([
    [['list'], ['list', '--output', 'cdktf.out/staging']],
    [['synth'], ['synth', '--output', 'cdktf.out/staging']],
    [
      ['diff', 'staging-colossus-1-network'],
      ['diff', 'staging-colossus-1-network', '--output', 'cdktf.out/staging'],
    ],
    [
      ['deploy', 'a', 'b', '--auto-approve'],
      ['deploy', 'a', 'b', '--auto-approve', '--output', 'cdktf.out/staging'],
    ],
    [
      ['destroy', 'a'],
      ['destroy', 'a', '--output', 'cdktf.out/staging'],
    ],
    [
      ['output', 'a'],
      ['output', 'a', '--output', 'cdktf.out/staging'],
    ],
  ])('points %j at the environment output folder', (args, expected) => {
    expect(withOutput(args, 'cdktf.out/staging')).toEqual(expected);
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
    expect(withOutput(args, 'cdktf.out/staging')).toEqual(args);
  });
});
