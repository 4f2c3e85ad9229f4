import ipaddr from 'ipaddr.js';

/**
 * A half-open range of addresses as integers: [start, end). IPv4 and IPv6 share one number line
 * without overlapping: IPv6 addresses are 0 .. 2^128, IPv4 addresses sit above 2^128, so an
 * IPv6 rule such as ::/0 never matches an IPv4 block and the reverse.
 */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

const IPV4_BASE = 1n << 128n;

function bytesToBigint(bytes: number[]): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** Parses an IPv4 or IPv6 CIDR (host bits must be zero); undefined for anything else. */
export function rangeOf(cidr: string): AddressRange | undefined {
  if (ipaddr.IPv4.isValidCIDR(cidr)) {
    const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
    const start = bytesToBigint(addr.toByteArray());
    const size = 1n << BigInt(32 - prefix);
    if (start % size !== 0n) return undefined;
    return { start: IPV4_BASE + start, end: IPV4_BASE + start + size };
  }
  if (ipaddr.IPv6.isValidCIDR(cidr)) {
    const [addr, prefix] = ipaddr.IPv6.parseCIDR(cidr);
    const start = bytesToBigint(addr.toByteArray());
    const size = 1n << BigInt(128 - prefix);
    if (start % size !== 0n) return undefined;
    return { start, end: start + size };
  }
  return undefined;
}

export function isIpv6(range: AddressRange): boolean {
  return range.start < IPV4_BASE;
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.start < b.end && b.start < a.end;
}

export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** Cuts a range at every edge of the given ranges that falls inside it. */
export function splitRange(range: AddressRange, by: readonly AddressRange[]): AddressRange[] {
  const edges = new Set<bigint>([range.start, range.end]);
  for (const r of by) {
    if (r.start > range.start && r.start < range.end) edges.add(r.start);
    if (r.end > range.start && r.end < range.end) edges.add(r.end);
  }
  const sorted = [...edges].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.slice(1).map((end, i) => ({ start: sorted[i]!, end }));
}

export interface Matched<T> {
  readonly piece: AddressRange;
  /** Every entry of the longest prefix that covers the piece; empty when none does. */
  readonly winners: T[];
}

/** Longest-prefix match, piece by piece, of a destination range against route entries. */
export function longestPrefixMatch<T extends { readonly range: AddressRange }>(
  range: AddressRange,
  entries: readonly T[],
): Matched<T>[] {
  const relevant = entries.filter((e) => rangesOverlap(e.range, range));
  return splitRange(
    range,
    relevant.map((e) => e.range),
  ).map((piece) => {
    const covering = relevant.filter((e) => rangeContains(e.range, piece));
    const sizes = covering.map((e) => e.range.end - e.range.start);
    const smallest = sizes.reduce<bigint | undefined>((m, s) => (m === undefined || s < m ? s : m), undefined);
    return { piece, winners: covering.filter((e) => e.range.end - e.range.start === smallest) };
  });
}

export interface FirstMatched<T> {
  readonly piece: AddressRange;
  readonly rule: T | undefined;
}

/** First-match evaluation (NACLs): per piece, the lowest-numbered rule that decides it. */
export function firstMatch<T extends { readonly range: AddressRange; readonly order: number }>(
  range: AddressRange,
  rules: readonly T[],
  decides: (rule: T) => boolean,
): FirstMatched<T>[] {
  const relevant = rules.filter((r) => rangesOverlap(r.range, range) && decides(r)).sort((a, b) => a.order - b.order);
  return splitRange(
    range,
    relevant.map((r) => r.range),
  ).map((piece) => ({ piece, rule: relevant.find((r) => rangeContains(r.range, piece)) }));
}
