/** What one synth did, as its summary prints it. */
export interface SynthSummary {
  readonly environment: string;
  readonly target: string;
  /** Where the output went (the output folder, or the rejected folder when a gate failed). */
  readonly outdir: string;
  readonly published: boolean;
  readonly stacks: readonly { readonly name: string; readonly resources: number }[];
  readonly gates: readonly GateVerdict[];
  /** The stacks asked for, when only some were (the others listed are stacks they read). */
  readonly selected?: readonly string[];
}

export interface GateVerdict {
  readonly gate: 'compliance' | 'isolation' | 'resilience';
  readonly passed: boolean;
  /** A few words: what was checked, what failed. */
  readonly detail: string;
  /** The report, relative to where the command ran. */
  readonly report: string;
}

const WIDTH = 100;

/** Items joined with ", " in lines of at most WIDTH characters, each indented. */
function wrap(items: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && indent.length + next.length > WIDTH) {
      lines.push(`${indent}${line},`);
      line = item;
    } else {
      line = next;
    }
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}

/**
 * The lines a synth prints when it is done: environment and target, stacks with their resource
 * counts (names without the environment prefix every stack shares), each gate's verdict and
 * where its report is.
 */
export function formatSummary(summary: SynthSummary): string[] {
  const total = summary.stacks.reduce((sum, s) => sum + s.resources, 0);
  const prefix = `${summary.environment}-`;
  const short = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const verdict = summary.published ? `synthesized into ${summary.outdir}` : `REJECTED, kept in ${summary.outdir}`;
  const lines = [
    `synth ${summary.environment} (target ${summary.target}): ${verdict}`,
    ...(summary.selected
      ? [`  only ${summary.selected.map(short).join(', ')} and the stacks they read (--stack / COLOSSUS_STACKS)`]
      : []),
    `  ${summary.stacks.length} stacks, ${total} resources:`,
    ...wrap(
      summary.stacks.map((s) => `${short(s.name)} ${s.resources}`),
      '    ',
    ),
  ];
  const gateWidth = Math.max(...summary.gates.map((g) => g.gate.length));
  for (const g of summary.gates) {
    lines.push(`  ${`${g.gate}:`.padEnd(gateWidth + 1)} ${g.passed ? 'passed' : 'FAILED'}, ${g.detail} (${g.report})`);
  }
  return lines;
}

/** Whether the summary is wanted: `--quiet`/`-q` on the command line or COLOSSUS_QUIET=1 (the cdktf CLI runs the app itself). */
export function isQuiet(args: readonly string[], setting: string | undefined): boolean {
  return args.includes('--quiet') || args.includes('-q') || ['1', 'true', 'yes'].includes((setting ?? '').trim());
}

/** What the gates found, as main.ts knows it after the synth. */
export interface GateFindings {
  readonly complianceErrors: number;
  /** Leaking paths and findings (such as a tenant SU outside its subnets). */
  readonly leaks: number;
  /** What the isolation proof could not model or resolve: a failure too. */
  readonly unproven: number;
  readonly tenants: number;
  /** Single-failure scenarios checked (the resilience gate fails before any stack is built). */
  readonly scenarios: number;
}

/** The three gates' verdicts, with each report's path under `outdir` as `show` prints it. */
export function gateVerdicts(
  findings: GateFindings,
  stacks: number,
  show: (pathInOutput: string) => string,
): GateVerdict[] {
  return [
    {
      gate: 'compliance',
      passed: findings.complianceErrors === 0,
      detail: `${findings.complianceErrors} error finding(s) in ${stacks} stacks`,
      report: show('compliance/index.md'),
    },
    {
      gate: 'isolation',
      passed: findings.leaks === 0 && findings.unproven === 0,
      detail: `${findings.leaks} leak(s), ${findings.unproven} cannot prove, between ${findings.tenants} tenants`,
      report: show('isolation/report.md'),
    },
    {
      gate: 'resilience',
      passed: true,
      detail: `every tenant keeps its contracted GPUs in each of ${findings.scenarios} single-failure scenarios`,
      report: show('resilience/'),
    },
  ];
}

/** Managed resources of a synthesized stack. */
export function resourceCount(json: { resource?: Record<string, Record<string, unknown>> }): number {
  return Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
