import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatLeak, proveIsolation, readSynthesizedStacks } from '../../policy/isolation';

/**
 * What the other checks say about each side, read from a synth output: the compliance
 * report per stack (compliance/<stack>.json), the single-failure model per cluster
 * (resilience/<env>-<cluster>.json), and the tenant isolation proof, run on the output.
 * Each is optional: an absent or unreadable one is "not available", with the reason.
 */

export type Available<T> =
  { readonly available: true; readonly value: T } | { readonly available: false; readonly reason: string };

export interface ComplianceSummary {
  readonly pass: number;
  readonly fail: number;
  readonly suppressed: number;
  readonly errors: number;
  readonly warnings: number;
  /** rule@address of every failing row. */
  readonly failing: readonly string[];
}

export interface ClusterHeadroom {
  readonly cluster: string;
  readonly verdict: string;
  /** Least power margin under any single feed failure (kW; negative sheds SUs). */
  readonly powerMarginKw: number | null;
  /** Least cooling margin under any single CDU failure (kW). */
  readonly coolingMarginKw: number | null;
  /** Worst-case surviving GPUs minus contracted, per tenant. */
  readonly tenantHeadroomGpus: Readonly<Record<string, number>>;
  /** Contracted GPUs per tenant (absent in reports written before it was read). */
  readonly tenantContractedGpus?: Readonly<Record<string, number>>;
  /** The load of one SU (kW) in the scenario of the least power / cooling margin. */
  readonly powerUnitKw?: number | null;
  readonly coolingUnitKw?: number | null;
}

export interface IsolationSummary {
  readonly tenants: readonly string[];
  readonly leaks: readonly string[];
}

export interface SideReports {
  readonly compliance: Available<ReadonlyMap<string, ComplianceSummary>>;
  readonly resilience: Available<ReadonlyMap<string, ClusterHeadroom>>;
  readonly isolation: Available<IsolationSummary>;
}

const COMPLIANCE_DIR = 'compliance';
const RESILIENCE_DIR = 'resilience';

function jsonFiles(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
}

function guarded<T>(what: string, read: () => T | undefined): Available<T> {
  try {
    const value = read();
    return value === undefined ? { available: false, reason: `no ${what} in this output` } : { available: true, value };
  } catch (error) {
    return {
      available: false,
      reason: `${what} unreadable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    };
  }
}

interface ComplianceJson {
  stack?: string;
  summary?: { pass?: number; fail?: number; suppressed?: number; errors?: number; warnings?: number };
  rows?: { rule?: string; address?: string; status?: string }[];
}

export function readCompliance(outdir: string): Available<ReadonlyMap<string, ComplianceSummary>> {
  return guarded('compliance report', () => {
    const files = jsonFiles(join(outdir, COMPLIANCE_DIR));
    if (files.length === 0) return undefined;
    const byStack = new Map<string, ComplianceSummary>();
    for (const file of files) {
      const data = JSON.parse(readFileSync(join(outdir, COMPLIANCE_DIR, file), 'utf8')) as ComplianceJson;
      if (!data.summary) continue;
      byStack.set(data.stack ?? file.replace(/\.json$/, ''), {
        pass: data.summary.pass ?? 0,
        fail: data.summary.fail ?? 0,
        suppressed: data.summary.suppressed ?? 0,
        errors: data.summary.errors ?? 0,
        warnings: data.summary.warnings ?? 0,
        failing: (data.rows ?? []).filter((r) => r.status === 'fail').map((r) => `${r.rule}@${r.address}`),
      });
    }
    return byStack.size > 0 ? byStack : undefined;
  });
}

interface ResilienceJson {
  cluster?: string;
  verdict?: string;
  tenants?: { tenantId: string; worstHeadroomGpus: number; contractedGpus?: number }[];
  scenarios?: { kind: string; impacts: { resource: string; marginKw: number; unitLoadKw?: number }[] }[];
}

function leastImpact(data: ResilienceJson, kind: string, resource: string) {
  const impacts = (data.scenarios ?? [])
    .filter((s) => s.kind === kind)
    .flatMap((s) => s.impacts.filter((i) => i.resource === resource));
  return impacts.length > 0 ? impacts.reduce((a, b) => (b.marginKw < a.marginKw ? b : a)) : undefined;
}

function leastMargin(data: ResilienceJson, kind: string, resource: string): number | null {
  return leastImpact(data, kind, resource)?.marginKw ?? null;
}

export function readResilience(outdir: string): Available<ReadonlyMap<string, ClusterHeadroom>> {
  return guarded('resilience report', () => {
    const files = jsonFiles(join(outdir, RESILIENCE_DIR));
    if (files.length === 0) return undefined;
    const byCluster = new Map<string, ClusterHeadroom>();
    for (const file of files) {
      const data = JSON.parse(readFileSync(join(outdir, RESILIENCE_DIR, file), 'utf8')) as ResilienceJson;
      const cluster = data.cluster ?? file.replace(/\.json$/, '');
      byCluster.set(cluster, {
        cluster,
        verdict: data.verdict ?? 'unknown',
        powerMarginKw: leastMargin(data, 'feed', 'power'),
        coolingMarginKw: leastMargin(data, 'cdu', 'cooling'),
        tenantHeadroomGpus: Object.fromEntries((data.tenants ?? []).map((t) => [t.tenantId, t.worstHeadroomGpus])),
        tenantContractedGpus: Object.fromEntries(
          (data.tenants ?? [])
            .filter((t) => typeof t.contractedGpus === 'number')
            .map((t) => [t.tenantId, t.contractedGpus as number]),
        ),
        powerUnitKw: leastImpact(data, 'feed', 'power')?.unitLoadKw ?? null,
        coolingUnitKw: leastImpact(data, 'cdu', 'cooling')?.unitLoadKw ?? null,
      });
    }
    return byCluster;
  });
}

export function readIsolation(outdir: string): Available<IsolationSummary> {
  return guarded('isolation proof', () => {
    const report = proveIsolation(readSynthesizedStacks(outdir));
    return {
      tenants: [...report.tenants].sort(),
      leaks: report.leaks.map(formatLeak),
    };
  });
}

export function readSideReports(outdir: string | undefined): SideReports {
  if (!outdir) {
    const none = { available: false as const, reason: 'no synth output beside the plans' };
    return { compliance: none, resilience: none, isolation: none };
  }
  return { compliance: readCompliance(outdir), resilience: readResilience(outdir), isolation: readIsolation(outdir) };
}
