import {
  ACTION_ORDER,
  SENSITIVE,
  UNKNOWN,
  countActions,
  totalCounts,
  visibleChanges,
  type ActionCounts,
  type ChangeSet,
  type ResourceChange,
} from './change-set';
import { changedCapacity, UNALLOCATED, type CapacityRow, type DomainDeltas, type ReservationFacts } from './domain';
import type { Available, ClusterHeadroom, ComplianceSummary, SideReports } from './reports';
import { topWarnings } from './warnings';
import type { BlastEntry } from './blast-radius';

/**
 * The review as Markdown, for a pull-request comment: the headline and what needs a
 * reviewer's eyes first, then domain deltas, then the full list, folded, cut to fit.
 */

/** GitHub refuses comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_535;
/** Marks the comment so CI updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- colossus-plan-review -->';

export interface ReviewInput {
  readonly changeSet: ChangeSet;
  readonly domain: DomainDeltas;
  /** Cross-stack readers of changed exports (absent when no synth output was given). */
  readonly blast?: readonly BlastEntry[];
  /** Side reports: base is absent for a plan review. */
  readonly reports: { readonly base?: SideReports; readonly head: SideReports };
  /** Stacks whose plan failed. */
  readonly failed?: readonly { name: string; error: string }[];
  /** What produced the input, for the source line. */
  readonly sourceNote?: string;
  /** Offline plans against empty state: they prove the stacks plan, and review no change. */
  readonly creationOnly?: boolean;
}

export interface RenderOptions {
  /** Characters the whole review may take (default: just under GitHub's limit). */
  readonly maxChars?: number;
  /** The note shown when the full list is cut. */
  readonly truncationHint?: string;
}

const int = (n: number): string => n.toLocaleString('en-US');
const signed = (n: number): string => (n > 0 ? `+${int(n)}` : n < 0 ? `−${int(-n)}` : '±0');
const plural = (n: number, one: string, many = `${one}s`): string => `${int(n)} ${n === 1 ? one : many}`;
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

/** A value as short inline text; sensitive stays masked. */
export function showValue(value: unknown): string {
  if (value === SENSITIVE) return '_(sensitive)_';
  if (value === undefined) return '_(absent)_';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return code(text.length > 120 ? `${text.slice(0, 117)}…` : text);
}

function fromTo(before: number, after: number): string {
  return before === after ? int(after) : `${int(before)} → ${int(after)} (${signed(after - before)})`;
}

function where(row: CapacityRow): string {
  return `${row.cluster} / ${row.hall}`;
}

/** One sentence per tenant (and spare pool) whose capacity changes: the review's first lines. */
export function capacitySentences(rows: readonly CapacityRow[]): string[] {
  const changed = changedCapacity(rows);
  const tenants = changed.filter((r) => r.tenant !== UNALLOCATED);
  const spare = changed.filter((r) => r.tenant === UNALLOCATED);
  const sentence = (row: CapacityRow, who: string): string => {
    const du = row.unitsAfter - row.unitsBefore;
    const dg = row.gpusAfter - row.gpusBefore;
    const gpus = `${signed(dg)} GPUs${row.unknown ? ', some counts known only after apply' : ''}`;
    if (row.unitsBefore > 0 && row.unitsAfter === 0) {
      const all = row.unitsBefore === 1 ? 'its only scalable unit' : `all ${plural(row.unitsBefore, 'scalable unit')}`;
      return `${who} loses ${all} (${gpus}) in ${where(row)}`;
    }
    if (du > 0) return `${who} gains ${plural(du, 'scalable unit')} (${gpus}) in ${where(row)}`;
    if (du < 0) return `${who} loses ${plural(-du, 'scalable unit')} (${gpus}) in ${where(row)}`;
    return `${who} keeps ${plural(row.unitsAfter, 'scalable unit')} but changes by ${gpus} in ${where(row)}`;
  };
  return [
    ...tenants.map((r) => sentence(r, `tenant ${code(r.tenant)}`)),
    ...spare.map((r) => sentence(r, 'the spare pool')),
  ];
}

