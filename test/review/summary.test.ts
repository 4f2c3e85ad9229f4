import { domainDeltas } from '../../tools/review/domain';
import type { ReviewInput } from '../../tools/review/markdown';
import type { ClusterHeadroom, SideReports } from '../../tools/review/reports';
import { firstLines, renderPullRequestComment } from '../../tools/review/summary';
import { diffSynthOutputs } from '../../tools/review/synth-diff';
import type { StackJson, SynthOutput } from '../../tools/review/synth-output';

/** The one comment across environments: summary first, unchanged in one line, flags on top. */

const none = { available: false as const, reason: 'not in this test' };
const output = (env: string, stack: StackJson): SynthOutput => ({
  dir: env,
  environment: env,
  stacks: new Map([[`${env}-net`, stack]]),
});
const vpc = (cidr: string, n = 1): StackJson => ({
  resource: {
    aws_vpc: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`v${i}`, { cidr_block: cidr, tags: { Name: `v${i}` } }]),
    ),
  },
});
const headroom = (contracted: number, powerMarginKw: number): ClusterHeadroom => ({
  cluster: 'colossus-1',
  verdict: 'pass',
  powerMarginKw,
  coolingMarginKw: 5000,
  tenantHeadroomGpus: { 'lab-alpha': 100 },
  tenantContractedGpus: { 'lab-alpha': contracted },
  powerUnitKw: 700,
  coolingUnitKw: 560,
});
const reports = (h?: ClusterHeadroom): SideReports => ({
  compliance: none,
  isolation: none,
  resilience: h ? { available: true, value: new Map([['colossus-1', h]]) } : none,
});

function input(
  env: string,
  base: StackJson,
  head: StackJson,
  sides: { base?: SideReports; head?: SideReports } = {},
): ReviewInput {
  const changeSet = diffSynthOutputs(output(env, base), output(env, head));
  return {
    changeSet,
    domain: domainDeltas(changeSet),
    reports: { base: sides.base ?? reports(), head: sides.head ?? reports() },
  };
}

describe('renderPullRequestComment', () => {
  it('summarizes changed environments in a table, unchanged ones in one line each', () => {
    const { body, labels, status } = renderPullRequestComment([
      { environment: 'dev', input: input('dev', vpc('10.0.0.0/16'), vpc('10.1.0.0/16')) },
      { environment: 'staging', input: input('staging', vpc('10.0.0.0/16'), vpc('10.0.0.0/16')) },
      {
        environment: 'prod',
        note: 'the base did not synthesize, so there is nothing to compare with (head synthesizes)',
      },
    ]);
    const lines = body.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '<!-- colossus-plan-review -->',
      '## Plan review',
      '',
      '| environment | destroyed | replaced | capacity moves | state migrations | contract / margin | isolation / compliance |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| `dev` | 0 | **1** | 0 | 0 | 0 | 0 |',
      '- `staging`: no change.',
      '- `prod`: the base did not synthesize, so there is nothing to compare with (head synthesizes)',
    ]);
    expect(body).toContain('## Environment `dev`');
    expect(body).not.toContain('## Environment `staging`');
    expect(status).toBe(2);
    expect(labels).toEqual({ add: ['destroys-resources'], remove: ['synth-failed'] });
  });

  it('flags a contractedGpus change and a power margin below one SU of load at the top', () => {
    const { body } = renderPullRequestComment([
      {
        environment: 'prod',
        input: input('prod', vpc('10.0.0.0/16'), vpc('10.0.0.0/16'), {
          base: reports(headroom(1000, 900)),
          head: reports(headroom(1200, 650)),
        }),
      },
    ]);
    const top = body.split('\n').slice(0, 12).join('\n');
    expect(top).toContain('| `prod` | 0 | 0 | 0 | 0 | **2** | 0 |');
    expect(top).toContain(
      '- `prod`: contract: tenant `lab-alpha` in colossus-1 is contracted for 1,000 → 1,200 GPUs (worst-case headroom 100)',
    );
    expect(top).toContain(
      '- `prod`: power margin of colossus-1 under the worst single failure is 650 kW, below one SU of load (700 kW); was 900 kW',
    );
  });

  it('a margin above one SU of load and an unchanged contract raise nothing', () => {
    const { body } = renderPullRequestComment([
      {
        environment: 'prod',
        input: input('prod', vpc('10.0.0.0/16'), vpc('10.0.0.0/16'), {
          base: reports(headroom(1000, 900)),
          head: reports(headroom(1000, 800)),
        }),
      },
    ]);
    expect(body).toContain('Nothing changes in `prod`.');
    expect(body).not.toContain('Read first');
  });

  it('says which limit it cut to, when the changes do not fit', () => {
    const { body } = renderPullRequestComment(
      [{ environment: 'dev', input: input('dev', vpc('10.0.0.0/16', 300), vpc('10.1.0.0/16', 300)) }],
      6000,
    );
    expect(body.length).toBeLessThanOrEqual(6000);
    expect(body).toMatch(
      /changes shown, to keep this review within its limit of 5,\d{3} characters \(GitHub comments hold 65,535\)/,
    );
  });

  it('replaces everything with the error when a head failed, whatever else succeeded', () => {
    const { body, labels, status } = renderPullRequestComment([
      { environment: 'dev', input: input('dev', vpc('10.0.0.0/16'), vpc('10.1.0.0/16')) },
      {
        environment: 'prod',
        failure: { stage: 'synth', error: 'invalid configuration in prod.yaml:\n  - clusters[0]: bad' },
      },
    ]);
    expect(body).not.toContain('## Environment');
    expect(body).toContain(
      '### `prod`: synth failed\n\n```text\ninvalid configuration in prod.yaml:\n  - clusters[0]: bad\n```',
    );
    expect(labels.add).toEqual(['synth-failed']);
    expect(status).toBe(1);
  });

  it('keeps the first lines of a long error, and says how many were left out', () => {
    const error = Array.from({ length: 50 }, (_, i) => `\u001b[31mline ${i}\u001b[0m`).join('\n');
    const lines = firstLines(error, 3);
    expect(lines).toEqual(['line 0', 'line 1', 'line 2', '… (47 more lines in the job log)']);
  });
});
