import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../../config/load';
import type { ColossusConfig } from '../../../config/schema';

/** The dev environment file, changed at YAML paths, then validated like any config. */
export function devVariant(edits: readonly [path: readonly (string | number)[], value: unknown][]): ColossusConfig {
  const file = join(__dirname, '..', '..', '..', 'config', 'environments', 'dev.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  return parseConfig(doc.toString(), 'dev-variant.yaml');
}