function headline(input: ReviewInput, counts: ActionCounts): string[] {
  const { changeSet } = input;
  const source =
    changeSet.source === 'plan'
      ? `${input.creationOnly ? 'offline Terraform plan against empty state' : 'Terraform plan'}${input.sourceNote ? ` (${input.sourceNote})` : ''}`
      : 'diff of the synthesized base and head (no cloud access; replacements are predicted, a plan is authoritative)';
  const sentences = capacitySentences(input.domain.capacity);
  const destroyed = counts.delete + counts.replace;
  const lines = [
    COMMENT_MARKER,
    input.creationOnly
      ? `## Plan check (creation only, no state): ${code(changeSet.environment)}`
      : `## Plan review: ${code(changeSet.environment)}`,
    '',
    ...(input.creationOnly
      ? [
          '> **Not a review of changes.** These plans ran offline against empty state: every resource is a create and nothing can be destroyed. They prove the stacks plan at all; review a change with a synth diff (`--base`/`--head`) or plans against deployed state (`--target emulator` or `aws`).',
          '',
        ]
      : []),
    ...warningLines(input),
    sentences.length > 0
      ? `**Capacity:** ${sentences.slice(0, 4).join('; ')}${sentences.length > 4 ? `; and ${sentences.length - 4} more (table below)` : ''}.`
      : '**Capacity:** no change to GPUs or scalable units.',
    destroyed > 0
      ? `**:warning: Destroys:** ${plural(counts.delete, 'resource')} destroyed and ${plural(counts.replace, 'resource')} replaced (destroyed, then created) — listed first below.`
      : '**Destroys:** none.',
    `**Resources:** ${int(counts.create)} to create, ${int(counts.update)} to update, ${int(counts.replace)} to replace, ${int(counts.delete)} to destroy${counts.forget ? `, ${int(counts.forget)} to forget` : ''}.`,
    '',
    `<sub>Source: ${source}.</sub>`,
  ];
  for (const failure of input.failed ?? []) {
    lines.push('', `> **Plan failed for ${code(failure.name)}**: ${failure.error.split('\n').slice(0, 3).join(' ')}`);
  }
  return lines;
}

/** The first screen: every dangerous change, one line each, before anything else. */
export function warningLines(input: ReviewInput): string[] {
  const warnings = topWarnings(input);
  if (warnings.length === 0) return [];
  const shown = warnings.slice(0, 25);
  return [
    `**:rotating_light: Read first (${plural(warnings.length, 'warning')}):**`,
    '',
    ...shown.map((w) => `- ${w.text}`),
    ...(warnings.length > shown.length ? [`- … and ${int(warnings.length - shown.length)} more (JSON review)`] : []),
    '',
  ];
}

/** Non-resource blocks that changed: backend, providers, data sources, outputs, locals, moved/import/removed. */
function blocksSection(changeSet: ChangeSet, budget: number): string[] {
  const changed = changeSet.stacks.filter((s) => s.status === 'changed').flatMap((s) => s.blocks ?? []);
  if (changed.length === 0) return [];
  const items = changed.map(
    (b) =>
      `- ${b.action === 'create' ? 'added' : b.action === 'delete' ? '**removed**' : 'changed'} ${b.kind} ${code(b.address)} in ${code(b.stack)}${
        b.action === 'update'
          ? `: ${b.attributes
              .slice(0, 4)
              .map((a) => attributeLine(a))
              .join(', ')}${b.attributes.length > 4 ? `, and ${b.attributes.length - 4} more` : ''}`
          : ''
      }`,
  );
  return ['', `### Other blocks changed (${int(items.length)})`, '', ...fitItems(items, budget)];
}

