import ipaddr from 'ipaddr.js';

/** An IPv4 block as integers, so containment and overlap are plain arithmetic. */
export interface Ipv4Block {
  readonly cidr: string;
  readonly start: number;
  readonly size: number;
  readonly prefix: number;
}

function toInt(addr: ipaddr.IPv4): number {
  return addr.octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function fromInt(value: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return octets.join('.');
}

/** Parses "a.b.c.d/n"; returns undefined for anything else, including host bits set. */
export function parseIpv4Cidr(cidr: string): Ipv4Block | undefined {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) return undefined;
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const start = toInt(addr);
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) return undefined;
  return { cidr, start, size, prefix };
}

export function isCanonicalIpv4Cidr(cidr: string): boolean {
  return parseIpv4Cidr(cidr) !== undefined;
}

function block(cidr: string): Ipv4Block {
  const parsed = parseIpv4Cidr(cidr);
  if (!parsed) throw new Error(`not a canonical IPv4 CIDR: ${cidr}`);
  return parsed;
}

export function cidrContains(outer: string, inner: string): boolean {
  const a = block(outer);
  const b = block(inner);
  return b.start >= a.start && b.start + b.size <= a.start + a.size;
}

export function cidrsOverlap(x: string, y: string): boolean {
  const a = block(x);
  const b = block(y);
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

export function cidrSize(cidr: string): number {
  return block(cidr).size;
}

/** Terraform's cidrsubnet(): the netnum-th block of prefix+newbits inside cidr. */
export function cidrSubnet(cidr: string, newbits: number, netnum: number): string {
  const parent = block(cidr);
  const prefix = parent.prefix + newbits;
  if (prefix > 32) throw new Error(`${cidr} cannot be split by ${newbits} more bits`);
  if (netnum < 0 || netnum >= 2 ** newbits) {
    throw new Error(`${cidr} has no subnet number ${netnum} at /${prefix}`);
  }
  return `${fromInt(parent.start + netnum * 2 ** (32 - prefix))}/${prefix}`;
}

/** Addresses AWS reserves in every subnet (network, router, DNS, future, broadcast). */
export const AWS_RESERVED_PER_SUBNET = 5;
