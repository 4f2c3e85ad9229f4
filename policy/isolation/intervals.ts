import { parseIpv4Cidr } from '../../config/cidr';

/** A half-open range of IPv4 addresses as integers: [start, end). */
export interface AddressRange {
  readonly start: number;
  readonly end: number;
}

export function rangeOf(cidr: string): AddressRange | undefined {
  const block = parseIpv4Cidr(cidr);
  return block ? { start: block.start, end: block.start + block.size } : undefined;
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.start < b.end && b.start < a.end;
}

export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** Cuts a range at every edge of the given ranges that falls inside it. */
export function splitRange(range: AddressRange, by: readonly AddressRange[]): AddressRange[] {
  const edges = new Set<number>([range.start, range.end]);
  for (const r of by) {
    if (r.start > range.start && r.start < range.end) edges.add(r.start);
    if (r.end > range.start && r.end < range.end) edges.add(r.end);
  }
  const sorted = [...edges].sort((a, b) => a - b);
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
    const smallest = Math.min(...covering.map((e) => e.range.end - e.range.start));
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