function blastSection(blast: readonly BlastEntry[] | undefined, budget: number): string[] {
  // Unresolved remote states are warnings on the first screen; here only what has readers.
  const shown = (blast ?? []).filter((b) => b.action !== 'read');
  if (shown.length === 0) return [];
  const items = shown.map((b) => {
    const verb = b.action === 'replace' ? '**replaced**' : b.action === 'delete' ? '**destroyed**' : 'changed';
    const readers = b.readers
      .slice(0, 5)
      .map((r) => `${code(r.address)} in ${code(r.stack)} (${r.attribute})${r.releasedInPlan ? ', replaced too' : ''}`)
      .join('; ');
    const more = b.readers.length > 5 ? `; and ${int(b.readers.length - 5)} more` : '';
    return `- ${verb} ${code(b.address)} in ${code(b.stack)}, exported as ${b.outputs.map(code).join(', ')}, is read by ${readers}${more}: they change at their next plan${b.blocked ? `\n  - :no_entry: **blocked**: ${b.blocked}` : ''}`;
  });
  return ['', `### Blast radius across stacks (${int(items.length)})`, '', ...fitItems(items, budget)];
}

/**
 * Destroys and replacements by cause: first what changes on its own (its own argument forces
 * the replacement, it was removed or renamed), then what follows from it, in dependency order.
 */
export function byCause(changes: readonly ResourceChange[]): ResourceChange[] {
  const depth = new Map<string, number>();
  const key = (c: ResourceChange) => `${c.stack}\u0000${c.address}`;
  const byAddress = new Map(changes.map((c) => [key(c), c]));
  const own = (c: ResourceChange): boolean => {
    if (c.action !== 'replace' || c.previousAddress) return true;
    if (c.causedBy) return false;
    const forcing = c.attributes.filter((a) => a.forcesReplacement);
    // A forcing value known only after apply comes from another resource being replaced.
    return forcing.length === 0 || forcing.some((a) => a.after !== UNKNOWN);
  };
  const depthOf = (c: ResourceChange, seen = new Set<string>()): number => {
    const k = key(c);
    const known = depth.get(k);
    if (known !== undefined) return known;
    let d: number;
    if (own(c)) d = 0;
    else {
      const cause = c.causedBy ? byAddress.get(`${c.stack}\u0000${c.causedBy}`) : undefined;
      d = cause && !seen.has(k) ? depthOf(cause, new Set([...seen, k])) + 1 : 1;
    }
    depth.set(k, d);
    return d;
  };
  // Among root causes, the one more changes follow from comes first (the VPC before its routes).
  const followers = new Map<string, number>();
  for (const c of changes) {
    const seen = new Set<string>();
    for (let cause = c.causedBy; cause && !seen.has(cause);) {
      seen.add(cause);
      const k = `${c.stack}\u0000${cause}`;
      followers.set(k, (followers.get(k) ?? 0) + 1);
      cause = byAddress.get(k)?.causedBy;
    }
  }
  const led = (c: ResourceChange) => followers.get(key(c)) ?? 0;
  return [...changes].sort(
    (a, b) =>
      depthOf(a) - depthOf(b) ||
      led(b) - led(a) ||
      ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) ||
      a.stack.localeCompare(b.stack) ||
      a.address.localeCompare(b.address),
  );
}

function stackTable(changeSet: ChangeSet): string[] {
  const rows = changeSet.stacks
    .map((s) => ({ s, c: countActions(s.changes) }))
    .filter(
      ({ s, c }) =>
        s.status !== 'changed' ||
        c.create + c.update + c.replace + c.delete + c.forget > 0 ||
        (s.blocks ?? []).length > 0,
    );
  if (rows.length === 0) return ['', 'No stack changes.'];
  const total = totalCounts(changeSet);
  const status = (s: ChangeSet['stacks'][number]) =>
    s.status === 'added' ? ' (new stack)' : s.status === 'removed' ? ' (stack removed)' : '';
  return [
    '',
    '| stack | created | updated | replaced | destroyed |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      ({ s, c }) =>
        `| ${code(s.name)}${status(s)} | ${int(c.create)} | ${int(c.update)} | ${c.replace ? `**${int(c.replace)}**` : '0'} | ${c.delete ? `**${int(c.delete)}**` : '0'} |`,
    ),
    ...(rows.length > 1
      ? [
          `| **total** (${plural(rows.length, 'stack')}) | ${int(total.create)} | ${int(total.update)} | ${int(total.replace)} | ${int(total.delete)} |`,
        ]
      : []),
  ];
}

