import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { environmentJsonSchema } from '../config/json-schema';

export const SCHEMA_PATH = join(__dirname, '..', 'config', 'environment.schema.json');

const program = new Command()
  .name('schema')
  .description('Write config/environment.schema.json from the zod schema')
  .option('--check', 'exit non-zero if the committed schema is stale, without writing')
  .parse();

const expected = environmentJsonSchema();
if (program.opts<{ check?: boolean }>().check) {
  const current = readFileSync(SCHEMA_PATH, 'utf8');
  if (current !== expected) {
    console.error('config/environment.schema.json is stale: run npm run schema');
    process.exitCode = 1;
  }
} else {
  writeFileSync(SCHEMA_PATH, expected);
  console.log(`wrote ${SCHEMA_PATH}`);
}
