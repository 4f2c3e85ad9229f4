import { DefaultTokenResolver, StringConcat, Token, Tokenization } from 'cdktf';
// cdktf's resolve itself, not Tokenization.resolve: only it takes the path its errors name.
import { resolve as cdktfResolve } from 'cdktf/lib/tokens/private/resolve';
import type { IConstruct } from 'constructs';
// cdktf's own token tests, so "might hold a token" means exactly what it means to cdktf (pinned
// at 0.21.0; test/stacks/token-resolution.test.ts compares the result with cdktf's resolve).
import {
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

/**
 * Strings already found plain. Whether a string is plain depends on its text alone, and a prod
 * synth asks 1.5 million times about 40,000 distinct strings (its keys are 2,400 names).
 */
const PLAIN = new Set<string>();
/** A bound on PLAIN, far above any environment's distinct strings: it is a cache, not a record. */
const PLAIN_LIMIT = 500_000;

function plainString(s: string): boolean {
  if (PLAIN.has(s)) return true;
  const plain =
    !s.includes(TOKEN_MARKER) &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE &&
    !NUMBER_IN_STRING.test(s);
  if (plain) {
    if (PLAIN.size >= PLAIN_LIMIT) PLAIN.clear();
    PLAIN.add(s);
  }
  return plain;
}

/**
 * cdktf encodes a number token as a double whose top 16 bits are 0xfdff (a string's) or 0xfbff (a
 * list's) (encoding.js): sign set and an exponent of 2^992 or 2^960, so every token is below
 * -1e288. Anything above -1e280 is told plain without decoding its bits.
 */
const BELOW_EVERY_NUMBER_TOKEN = -1e280;

function plainNumber(n: number): boolean {
  if (n > BELOW_EVERY_NUMBER_TOKEN) return n !== Token.NUMBER_MAP_TOKEN_VALUE;
  return n !== Token.NUMBER_MAP_TOKEN_VALUE && extractTokenDouble(n, false) === undefined;
}

/** An element a list token could be: a string holding a marker, or a number in the tokens' range. */
function markedElement(x: unknown): boolean {
  return (typeof x === 'string' && !plainString(x)) || (typeof x === 'number' && !(x > BELOW_EVERY_NUMBER_TOKEN));
}

/**
 * Something cdktf would not walk as plain data: a token or a construct. (A map token is a key
 * holding a marker: its object's keys are not all plain, and it goes to cdktf for that.)
 */
function special(value: object): boolean {
  return Tokenization.isResolvable(value) || ('_children' in value && '_metadata' in value);
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
      // cdktf's own list-token tests, asked only when some element could be one.
      if (v.some(markedElement) && (containsStringListTokenElement(v) || containsNumberListTokenElement(v)))
        return delegate(v);
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
