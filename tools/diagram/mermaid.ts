import { UNALLOCATED } from '../review/domain';
import type { DiagramModel, HallAllocation } from './model';

/** Mermaid node ids take letters, digits and underscores only. */
const nodeId = (prefix: string, ...parts: string[]): string =>
  `${prefix}_${parts.join('_').replace(/[^A-Za-z0-9]/g, '_')}`;
const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

function clustersOf(model: DiagramModel): string[] {
  return [
    ...new Set([
      ...model.stacks.flatMap((s) => (s.cluster ? [s.cluster] : [])),
      ...model.allocations.map((a) => a.cluster),
    ]),
  ].sort();
}

/**
 * Stacks grouped by cluster, with an arrow from each stack to the stacks that read its state,
 * and a dotted one from the stack holding the state bucket to each cluster that keeps state there.
 */
export function stackGraph(model: DiagramModel): string {
  const lines = ['flowchart LR'];
  const node = (name: string, resources: number) =>
    `${nodeId('s', name)}["${name}<br/>${plural(resources, 'resource')}"]`;
  for (const stack of model.stacks.filter((s) => !s.cluster)) lines.push(`  ${node(stack.name, stack.resources)}`);
  for (const cluster of clustersOf(model)) {
    lines.push(`  subgraph ${nodeId('c', cluster)}["${cluster}"]`);
    for (const stack of model.stacks.filter((s) => s.cluster === cluster)) {
      lines.push(`    ${node(stack.name, stack.resources)}`);
    }
    lines.push('  end');
  }
  for (const stack of model.stacks) {
    for (const upstream of stack.reads) lines.push(`  ${nodeId('s', upstream)} --> ${nodeId('s', stack.name)}`);
  }
  const stateEdges = new Set(
    model.stacks.flatMap((s) =>
      s.stateIn
        ? [`  ${nodeId('s', s.stateIn)} -.->|state| ${s.cluster ? nodeId('c', s.cluster) : nodeId('s', s.name)}`]
        : [],
    ),
  );
  lines.push(...stateEdges);
  return lines.join('\n');
}

const tenantLabel = (a: HallAllocation): string => (a.tenant === UNALLOCATED ? `spare (${a.cluster})` : a.tenant);

/** Tenants (and each cluster's spare pool) pointing at the halls they hold units in. */
export function capacityGraph(model: DiagramModel): string {
  const lines = ['flowchart LR'];
  for (const cluster of clustersOf(model)) {
    const inCluster = model.allocations.filter((a) => a.cluster === cluster);
    lines.push(`  subgraph ${nodeId('c', cluster)}["${cluster}"]`);
    for (const hall of [...new Map(inCluster.map((a) => [a.hall, a])).values()]) {
      const units = inCluster.filter((a) => a.hall === hall.hall).reduce((n, a) => n + a.units, 0);
      lines.push(
        `    ${nodeId('h', cluster, hall.hall)}["${hall.hall}<br/>${hall.availabilityZone}<br/>${plural(units, 'SU')}"]`,
      );
    }
    lines.push('  end');
    for (const tenant of [...new Map(inCluster.map((a) => [a.tenant, a])).values()]) {
      lines.push(`  ${nodeId('t', cluster, tenant.tenant)}(["${tenantLabel(tenant)}"])`);
    }
    for (const a of inCluster) {
      lines.push(
        `  ${nodeId('t', cluster, a.tenant)} -->|"${plural(a.units, 'SU')} · ${count(a.gpus)} GPUs"| ${nodeId('h', cluster, a.hall)}`,
      );
    }
  }
  return lines.join('\n');
}

/** The same allocations as a table, for readers without a Mermaid renderer. */
export function capacityTable(model: DiagramModel): string {
  const rows = model.allocations.map(
    (a) =>
      `| ${a.cluster} | ${a.hall} | ${a.availabilityZone} | ${tenantLabel(a)} | ${count(a.units)} | ${count(a.gpus)} |`,
  );
  return ['| cluster | hall | zone | tenant | SUs | GPUs |', '| --- | --- | --- | --- | ---: | ---: |', ...rows].join(
    '\n',
  );
}

/** A Markdown page with both diagrams and the table; GitHub renders the Mermaid blocks. */
export function diagramMarkdown(model: DiagramModel, source: string): string {
  const fence = (body: string) => ['```mermaid', body, '```'].join('\n');
  return [
    `# Colossus topology: ${source}`,
    '',
    'Generated from the synthesized Terraform by `npm run diagram`; do not edit.',
    '',
    '## Stacks',
    '',
    'An arrow runs from a stack to each stack that reads its state, so it is deployed first.',
    '',
    fence(stackGraph(model)),
    '',
    '## Capacity by tenant and hall',
    '',
    'From the capacity reservations: one per scalable unit (SU), tagged with its tenant and hall.',
    '',
    fence(capacityGraph(model)),
    '',
    capacityTable(model),
    '',
  ].join('\n');
}