function attributeLine(a: ResourceChange['attributes'][number]): string {
  const marker = a.forcesReplacement ? ' **(forces replacement)**' : '';
  if (!('before' in a)) return `${code(a.path)}: added ${showValue(a.after)}${marker}`;
  if (!('after' in a)) return `${code(a.path)}: removed (was ${showValue(a.before)})${marker}`;
  return `${code(a.path)}: ${showValue(a.before)} → ${showValue(a.after)}${marker}`;
}

function destructiveLine(c: ResourceChange): string[] {
  const verb = c.action === 'delete' ? '**destroy**' : c.action === 'forget' ? '**forget**' : '**replace**';
  const order = c.replaceOrder === 'create-then-delete' ? ' (new one created first)' : '';
  const head = `- ${verb} ${code(c.address)} in ${code(c.stack)}${order}${c.reason ? ` — because ${c.reason}` : ''}`;
  const forcing = c.attributes.filter((a) => a.forcesReplacement);
  const named = c.forcingAttributes.filter((f) => !forcing.some((a) => a.path === f || a.path.startsWith(f)));
  return [
    head,
    ...forcing.map((a) => `  - forced by ${attributeLine(a).replace(' **(forces replacement)**', '')}`),
    ...named.map((f) => `  - forced by ${code(f)}`),
  ];
}

function reservationText(f: ReservationFacts): string {
  const count = f.instanceCount === null ? 'unknown count of' : `${int(f.instanceCount)} ×`;
  return `${count} ${f.instanceType} (${f.gpus === null ? 'GPUs unknown' : `${int(f.gpus)} GPUs`}) in ${f.availabilityZone}, tenant ${code(f.tenant)}`;
}

function capacitySection(domain: DomainDeltas): string[] {
  const lines = ['', '### GPUs and scalable units'];
  const changed = changedCapacity(domain.capacity);
  const total = (pick: (r: CapacityRow) => number) => domain.capacity.reduce((sum, r) => sum + pick(r), 0);
  if (domain.capacity.length === 0) return [...lines, '', 'No capacity reservations in the changed stacks.'];
  lines.push(
    '',
    changed.length === 0
      ? 'No change per tenant or hall.'
      : '| cluster | hall | tenant | scalable units | GPUs |\n| --- | --- | --- | ---: | ---: |\n' +
          changed
            .map(
              (r) =>
                `| ${r.cluster} | ${r.hall} | ${r.tenant === UNALLOCATED ? '_spare pool_' : code(r.tenant)} | ${fromTo(r.unitsBefore, r.unitsAfter)} | ${fromTo(r.gpusBefore, r.gpusAfter)}${r.unknown ? ' (some unknown)' : ''} |`,
            )
            .join('\n'),
    '',
    `In the stacks reviewed: ${fromTo(
      total((r) => r.unitsBefore),
      total((r) => r.unitsAfter),
    )} scalable units, ${fromTo(
      total((r) => r.gpusBefore),
      total((r) => r.gpusAfter),
    )} GPUs.`,
  );
  return lines;
}

