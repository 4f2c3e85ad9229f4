import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ColossusConfig } from './schema';
import { ColossusError } from './errors';

export const ENVIRONMENTS_DIR = join(__dirname, 'environments');
export const DEFAULT_ENVIRONMENT = 'dev';

/**
 * Bounds on an environment file, checked before (or while) it is parsed so that a hostile
 * file fails in milliseconds with one clear line. prod.yaml is ~10 KB, ~400 lines, ~350 keys.
 */
export const FILE_LIMITS = {
  /** Bytes read from disk; checked from the file size before reading. */
  maxBytes: 256 * 1024,
  /** Lines; the YAML parser's cost grows with them. */
  maxLines: 10_000,
  /** Mapping keys in the whole document. */
  maxKeys: 5_000,
  /** Nesting of mappings and sequences. */
  maxDepth: 32,
  /** Alias (*name) resolutions; the yaml library's guard against "billion laughs". */
  maxAliasCount: 100,
  /** Problems printed; the rest are counted. */
  maxProblems: 40,
  /** Characters of one problem line. */
  maxProblemLength: 400,
} as const;

/** Keys that mean something to JavaScript objects; as config keys they would be lost or worse. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Bad configuration: names the file, then each field path and the rule it breaks. */
export class ConfigError extends ColossusError {
  constructor(
    readonly source: string,
    problems: readonly string[],
  ) {
    super(`invalid configuration in ${source}`, capProblems(problems));
  }
}

function capProblems(problems: readonly string[]): string[] {
  const shown = problems
    .slice(0, FILE_LIMITS.maxProblems)
    .map((p) =>
      p.length > FILE_LIMITS.maxProblemLength
        ? `${p.slice(0, FILE_LIMITS.maxProblemLength)}... (${p.length - FILE_LIMITS.maxProblemLength} more characters)`
        : p,
    );
  const rest = problems.length - shown.length;
  return rest > 0 ? [...shown, `... and ${rest} more problems`] : shown;
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
  // A variable set to nothing is a mistake, not a request for the default.
  if (source.file !== undefined) {
    if (source.file.trim() === '') {
      throw new ConfigError('COLOSSUS_CONFIG', [
        `COLOSSUS_CONFIG: is set but empty; give the path of an environment file, or unset it to use COLOSSUS_ENV`,
      ]);
    }
    return resolve(source.file);
  }
  if (source.environment !== undefined && source.environment.trim() === '') {
    throw new ConfigError('COLOSSUS_ENV', [
      `COLOSSUS_ENV: is set but empty; give an environment name (available: ${availableEnvironments().join(', ')}), or unset it for ${DEFAULT_ENVIRONMENT}`,
    ]);
  }
  const name = source.environment ?? DEFAULT_ENVIRONMENT;
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) {
    throw new ConfigError('COLOSSUS_ENV', [
      `COLOSSUS_ENV: environment name ${JSON.stringify(name.slice(0, 80))} must be lowercase letters, digits and hyphens (no paths); available: ${availableEnvironments().join(', ')}`,
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
      node =
        node && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, name)
          ? (node as Record<string, unknown>)[name]
          : undefined;
    }
  }
  return out || '(root)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], data: unknown): string[] {
  return issues.map((issue) => {
    // A bad record key says only "Invalid key in record"; the rule it broke is inside.
    const inner = issue.code === 'invalid_key' ? issue.issues.map((i) => i.message) : [];
    return `${formatPath(issue.path, data)}: ${inner.length > 0 ? inner.join('; ') : issue.message}`;
  });
}

/** YAML path of a node, for messages: environment.tags.foo, clusters[0].halls[1]. */
function yamlPath(parts: readonly (string | number)[]): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}

/**
 * Walks the parsed document once: depth, key count, duplicate keys and prototype keys,
 * each refused with the path where it happens. Linear, unlike the parser's own
 * duplicate-key check, which grows with the square of a mapping's size.
 */
function structureProblems(doc: Document, lines: LineCounter): string[] {
  const problems: string[] = [];
  let keys = 0;
  const walk = (node: unknown, path: (string | number)[], depth: number): boolean => {
    if (depth > FILE_LIMITS.maxDepth) {
      problems.push(
        `${yamlPath(path)}: nested ${depth} levels deep; at most ${FILE_LIMITS.maxDepth} levels are allowed (rule: config nesting limit)`,
      );
      return false;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        keys += 1;
        if (keys > FILE_LIMITS.maxKeys) {
          problems.push(
            `${yamlPath(path)}: the file has more than ${FILE_LIMITS.maxKeys} keys (rule: config key-count limit); an environment needs a few hundred`,
          );
          return false;
        }
        const key = isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key);
        if ((PROTOTYPE_KEYS as readonly string[]).includes(key)) {
          problems.push(
            `${yamlPath([...path, key])}: "${key}" is not allowed as a key (rule: no JavaScript prototype keys); rename it`,
          );
        }
        if (seen.has(key)) {
          const at = isScalar(pair.key) && pair.key.range ? ` at line ${lines.linePos(pair.key.range[0]).line}` : '';
          problems.push(
            `${yamlPath([...path, key])}: duplicate key "${key}"${at} (rule: keys are unique in a mapping)`,
          );
        }
        seen.add(key);
        if (!walk(pair.value, [...path, key], depth + 1)) return false;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i += 1) {
        if (!walk(node.items[i], [...path, i], depth + 1)) return false;
      }
    }
    return true;
  };
  walk(doc.contents as Node | null, [], 0);
  return problems;
}

