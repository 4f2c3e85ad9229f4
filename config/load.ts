import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ColossusConfig } from './schema';
import { ColossusError } from './errors';

export const ENVIRONMENTS_DIR = join(__dirname, 'environments');
export const DEFAULT_ENVIRONMENT = 'dev';

/** Bad configuration: names the file, then each field path and the rule it breaks. */
export class ConfigError extends ColossusError {
  constructor(
    readonly source: string,
    problems: readonly string[],
  ) {
    super(`invalid configuration in ${source}`, problems);
  }
}

export interface ConfigSource {
  /** An environment name under config/environments/ (COLOSSUS_ENV). */
  readonly environment?: string | undefined;
  /** Any YAML file; wins over environment (COLOSSUS_CONFIG). */
  readonly file?: string | undefined;
}

export function availableEnvironments(): string[] {
  return readdirSync(ENVIRONMENTS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

export function resolveConfigPath(source: ConfigSource): string {
  if (source.file) return resolve(source.file);
  const name = source.environment || DEFAULT_ENVIRONMENT;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new ConfigError(`environment "${name}"`, [
      `environment name "${name}" must be lowercase letters, digits and hyphens; available: ${availableEnvironments().join(', ')}`,
    ]);
  }
  return join(ENVIRONMENTS_DIR, `${name}.yaml`);
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** Renders a zod path with ids where the array element has one: clusters[colossus-1].halls[hall-a]. */
export function formatPath(path: readonly PropertyKey[], data: unknown): string {
  let out = '';
  let node: unknown = data;
  for (const key of path) {
    if (typeof key === 'number') {
      const element = Array.isArray(node) ? (node[key] as unknown) : undefined;
      const id =
        element && typeof element === 'object' && 'id' in element && typeof element.id === 'string'
          ? element.id
          : undefined;
      out += id ? `[${id}]` : `[${key}]`;
      node = element;
    } else {
      const name = String(key);
      out += out ? `.${name}` : name;
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[name] : undefined;
    }
  }
  return out || '(root)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], data: unknown): string[] {
  return issues.map((issue) => `${formatPath(issue.path, data)}: ${issue.message}`);
}

/** Parses and validates YAML text; source names the file in messages. */
export function parseConfig(text: string, source: string): ColossusConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const where = first.linePos
      ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}`
      : 'an unknown position';
    // The library appends the position and a code excerpt; the message before them is the rule.
    const rule = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(source, [`malformed YAML at ${where}: ${rule}`]);
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(source, ['(root): the file must hold a mapping with environment and clusters']);
  }
  const result = configSchema.safeParse(data);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues, data));
  return result.data;
}

export function loadConfig(source: ConfigSource = {}): ColossusConfig {
  const path = resolveConfigPath(source);
  if (!existsSync(path)) {
    const how = source.file
      ? `COLOSSUS_CONFIG points at a file that does not exist`
      : `no environment "${source.environment || DEFAULT_ENVIRONMENT}"; available: ${availableEnvironments().join(', ')}`;
    throw new ConfigError(display(path), [`environment file not found: ${display(path)} (${how})`]);
  }
  return parseConfig(readFileSync(path, 'utf8'), display(path));
}