function reservationsSection(domain: DomainDeltas, budget: number): string[] {
  if (domain.reservations.length === 0) return [];
  const items = domain.reservations.map((r) => {
    if (r.action === 'create' && r.after) return `- added ${code(r.name)}: ${reservationText(r.after)}`;
    if ((r.action === 'delete' || r.action === 'forget') && r.before)
      return `- ${r.action === 'forget' ? 'forgotten' : 'removed'} ${code(r.name)}: ${reservationText(r.before)}`;
    const diffs: string[] = [];
    if (r.before && r.after) {
      for (const key of ['tenant', 'instanceCount', 'instanceType', 'availabilityZone', 'hall'] as const) {
        if (r.before[key] !== r.after[key])
          diffs.push(`${key} ${showValue(r.before[key])} → ${showValue(r.after[key])}`);
      }
    }
    return `- ${r.action === 'replace' ? '**replaced**' : 'changed'} ${code(r.name)}: ${diffs.join(', ') || 'settings other than count, type, zone and tenant'}`;
  });
  return ['', `### Capacity reservations changed (${int(items.length)})`, '', ...fitItems(items, budget)];
}

function alarmsSection(domain: DomainDeltas, budget: number): string[] {
  const added = domain.alarms.filter((a) => a.action === 'create');
  const removed = domain.alarms.filter((a) => a.action === 'delete' || a.action === 'forget');
  const changed = domain.alarms.filter((a) => a.action === 'update' || a.action === 'replace');
  if (domain.alarms.length === 0) return ['', '### Alarms', '', 'No alarm added, removed or changed.'];
  const items = [
    ...removed.map((a) => `- **removed** ${a.kind} alarm ${code(a.name)}`),
    ...changed.map(
      (a) =>
        `- ${a.action === 'replace' ? '**replaced**' : 'changed'} ${a.kind} alarm ${code(a.name)}: ${a.settings
          .slice(0, 4)
          .map((s) => `${code(s.path)} ${showValue(s.before)} → ${showValue(s.after)}`)
          .join(', ')}${a.settings.length > 4 ? `, and ${a.settings.length - 4} more` : ''}`,
    ),
    ...added.map((a) => `- added ${a.kind} alarm ${code(a.name)}`),
  ];
  return [
    '',
    `### Alarms: ${int(added.length)} added, ${int(removed.length)} removed, ${int(changed.length)} changed`,
    '',
    ...fitItems(items, budget),
  ];
}

function notAvailable(what: Available<unknown>): string {
  return what.available ? '' : `Not available: ${what.reason}.`;
}

const kw = (n: number | null): string =>
  n === null ? 'n/a' : Math.abs(n) >= 10_000 ? `${(n / 1000).toFixed(1)} MW` : `${int(Math.round(n))} kW`;
function kwFromTo(before: number | null | undefined, after: number | null): string {
  if (before === undefined || before === after) return kw(after);
  if (before === null || after === null) return `${kw(before)} → ${kw(after)}`;
  return `${kw(before)} → ${kw(after)} (${after - before > 0 ? '+' : '−'}${kw(Math.abs(after - before))})`;
}

function headroomSection(base: SideReports | undefined, head: SideReports): string[] {
  const lines = ['', '### Power and cooling headroom'];
  if (!head.resilience.available) return [...lines, '', notAvailable(head.resilience)];
  const before = base?.resilience.available ? base.resilience.value : undefined;
  lines.push(
    '',
    '| cluster | verdict | power margin, worst feed failure | cooling margin, worst CDU failure |',
    '| --- | --- | ---: | ---: |',
  );
  const tenantLines: string[] = [];
  for (const [cluster, after] of head.resilience.value) {
    const was: ClusterHeadroom | undefined = before?.get(cluster);
    lines.push(
      `| ${cluster} | ${was && was.verdict !== after.verdict ? `${was.verdict} → **${after.verdict}**` : after.verdict} | ${kwFromTo(was?.powerMarginKw, after.powerMarginKw)} | ${kwFromTo(was?.coolingMarginKw, after.coolingMarginKw)} |`,
    );
    for (const [tenant, gpus] of Object.entries(after.tenantHeadroomGpus)) {
      const old = was?.tenantHeadroomGpus[tenant];
      if (was && old !== gpus) {
        tenantLines.push(
          `- ${cluster} tenant ${code(tenant)}: worst-case GPU headroom ${old === undefined ? 'new' : int(old)} → ${int(gpus)}`,
        );
      }
    }
  }
  if (!base) lines.push('', '_Head only: no base to compare._');
  else if (!base.resilience.available) lines.push('', `_Base: ${notAvailable(base.resilience)}_`);
  return [...lines, ...(tenantLines.length ? ['', ...tenantLines] : [])];
}