function yamlErrorProblem(error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): string {
  const where = error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : 'an unknown position';
  // The library appends the position and a code excerpt; the message before them is the rule.
  const rule = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  if (/call stack/i.test(rule)) {
    return `(root): malformed YAML at ${where}: nested too deeply to parse (rule: config nesting limit of ${FILE_LIMITS.maxDepth} levels)`;
  }
  return `malformed YAML at ${where}: ${rule}`;
}

/**
 * The deepest nesting of flow collections ([ and {) outside quotes, with its line: found in one
 * pass, before the parser, which recurses once per level and would take a second to overflow.
 */
function flowDepth(text: string): { depth: number; line: number } {
  let depth = 0;
  let deepest = { depth: 0, line: 1 };
  let line = 1;
  let quote: string | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\n') {
      line += 1;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') comment = true;
    else if (ch === '[' || ch === '{') {
      depth += 1;
      if (depth > deepest.depth) deepest = { depth, line };
    } else if ((ch === ']' || ch === '}') && depth > 0) depth -= 1;
  }
  return deepest;
}

/** Parses and validates YAML text; source names the file in messages. */
export function parseConfig(text: string, source: string): ColossusConfig {
  const lines = text.split('\n', FILE_LIMITS.maxLines + 1).length;
  if (lines > FILE_LIMITS.maxLines) {
    throw new ConfigError(source, [
      `(root): the file has more than ${FILE_LIMITS.maxLines} lines (rule: config line limit); an environment needs a few hundred`,
    ]);
  }
  const flow = flowDepth(text);
  if (flow.depth > FILE_LIMITS.maxDepth) {
    throw new ConfigError(source, [
      `(root): brackets nested ${flow.depth} levels deep at line ${flow.line}; at most ${FILE_LIMITS.maxDepth} levels are allowed (rule: config nesting limit)`,
    ]);
  }
  let data: unknown;
  try {
    // Duplicate keys are checked below in linear time; the parser's own check is quadratic.
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter });
    const [first] = doc.errors;
    if (first) throw new ConfigError(source, [yamlErrorProblem(first)]);
    const structure = structureProblems(doc, lineCounter);
    if (structure.length > 0) throw new ConfigError(source, structure);
    data = doc.toJS({ maxAliasCount: FILE_LIMITS.maxAliasCount });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new ConfigError(source, [
        `(root): YAML aliases expand past ${FILE_LIMITS.maxAliasCount} copies (rule: alias expansion limit, against "billion laughs" files)`,
      ]);
    }
    if (error instanceof RangeError) {
      throw new ConfigError(source, [
        `(root): nested too deeply to parse (rule: config nesting limit of ${FILE_LIMITS.maxDepth} levels)`,
      ]);
    }
    if (error instanceof Error) throw new ConfigError(source, [`malformed YAML: ${error.message.split('\n')[0]}`]);
    throw error;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(source, ['(root): the file must hold a mapping with environment and clusters']);
  }
  const result = configSchema.safeParse(data);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues, data));
  configSources.set(result.data, source);
  return result.data;
}

/** The file each loaded config came from, so later checks (targets, suppressions) can name it. */
const configSources = new WeakMap<object, string>();

export function configSourceOf(config: ColossusConfig): string {
  return configSources.get(config) ?? `environment ${config.environment.name}`;
}

/**
 * Reads the file as UTF-8 text. Anything else is refused by name: too large, not a regular
 * file, UTF-16 (with or without a byte order mark), binary, or invalid UTF-8.
 */
export function readConfigText(path: string, source: string): string {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    throw new ConfigError(source, [`${source} is a folder; COLOSSUS_CONFIG must name an environment file (YAML)`]);
  }
  if (!stat.isFile()) {
    throw new ConfigError(source, [
      `${source} is not a regular file; COLOSSUS_CONFIG must name an environment file (YAML)`,
    ]);
  }
  if (stat.size > FILE_LIMITS.maxBytes) {
    throw new ConfigError(source, [
      `(root): the file is ${stat.size} bytes; at most ${FILE_LIMITS.maxBytes} are allowed (rule: config size limit)`,
    ]);
  }
  const buffer = Buffer.alloc(FILE_LIMITS.maxBytes + 1);
  const fd = openSync(path, 'r');
  let length: number;
  try {
    // Read at most one byte past the limit: the file may have grown since stat.
    length = readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  if (length > FILE_LIMITS.maxBytes) {
    throw new ConfigError(source, [`(root): the file is over ${FILE_LIMITS.maxBytes} bytes (rule: config size limit)`]);
  }
  const bytes = buffer.subarray(0, length);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new ConfigError(source, [
      `(root): the file is UTF-16 (byte order mark); save it as UTF-8 (rule: UTF-8 only)`,
    ]);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new ConfigError(source, [
      `(root): the file holds a NUL byte at offset ${nul}: binary data or UTF-16 without a byte order mark; save it as UTF-8 text (rule: UTF-8 only)`,
    ]);
  }
  try {
    // ignoreBOM false: a UTF-8 byte order mark is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(source, [`(root): the file is not valid UTF-8 text (rule: UTF-8 only)`]);
  }
}

export function loadConfig(source: ConfigSource = {}): ColossusConfig {
  const path = resolveConfigPath(source);
  if (!existsSync(path)) {
    const how =
      source.file !== undefined
        ? `COLOSSUS_CONFIG points at a file that does not exist`
        : `no environment "${source.environment ?? DEFAULT_ENVIRONMENT}"; available: ${availableEnvironments().join(', ')}`;
    throw new ConfigError(display(path), [`environment file not found: ${display(path)} (${how})`]);
  }
  return parseConfig(readConfigText(path, display(path)), display(path));
}
