import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ENVIRONMENTS_DIR } from '../../config/load';
import type { ColossusConfig } from '../../config/schema';
import { configFromYaml } from '../helpers/synth';

/** An environment file as plain data, to break one field at a time. */
export type RawConfig = {
  clusters: Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw YAML under test
};

export function rawEnvironment(name: string): RawConfig {
  return parse(readFileSync(join(ENVIRONMENTS_DIR, `${name}.yaml`), 'utf8')) as RawConfig;
}

/** Parses a mutated copy of an environment file through the real loader. */
export function configWith(name: string, mutate: (raw: RawConfig) => void): ColossusConfig {
  const raw = rawEnvironment(name);
  mutate(raw);
  return configFromYaml(stringify(raw));
}

/** The message of the ConfigError a mutated environment raises. */
export function problemsOf(name: string, mutate: (raw: RawConfig) => void): string {
  try {
    configWith(name, mutate);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the configuration to be rejected');
}