function sum(
  map: ReadonlyMap<string, ComplianceSummary>,
  key: 'pass' | 'fail' | 'suppressed' | 'errors' | 'warnings',
): number {
  return [...map.values()].reduce((total, s) => total + s[key], 0);
}

function complianceSection(base: SideReports | undefined, head: SideReports, budget: number): string[] {
  const lines = ['', '### Compliance'];
  if (!head.compliance.available) return [...lines, '', notAvailable(head.compliance)];
  const after = head.compliance.value;
  const before = base?.compliance.available ? base.compliance.value : undefined;
  const cell = (key: 'pass' | 'fail' | 'suppressed' | 'errors' | 'warnings') =>
    before ? fromTo(sum(before, key), sum(after, key)) : int(sum(after, key));
  lines.push(
    '',
    '| passing | failing | suppressed | errors | warnings |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${cell('pass')} | ${cell('fail')} | ${cell('suppressed')} | ${cell('errors')} | ${cell('warnings')} |`,
  );
  if (!before) {
    lines.push('', base ? `_Base: ${notAvailable(base.compliance)}_` : '_Head only: no base to compare._');
    return lines;
  }
  const failing = (map: ReadonlyMap<string, ComplianceSummary>) =>
    new Set([...map].flatMap(([stack, s]) => s.failing.map((f) => `${stack}: ${f}`)));
  const was = failing(before);
  const now = failing(after);
  const added = [...now].filter((f) => !was.has(f)).map((f) => `- new finding: ${code(f)}`);
  const fixed = [...was].filter((f) => !now.has(f)).map((f) => `- resolved: ${code(f)}`);
  if (added.length + fixed.length > 0) lines.push('', ...fitItems([...added, ...fixed], budget));
  return lines;
}

function isolationSection(base: SideReports | undefined, head: SideReports): string[] {
  const lines = ['', '### Tenant isolation'];
  if (!head.isolation.available) return [...lines, '', notAvailable(head.isolation)];
  const after = head.isolation.value;
  const before = base?.isolation.available ? base.isolation.value : undefined;
  lines.push(
    '',
    after.leaks.length === 0
      ? `Proved on the head: no path joins any two of ${plural(after.tenants.length, 'tenant')}${before ? ` (base: ${before.leaks.length === 0 ? 'isolated' : `${plural(before.leaks.length, 'leak')}`}, ${plural(before.tenants.length, 'tenant')})` : ''}.`
      : `**${plural(after.leaks.length, 'leaking path')}** on the head:`,
    ...after.leaks.slice(0, 10).map((l) => `- ${l}`),
  );
  if (before) {
    const gone = before.tenants.filter((t) => !after.tenants.includes(t));
    const fresh = after.tenants.filter((t) => !before.tenants.includes(t));
    if (fresh.length) lines.push(`- tenants added: ${fresh.map(code).join(', ')}`);
    if (gone.length) lines.push(`- tenants removed: ${gone.map(code).join(', ')}`);
  }
  return lines;
}

/** Keeps items within budget characters; a last line says how many were left out. */
export function fitItems(items: readonly string[], budget: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    if (used + item.length + 1 > budget) {
      kept.push(`- … and ${int(items.length - i)} more (see the full list or the JSON review)`);
      return kept;
    }
    kept.push(item);
    used += item.length + 1;
  }
  return kept;
}

const SYMBOL: Record<string, string> = { create: '+', update: '~', replace: '-/+', delete: '-', forget: '.' };

