import { z } from 'zod';
import { configSchema } from './schema';

/** The JSON Schema editors use to check environment files as they are typed. */
export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'colossus-infra environment' }, null, 2)}\n`;
}
