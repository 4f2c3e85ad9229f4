import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTANCE_TYPES, INSTANCE_TYPE_NAMES, type InstanceTypeSpec } from '../config/instance-types';
import { efaInterfaces } from '../constructs/compute/efa-interfaces';

export const INSTANCE_TYPES_DOC = join(__dirname, '..', 'docs', 'instance-types.md');

/** The page with table padding and separator lengths taken out: what Prettier may change. */
export function normalizeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split('|')
            .map((cell) => cell.trim().replace(/^(:?)-+(:?)$/, '$1-$2'))
            .join('|')
        : line,
    )
    .join('\n');
}

/**
 * Renders docs/instance-types.md from config/instance-types.ts, so the long table never drifts
 * from the data (test/tools/instance-types-doc.test.ts compares them, table padding aside).
 * Run: npx tsx tools/instance-types-doc.ts
 */
export function renderInstanceTypesDoc(): string {
  const lines = [
    '# Instance types: what EC2 provides, and how it is sold',
    '',
    'Generated from `config/instance-types.ts` by `npx tsx tools/instance-types-doc.ts`; edit the data, not this page.',
    'Each fact is what `DescribeInstanceTypes` reports (NetworkInfo: MaximumNetworkCards,',
    'EfaInfo.MaximumEfaInterfaces, NetworkCards[].MaximumNetworkInterfaces) or how AWS sells the',
    'type, with the source it was taken from. A type with an unconfirmed fact is refused by config.',
    '',
    '| type | GPUs | arch | cards | EFA | UltraServer | capacity sold as | facts confirmed |',
    '| --- | ---: | --- | ---: | ---: | --- | --- | --- |',
  ];
  for (const name of INSTANCE_TYPE_NAMES) {
    const spec: InstanceTypeSpec = INSTANCE_TYPES[name];
    const ultra = spec.ultraServer ? `${spec.ultraServer.type} (${spec.ultraServer.instances} instances)` : '-';
    lines.push(
      `| \`${name}\` | ${spec.gpus} ${spec.gpuModel} | ${spec.architecture} | ${spec.maxNetworkCards} | ${spec.maxEfaInterfaces} | ${ultra} | ${spec.capacity.join(', ')} | ${spec.unconfirmed.length ? 'no: refused' : 'yes'} |`,
    );
  }
  for (const name of INSTANCE_TYPE_NAMES) {
    const spec: InstanceTypeSpec = INSTANCE_TYPES[name];
    lines.push('', `## ${name}`);
    if (spec.unconfirmed.length) {
      lines.push('', '**Refused.** Not confirmed:', '', ...spec.unconfirmed.map((u) => `- ${u}`));
    } else {
      lines.push('', '| card | max interfaces | EFA | ENA |', '| ---: | ---: | --- | --- |');
      spec.cards.forEach((card, index) =>
        lines.push(`| ${index} | ${card.maxInterfaces} | ${card.efa ? 'yes' : 'no'} | ${card.ena ? 'yes' : 'no'} |`),
      );
      const layout = efaInterfaces(spec)
        .map((n) => `${n.networkCardIndex}/${n.deviceIndex} ${n.interfaceType}`)
        .join(', ');
      lines.push('', `Launch template interfaces (card/device type): ${layout}.`);
    }
    lines.push('', 'Sources:', '');
    for (const [fact, source] of Object.entries(spec.sources)) lines.push(`- ${fact}: ${source}`);
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  // Prettier lays out the tables; it loads through a dynamic import, so only here, not in jest.
  void import('prettier').then(async ({ format, resolveConfig }) => {
    const options = (await resolveConfig(INSTANCE_TYPES_DOC)) ?? {};
    writeFileSync(INSTANCE_TYPES_DOC, await format(renderInstanceTypesDoc(), { ...options, parser: 'markdown' }));
  });
}
