import { readFileSync } from 'node:fs';
import { INSTANCE_TYPE_NAMES } from '../../config/instance-types';
import { INSTANCE_TYPES_DOC, normalizeMarkdown, renderInstanceTypesDoc } from '../../tools/instance-types-doc';

describe('docs/instance-types.md', () => {
  it('is what config/instance-types.ts renders (regenerate: npx tsx tools/instance-types-doc.ts)', () => {
    expect(normalizeMarkdown(readFileSync(INSTANCE_TYPES_DOC, 'utf8'))).toBe(
      normalizeMarkdown(renderInstanceTypesDoc()),
    );
  });

  it('has a section for every instance type the fabric accepts', () => {
    const text = renderInstanceTypesDoc();
    for (const name of INSTANCE_TYPE_NAMES) expect(text).toContain(`## ${name}\n`);
  });
});
