import type { StackJson } from '../../policy/isolation';

/** Helpers that edit synthesized Terraform JSON in place, the way a bad change would. */

export function cloneStacks(stacks: ReadonlyMap<string, StackJson>): Map<string, StackJson> {
  return new Map([...stacks].map(([name, json]) => [name, structuredClone(json)]));
}

/**
 * The name of the one resource of a type at a construct path inside its stack. In-memory synth
 * drops metadata, so the name is rebuilt as cdktf builds it: path parts joined by "_", a part
 * dropped when the one before it ends with it, then a hash.
 */
export function nameAt(json: StackJson, type: string, path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/'))
    if (parts.length === 0 || !parts[parts.length - 1]!.endsWith(part)) parts.push(part);
  const human = parts.join('_');
  const names = Object.keys(json.resource?.[type] ?? {}).filter(
    (name) => name.startsWith(`${human}_`) && /^[0-9A-F]{8}$/.test(name.slice(human.length + 1)),
  );
  if (names.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${names.length}`);
  return names[0]!;
}

export function ref(json: StackJson, type: string, path: string, attribute = 'id'): string {
  return `\${${type}.${nameAt(json, type, path)}.${attribute}}`;
}

export function addResource(json: StackJson, type: string, name: string, body: Record<string, unknown>): string {
  json.resource ??= {};
  json.resource[type] ??= {};
  json.resource[type][name] = body;
  return `${type}.${name}`;
}

export function body(json: StackJson, type: string, path: string): Record<string, unknown> {
  return json.resource![type]![nameAt(json, type, path)]!;
}
