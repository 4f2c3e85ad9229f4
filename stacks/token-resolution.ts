import { DefaultTokenResolver, StringConcat, Token, Tokenization } from 'cdktf';
// cdktf's resolve itself, not Tokenization.resolve: only it takes the path its errors name.
import { resolve as cdktfResolve } from 'cdktf/lib/tokens/private/resolve';
import type { IConstruct } from 'constructs';
// cdktf's own token tests, so "might hold a token" means exactly what it means to cdktf (pinned
// at 0.21.0; test/stacks/token-resolution.test.ts compares the result with cdktf's resolve).
import {
  containsMapToken,
  containsNumberListTokenElement,
  containsStringListTokenElement,
  extractTokenDouble,
} from 'cdktf/lib/tokens/private/encoding';

/** The resolver cdktf's own synth uses (cdktf/lib/_tokens.js). */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Any of cdktf's string, list or map token markers: `${TfToken[`, `#{TfToken[`, `&{TfToken[`. */
const TOKEN_MARKER = '{TfToken[';

/** The pattern cdktf looks for in a string to find numbers that are tokens (encoding.js). */
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;

function plainString(s: string): boolean {
  return (
    !s.includes(TOKEN_MARKER) &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE &&
    !NUMBER_IN_STRING.test(s)
  );
}

function plainNumber(n: number): boolean {
  return n !== Token.NUMBER_MAP_TOKEN_VALUE && extractTokenDouble(n, false) === undefined;
}

/** Something cdktf would not walk as plain data: a token, a construct, a function. */
function special(value: object): boolean {
  return (
    Tokenization.isResolvable(value) ||
    containsMapToken(value as Record<string, unknown>) ||
    ('_children' in value && '_metadata' in value)
  );
}

/**
 * What cdktf's resolve returns for a value, computed by walking plain data directly and handing
 * cdktf only the parts that may hold a token.
 *
 * cdktf's resolve builds a context (two closures and a copied path) for every key and value it
 * visits, tokens or not. A prod compute stack is almost all plain data (a launch template's 32
 * network interfaces), so that walk, not the tokens, was half of prod's synth. Whatever might be
 * a token (by cdktf's own tests), and whatever would make cdktf throw, goes to cdktf's resolve
 * unchanged, so tokens resolve and errors read exactly as before. The plain walk does what
 * cdktf's does: undefined values leave objects and arrays, and nothing else changes.
 *
 * `strings` remembers what each token-bearing string resolved to; pass one map for a whole stack
 * (its 32 network interfaces per node name the same subnet and groups 32 times).
 */
export function resolveTokens<T>(scope: IConstruct, value: T, strings: Map<string, unknown> = new Map()): T {
  // The keys down to the value being walked, for cdktf's error messages ("at '/a/0/b'").
  const path: string[] = [];
  const delegate = (v: unknown): unknown =>
    cdktfResolve(v, { scope, preparing: false, resolver: RESOLVER, prefix: [...path] }) as unknown;
  const walk = (v: unknown): unknown => {
    switch (typeof v) {
      case 'string': {
        if (plainString(v)) return v;
        // A string resolves the same wherever it stands in one stack (no token here sets context).
        if (strings.has(v)) return strings.get(v);
        const resolved = delegate(v);
        // Only a primitive is shared: an object would be one object in several places of the JSON.
        if (typeof resolved !== 'object') strings.set(v, resolved);
        return resolved;
      }
      case 'number':
        return plainNumber(v) ? v : delegate(v);
      case 'object':
        break;
      case 'function':
        return delegate(v);
      default:
        return v;
    }
    if (v === null || v instanceof Date) return v;
    if (Array.isArray(v)) {
      if (containsStringListTokenElement(v) || containsNumberListTokenElement(v)) return delegate(v);
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        path.push(String(i));
        const r = walk(v[i]);
        path.pop();
        if (r !== undefined) out.push(r);
      }
      return out;
    }
    if (special(v)) return delegate(v);
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    if (!keys.every(plainString)) return delegate(v);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      path.push(key);
      const r = walk(record[key]);
      path.pop();
      if (r !== undefined) out[key] = r;
    }
    return out;
  };
  return walk(value) as T;
}
