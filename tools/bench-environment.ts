import ipaddr from 'ipaddr.js';
import { parse, stringify } from 'yaml';

/** `cidr` one bit shorter (twice the addresses), for the scaled environment's larger blocks. */
function prefixOf(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

/**
 * Hands out aligned blocks of a supernet in order: the scaled environment re-addresses each
 * cluster, since twice the nodes no longer fit the blocks the real plan gave them.
 */
function allocator(supernet: string): (prefix: number) => string {
  const [base, bits] = ipaddr.IPv4.parseCIDR(supernet);
  const start = ipaddr.IPv4.networkAddressFromCIDR(`${base.toString()}/${bits}`).toByteArray();
  let cursor = start.reduce((n, b) => n * 256 + b, 0);
  const end = cursor + 2 ** (32 - bits);
  return (prefix) => {
    const size = 2 ** (32 - prefix);
    cursor = Math.ceil(cursor / size) * size;
    if (cursor + size > end) throw new Error(`the scaled environment does not fit ${supernet}`);
    const address = [24, 16, 8, 0].map((shift) => Math.floor(cursor / 2 ** shift) % 256).join('.');
    cursor += size;
    return `${address}/${prefix}`;
  };
}

/**
 * The benchmark's scaled environment: the given one with every hall twice. Each copy of a hall
 * (id "<hall>-2", same zone and size) gets a fabric block of its own in the cluster's supernet,
 * and copies of the power feeds that serve it. Tenants keep their allocations, so the added SUs
 * are spare capacity. Twice the SUs, halls and hall stacks: what "synth cost is linear in SUs"
 * is measured against.
 */
export function scaledEnvironment(yamlText: string, name: string): string {
  const doc = parse(yamlText) as {
    environment: { name: string; backend?: { bucket?: string; keyPrefix?: string } };
    clusters: {
      addressPlan: { supernet: string; platformCidr: string };
      halls: { id: string; fabricCidr: string }[];
      tenants?: { cidr: string }[];
      power: { feeds: { id: string; halls: string[] }[] };
    }[];
  };
  doc.environment.name = name;
  const backend = doc.environment.backend;
  if (backend?.bucket) backend.bucket = `${backend.bucket}-${name}`;
  if (backend?.keyPrefix) backend.keyPrefix = `${backend.keyPrefix}-${name}`;
  for (const cluster of doc.clusters) {
    const next = allocator(cluster.addressPlan.supernet);
    // Every block is handed out again, in order: the copies need room the real plan left to others.
    cluster.addressPlan.platformCidr = next(prefixOf(cluster.addressPlan.platformCidr));
    const copies = cluster.halls.map((h) => ({ ...h, id: `${h.id}-2` }));
    cluster.halls = [...cluster.halls, ...copies];
    for (const hall of cluster.halls) hall.fabricCidr = next(prefixOf(hall.fabricCidr));
    for (const tenant of cluster.tenants ?? []) tenant.cidr = next(prefixOf(tenant.cidr));
    cluster.power.feeds = [
      ...cluster.power.feeds,
      ...cluster.power.feeds.map((f) => ({ ...f, id: `${f.id}-2`, halls: f.halls.map((h) => `${h}-2`) })),
    ];
  }
  return stringify(doc);
}

/**
 * The scaled synth's time over prod's, run by run, for runs made in alternation: each pair ran
 * back to back at about the same machine speed. Their median is the linearity figure.
 */
export function runRatios(scaled: readonly number[], prod: readonly number[]): number[] {
  if (scaled.length !== prod.length || prod.length === 0)
    throw new Error(`runRatios needs as many scaled runs as prod runs (got ${scaled.length} and ${prod.length})`);
  return scaled.map((seconds, i) => Math.round((seconds / prod[i]!) * 1000) / 1000);
}
