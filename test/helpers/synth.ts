import { Testing, type TerraformStack } from 'cdktf';
import { loadConfig } from '../../config/load';
import { parseConfig } from '../../config/load';
import type { ColossusConfig } from '../../config/schema';
import { buildStacks } from '../../stacks/build';

/** A synthesized stack as Terraform JSON. */
export interface SynthJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, unknown>;
  provider?: Record<string, unknown[]>;
}

export interface SynthesizedEnvironment {
  readonly config: ColossusConfig;
  readonly stacks: Map<string, SynthJson>;
}

export function synthStack(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

/** Builds and synthesizes every stack of a config in memory. */
export function synthConfig(config: ColossusConfig): SynthesizedEnvironment {
  const app = Testing.app();
  const stacks = new Map<string, SynthJson>();
  for (const stack of buildStacks(app, config)) stacks.set(stack.node.id, synthStack(stack));
  return { config, stacks };
}

export function synthEnvironment(environment: string): SynthesizedEnvironment {
  return synthConfig(loadConfig({ environment }));
}

export function configFromYaml(text: string): ColossusConfig {
  return parseConfig(text, 'test.yaml');
}

/** All resources of one type in a synthesized stack, by name. */
export function resourcesOf(json: SynthJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

export function resourceCount(json: SynthJson): number {
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

/** The Terraform reference to the only resource of a type: ${type.name.attribute}. */
export function refTo(json: SynthJson, type: string, attribute: string): string {
  const names = Object.keys(resourcesOf(json, type));
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return `\${${type}.${names[0]}.${attribute}}`;
}
