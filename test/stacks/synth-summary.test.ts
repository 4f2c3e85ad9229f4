import { formatSummary, gateVerdicts, isQuiet, resourceCount, type SynthSummary } from '../../stacks/synth-summary';

const findings = { complianceErrors: 0, leaks: 0, unproven: 0, tenants: 2, scenarios: 12 };
const show = (path: string) => `cdktf.out/dev/${path}`;

const summary = (over: Partial<SynthSummary> = {}): SynthSummary => ({
  environment: 'dev',
  target: 'aws',
  outdir: 'cdktf.out/dev',
  published: true,
  stacks: [
    { name: 'dev-colossus-1-network', resources: 16 },
    { name: 'dev-colossus-1-tenancy', resources: 45 },
  ],
  gates: gateVerdicts(findings, 2, show),
  ...over,
});

describe('the synth summary', () => {
  it('names the environment, the output, the stacks with their resources, and every gate with its report', () => {
    expect(formatSummary(summary())).toEqual([
      'synth dev (target aws): synthesized into cdktf.out/dev',
      '  2 stacks, 61 resources:',
      '    colossus-1-network 16, colossus-1-tenancy 45',
      '  compliance: passed, 0 error finding(s) in 2 stacks (cdktf.out/dev/compliance/index.md)',
      '  isolation:  passed, 0 leak(s), 0 cannot prove, between 2 tenants (cdktf.out/dev/isolation/report.md)',
      '  resilience: passed, every tenant keeps its contracted GPUs in each of 12 single-failure scenarios (cdktf.out/dev/resilience/)',
    ]);
  });

  it('says a rejected synth was rejected, where it is kept, and which gate failed', () => {
    const lines = formatSummary(
      summary({
        published: false,
        outdir: 'cdktf.out/dev.rejected',
        gates: gateVerdicts({ ...findings, complianceErrors: 3, leaks: 1 }, 2, show),
      }),
    );
    expect(lines[0]).toBe('synth dev (target aws): REJECTED, kept in cdktf.out/dev.rejected');
    expect(lines[3]).toMatch(/^ {2}compliance: FAILED, 3 error finding\(s\)/);
    expect(lines[4]).toMatch(/^ {2}isolation: {2}FAILED, 1 leak\(s\), 0 cannot prove/);
  });

  it('wraps a long stack list into lines of at most 100 characters, keeping every stack', () => {
    const stacks = Array.from({ length: 30 }, (_, i) => ({
      name: `prod-colossus-1-compute-hall-${i}`,
      resources: 900 + i,
    }));
    const lines = formatSummary(summary({ environment: 'prod', stacks }));
    const listed = lines.slice(
      2,
      lines.findIndex((l) => l.startsWith('  compliance')),
    );
    expect(listed.length).toBeGreaterThan(1);
    for (const line of listed) expect(line.length).toBeLessThanOrEqual(100);
    expect(listed.join(' ').match(/colossus-1-compute-hall-\d+ \d+/g)).toHaveLength(30);
    expect(lines[1]).toBe(`  30 stacks, ${stacks.reduce((n, s) => n + s.resources, 0)} resources:`);
  });

  it('is switched off by --quiet, -q or COLOSSUS_QUIET', () => {
    expect(isQuiet([], undefined)).toBe(false);
    expect(isQuiet(['--quiet'], undefined)).toBe(true);
    expect(isQuiet(['-q'], undefined)).toBe(true);
    expect(isQuiet([], '1')).toBe(true);
    expect(isQuiet([], '0')).toBe(false);
    expect(isQuiet([], '')).toBe(false);
  });

  it('counts the managed resources of a stack', () => {
    expect(resourceCount({ resource: { aws_vpc: { a: {}, b: {} }, aws_subnet: { c: {} } } })).toBe(3);
    expect(resourceCount({})).toBe(0);
  });
});