function fullListEntry(c: ResourceChange): string {
  const moved = c.previousAddress && c.previousAddress !== c.address ? ` (was ${code(c.previousAddress)})` : '';
  const lines = [`${SYMBOL[c.action] ?? c.action} ${c.address}${moved}`];
  for (const a of c.attributes.slice(0, 40))
    lines.push(
      `    ${attributeLine(a)
        .replace(/`/g, '')
        .replace(/_\((sensitive|absent)\)_/g, '($1)')}`,
    );
  if (c.attributes.length > 40) lines.push(`    … and ${c.attributes.length - 40} more attributes`);
  return lines.join('\n');
}

function fullList(changeSet: ChangeSet, budget: number, hint: string, limit: number): string[] {
  const entries = changeSet.stacks.flatMap((s) => {
    const changes = visibleChanges(s.changes);
    return changes.length === 0 ? [] : [`# ${s.name}`, ...changes.map(fullListEntry)];
  });
  const count = changeSet.stacks.reduce((n, s) => n + visibleChanges(s.changes).length, 0);
  if (count === 0) return [];
  const open = ['', '<details>', `<summary>Full list: ${plural(count, 'change')}</summary>`, '', '```diff'];
  const close = ['```', '', '</details>'];
  const fixed = [...open, ...close].join('\n').length + 400;
  const kept: string[] = [];
  let used = 0;
  let shown = 0;
  for (const entry of entries) {
    if (used + entry.length + 1 > budget - fixed) break;
    kept.push(entry);
    used += entry.length + 1;
    if (!entry.startsWith('# ')) shown += 1;
  }
  const truncated = shown < count;
  return [
    ...open,
    ...kept,
    ...close,
    ...(truncated
      ? [
          '',
          `> **Truncated:** ${int(shown)} of ${int(count)} changes shown, to keep this review within its limit of ${int(limit)} characters (GitHub comments hold ${int(GITHUB_COMMENT_LIMIT)}). ${hint}`,
        ]
      : []),
  ];
}

export function renderMarkdown(input: ReviewInput, options: RenderOptions = {}): string {
  const maxChars = Math.min(options.maxChars ?? GITHUB_COMMENT_LIMIT - 535, GITHUB_COMMENT_LIMIT);
  const hint = options.truncationHint ?? 'Run `npm run review` locally, or read the JSON review, for every change.';
  const counts = totalCounts(input.changeSet);
  const destructive = input.changeSet.stacks
    .flatMap((s) => visibleChanges(s.changes))
    .filter((c) => c.action === 'delete' || c.action === 'replace' || c.action === 'forget');
  const top = [...headline(input, counts), ...stackTable(input.changeSet)].join('\n');
  // The important sections share what the headline leaves; the full list gets the rest.
  const share = Math.max(500, Math.floor((maxChars - top.length) / 6));
  const sections = [
    ...(destructive.length
      ? [
          '',
          `### :warning: Destroys and replacements (${int(destructive.length)})`,
          '',
          ...fitItems(
            byCause(destructive).map((c) => destructiveLine(c).join('\n')),
            share * 2,
          ),
        ]
      : []),
    ...blastSection(input.blast, share),
    ...blocksSection(input.changeSet, share),
    ...capacitySection(input.domain),
    ...reservationsSection(input.domain, share),
    ...alarmsSection(input.domain, share),
    ...headroomSection(input.reports.base, input.reports.head),
    ...complianceSection(input.reports.base, input.reports.head, Math.floor(share / 2)),
    ...isolationSection(input.reports.base, input.reports.head),
  ].join('\n');
  const body = `${top}\n${sections}`;
  const list = fullList(input.changeSet, maxChars - body.length - 2, hint, maxChars).join('\n');
  const review = `${body}\n${list}\n`;
  return review.length <= maxChars
    ? review
    : `${review.slice(0, maxChars - 120)}\n\n> **Truncated** to the limit of ${int(maxChars)} characters used for this review.\n`;
}
