import type { CapacityExpectation } from './capacity-expectations';

/**
 * The compliance model: rules are pure functions from one synthesized stack to checks.
 * Everything here is plain data so that rules, reports and tests never touch cdktf.
 */

export type Severity = 'error' | 'warning';
export type Status = 'pass' | 'fail' | 'suppressed' | 'not applicable';

/** The areas rule ids are grouped by: CLX-<AREA>-<NNN>. */
export const AREAS = {
  ENC: 'Encryption at rest',
  NET: 'Network exposure',
  IMD: 'Instance metadata',
  IAM: 'Identity and access',
  LIF: 'Lifecycle and retention',
  STO: 'Storage (S3) protection',
  TAG: 'Tagging',
  MON: 'Monitoring coverage',
  AUD: 'Audit trail',
  CAP: 'Capacity and SLOs',
} as const;
export type Area = keyof typeof AREAS;

/** A resource of a synthesized stack, with what rules need already worked out. */
export interface Resource {
  readonly type: string;
  readonly name: string;
  /** Terraform address: <type>.<name>. */
  readonly address: string;
  /** Construct path, the handle suppressions use. */
  readonly path: string;
  /** Terraform arguments as synthesized (metadata removed). */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Whether the resource type takes a `tags` map (and so receives provider default tags). */
  readonly taggable: boolean;
  /** Tags the resource ends up with: provider default tags merged under its own. */
  readonly effectiveTags: Readonly<Record<string, string>>;
}

/** Something a check is about: a resource, or the stack's backend. */
export interface Subject {
  readonly address: string;
  readonly path: string;
}

export interface StackModel {
  readonly name: string;
  readonly resources: readonly Resource[];
  /** `terraform.backend` as synthesized, such as { s3: {...} }. */
  readonly backend: Readonly<Record<string, Record<string, unknown>>>;
  readonly byAddress: ReadonlyMap<string, Resource>;
  /** Output name to its value expression. */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** terraform_remote_state data source name to the stack whose state it reads. */
  readonly remoteStates: ReadonlyMap<string, string>;
  /** Data sources by address, data.<type>.<name>, with their arguments. */
  readonly data: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** What config says a stack must hold: the units whose alarms and resources rules count. */
export interface ExpectedUnits {
  /** CDU ids whose alarms this stack must hold (monitoring stacks, per hall). */
  readonly cdus?: readonly string[];
  /** Power feed ids whose alarms this stack must hold (alerting stacks, per cluster). */
  readonly feeds?: readonly string[];
  /** Scalable units this stack must build (compute stacks, per hall), as their count. */
  readonly scalableUnits?: number;
  /**
   * The resource that holds each SU's capacity: an on-demand capacity reservation, or the
   * Capacity Reservation group that Capacity Blocks bought outside Terraform are added to.
   */
  readonly capacityType?: 'aws_ec2_capacity_reservation' | 'aws_resourcegroups_group';
  /** Resource types the environment leaves out on purpose (emulator gaps), not counted as missing. */
  readonly leftOut?: readonly string[];
  /** The audit stack: the tenant data buckets its trail must record data events for. */
  readonly audit?: { readonly tenantBuckets: readonly string[] };
  /** Tenant ids whose boundary this stack must build (tenancy stacks). */
  readonly tenants?: readonly string[];
  /** The capacity stack: every alarm config says must watch the cluster's capacity (policy/capacity-expectations.ts). */
  readonly capacity?: CapacityExpectation;
}

/** What a check looked at: the attribute path and the value it found. */
export interface Evidence {
  readonly attribute: string;
  readonly value: unknown;
}

export interface Check {
  readonly subject: Subject;
  readonly status: 'pass' | 'fail';
  readonly evidence: Evidence;
  /** Why it failed, in words, when the evidence alone does not say. */
  readonly message?: string;
}

/** Facts from outside the stack that some rules need. */
export interface RuleContext {
  /** Known tenants and their data classification. */
  readonly tenants: ReadonlyMap<string, string>;
  /** Other stacks of the environment already evaluated, to follow remote state references. */
  readonly stack?: (name: string) => StackModel | undefined;
  /** The units config expects in a stack; undefined where no config is known (unit tests of single rules). */
  readonly expected?: (stackName: string) => ExpectedUnits | undefined;
}

export interface Controls {
  /** CIS AWS Foundations Benchmark v3.0.0 recommendation numbers. */
  readonly cis: readonly string[];
  /** NIST SP 800-53 rev5 control ids. */
  readonly nist: readonly string[];
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly controls: Controls;
  /** Equivalent checkov check ids, where checkov has one. */
  readonly checkov: readonly string[];
  /** Returns one check per subject the rule applies to; none means "not applicable". */
  readonly check: (stack: StackModel, context: RuleContext) => Check[];
}

export function areaOf(ruleId: string): Area {
  return ruleId.split('-')[1] as Area;
}

/** One line of a report: a rule against one subject. */
export interface ReportRow {
  readonly rule: string;
  readonly severity: Severity;
  readonly address: string;
  readonly path: string;
  readonly status: Status;
  readonly evidence: Evidence | null;
  /** The evidence value with every reference replaced by the resource it names: "<stack>/<address>.<attribute>". */
  readonly resolved?: unknown;
  readonly message?: string;
  readonly suppression?: { readonly reason: string; readonly expires?: string; readonly source: string };
}

export interface StackReport {
  readonly stack: string;
  /** Construct path to the class that built it, for source locations (SARIF). */
  readonly constructClasses?: ReadonlyMap<string, string>;
  readonly rows: readonly ReportRow[];
  /** Problems with suppressions themselves (expired, unknown rule, unused). */
  readonly suppressionProblems: readonly SuppressionProblem[];
}

export interface SuppressionProblem {
  readonly severity: Severity;
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}
