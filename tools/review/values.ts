import diff from 'microdiff';
import { SENSITIVE, UNKNOWN, pathText, type AttributeChange } from './change-set';

/**
 * Value handling shared by both readers: masking sensitive values, marking values known
 * only after apply, and attribute diffs (microdiff does the diffing).
 */

type Json = unknown;
type Segment = string | number;

/** Attribute names that hold secrets whatever the source says (belt and braces). */
const SECRET_NAME = /(password|secret|private_key|auth_token|access_key|passphrase|credentials)/i;

export function isSecretName(segment: Segment): boolean {
  return typeof segment === 'string' && SECRET_NAME.test(segment);
}

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The marker (sensitive or unknown tree, as in plan JSON) at a path: true when any prefix is true. */
export function markedAt(marker: Json, path: readonly Segment[]): boolean {
  let node = marker;
  for (const segment of path) {
    if (node === true) return true;
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node) && typeof segment === 'string') node = node[segment];
    else return false;
  }
  return node === true;
}

/** A copy of value with every sensitive part (by marker or by name) replaced by SENSITIVE. */
export function mask(value: Json, sensitive: Json = false): Json {
  if (sensitive === true) return value === null || value === undefined ? value : SENSITIVE;
  if (Array.isArray(value)) {
    return value.map((item, i) => mask(item, Array.isArray(sensitive) ? sensitive[i] : false));
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const marker = isRecord(sensitive) ? sensitive[key] : false;
        return [key, isSecretName(key) && item !== null && item !== '' ? SENSITIVE : mask(item, marker)];
      }),
    );
  }
  return value;
}

/** A copy of value with UNKNOWN written wherever the unknown marker tree says true. */
export function withUnknowns(value: Json, unknown: Json): Json {
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(unknown)) {
    const base = Array.isArray(value) ? [...(value as Json[])] : [];
    unknown.forEach((marker, i) => {
      if (marker !== false && marker !== undefined) base[i] = withUnknowns(base[i], marker);
    });
    return base;
  }
  if (isRecord(unknown)) {
    const base: Record<string, Json> = isRecord(value) ? { ...value } : {};
    for (const [key, marker] of Object.entries(unknown)) {
      if (marker !== false && marker !== undefined) base[key] = withUnknowns(base[key], marker);
    }
    return base;
  }
  return value;
}

function valueAt(value: Json, path: readonly Segment[]): Json {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return node;
}

export interface DiffSide {
  /** The raw value, unknowns already marked. */
  readonly raw: Json;
  /** Sensitive marker tree (true, false or nested), as in plan JSON. */
  readonly sensitive: Json;
}

/**
 * Attribute changes between two sides. Diffs the raw values, so a change to a sensitive
 * value is seen, but takes every shown value from the masked copies.
 */
export function attributeChanges(
  before: DiffSide,
  after: DiffSide,
  forcing: readonly string[] = [],
): AttributeChange[] {
  const maskedBefore = mask(before.raw, before.sensitive);
  const maskedAfter = mask(after.raw, after.sensitive);
  const entries = diff(
    (isRecord(before.raw) ? before.raw : {}) as Record<string, unknown>,
    (isRecord(after.raw) ? after.raw : {}) as Record<string, unknown>,
  );
  return entries
    .filter((entry) => entry.path[0] !== '//')
    .map((entry) => {
      const path = entry.path;
      const sensitive =
        markedAt(before.sensitive, path) || markedAt(after.sensitive, path) || path.some((s) => isSecretName(s));
      const text = pathText(path);
      return {
        path: text,
        ...(entry.type !== 'CREATE' ? { before: sensitive ? SENSITIVE : valueAt(maskedBefore, path) } : {}),
        ...(entry.type !== 'REMOVE' ? { after: sensitive ? SENSITIVE : valueAt(maskedAfter, path) } : {}),
        sensitive,
        forcesReplacement: forcing.some((f) => text === f || text.startsWith(`${f}.`) || text.startsWith(`${f}[`)),
      };
    });
}
