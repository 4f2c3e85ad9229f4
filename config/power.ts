import { z } from 'zod';
import type { ClusterConfig, FabricConfig, HallConfig } from './schema';

/**
 * Power: the feeds that supply the halls, how they back each other up, the rack load they
 * carry and the battery (UPS/BESS) behind each feed. Loads are planned for the full build-out
 * of a hall, spare SUs included: a spare SU is installed hardware that failover powers on.
 */

const feedSlug = z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, {
  message: 'must be lowercase letters, digits and hyphens (2-32 chars, starting with a letter)',
});

// Strictly inside (0, 100): at 100 a threshold never fires and margins divide by zero.
const percent = z
  .number()
  .gt(0, { message: 'must be above 0 (a percentage strictly between 0 and 100)' })
  .lt(100, { message: 'must be below 100 (a percentage strictly between 0 and 100)' });

export const REDUNDANCY_MODES = ['2N', 'N+1'] as const;

/**
 * A composite alarm takes at most 100 child alarms (CloudWatch quota). The cluster's
 * "redundancy lost" alarm watches three alarms per feed.
 */
export const REDUNDANCY_CHILDREN_PER_FEED = 3;
export const MAX_FEEDS_PER_CLUSTER = Math.floor(100 / REDUNDANCY_CHILDREN_PER_FEED);

export const feedSchema = z.strictObject({
  id: feedSlug,
  capacityMw: z.number().positive().describe('Rated capacity of the feed (utility service, switchgear and UPS)'),
  halls: z.array(feedSlug).min(1).describe('Halls this feed supplies'),
  batteryMwh: z.number().positive().describe('Energy of the battery (UPS/BESS) behind this feed'),
});

export const powerSchema = z.strictObject({
  redundancy: z.enum(REDUNDANCY_MODES, {
    error: (issue) => `unknown redundancy mode ${JSON.stringify(issue.input)}; known modes: 2N, N+1`,
  }),
  rackKw: z.number().positive().describe('IT load of one rack at full power, in kW'),
  feeds: z
    .array(feedSchema)
    .min(2, { message: 'needs at least 2 feeds: one feed cannot be redundant' })
    .max(MAX_FEEDS_PER_CLUSTER, {
      message: `at most ${MAX_FEEDS_PER_CLUSTER} feeds: the cluster "redundancy lost" composite alarm watches ${REDUNDANCY_CHILDREN_PER_FEED} alarms per feed and CloudWatch allows 100`,
    }),
  loadWarnPercent: percent.describe('Feed load (percent of capacity) that opens a ticket'),
  loadCriticalPercent: percent.describe('Feed load (percent of capacity) that pages'),
  battery: z.strictObject({
    minStateOfChargePercent: percent.describe('Below this the battery pages; energy below it is never counted'),
    warnStateOfChargePercent: percent.describe('Below this the battery opens a ticket'),
    rideThroughMinutes: z
      .number()
      .positive()
      .describe('Minutes the battery must carry its feed at rated capacity, until generators take the load'),
  }),
});

export type PowerConfig = z.output<typeof powerSchema>;
export type FeedConfig = PowerConfig['feeds'][number];
export type RedundancyMode = PowerConfig['redundancy'];

export function racksInHall(hall: HallConfig, fabric: FabricConfig): number {
  return hall.scalableUnits * fabric.racksPerScalableUnit;
}

export function scalableUnitKw(cluster: Pick<ClusterConfig, 'fabric' | 'power'>): number {
  return cluster.fabric.racksPerScalableUnit * cluster.power.rackKw;
}

/** IT load of a hall at full build-out, spare SUs included. */
export function hallItLoadKw(cluster: Pick<ClusterConfig, 'fabric' | 'power'>, hall: HallConfig): number {
  return hall.scalableUnits * scalableUnitKw(cluster);
}

/**
 * A power domain: feeds that serve exactly the same halls, and those halls. Any feed of a
 * domain can stand in for another, so capacity after a failure is the sum of the survivors.
 */
export interface PowerDomain {
  readonly hallIds: readonly string[];
  readonly feeds: readonly FeedConfig[];
}

export function powerDomains(power: PowerConfig): PowerDomain[] {
  const byHalls = new Map<string, { hallIds: string[]; feeds: FeedConfig[] }>();
  for (const feed of power.feeds) {
    const hallIds = [...new Set(feed.halls)].sort();
    const key = hallIds.join(',');
    const domain = byHalls.get(key) ?? { hallIds, feeds: [] };
    domain.feeds.push(feed);
    byHalls.set(key, domain);
  }
  return [...byHalls.values()];
}

export function domainLoadKw(cluster: ClusterConfig, domain: PowerDomain): number {
  return cluster.halls
    .filter((hall) => domain.hallIds.includes(hall.id))
    .reduce((sum, hall) => sum + hallItLoadKw(cluster, hall), 0);
}

export function feedsCapacityKw(feeds: readonly FeedConfig[]): number {
  return feeds.reduce((sum, feed) => sum + feed.capacityMw * 1000, 0);
}

/**
 * The highest steady feed load, in percent, from which losing any one feed of the domain
 * is still survivable. Feeds share load in proportion to capacity, so every feed reads the
 * same percentage: the load the domain can carry without its largest feed, over the total.
 */
export function redundancyLimitPercent(domain: PowerDomain): number {
  const total = feedsCapacityKw(domain.feeds);
  const largest = Math.max(...domain.feeds.map((f) => f.capacityMw * 1000));
  return ((total - largest) / total) * 100;
}

/** Steady feed load, in percent of capacity, with the domain's halls at full build-out. */
export function designLoadPercent(cluster: ClusterConfig, domain: PowerDomain): number {
  return (domainLoadKw(cluster, domain) / feedsCapacityKw(domain.feeds)) * 100;
}

/** Usable battery energy (above the minimum state of charge), against the energy ride-through needs. */
export function batteryEnergy(power: PowerConfig, feed: FeedConfig): { usableMwh: number; neededMwh: number } {
  return {
    usableMwh: feed.batteryMwh * (1 - power.battery.minStateOfChargePercent / 100),
    neededMwh: (feed.capacityMw * power.battery.rideThroughMinutes) / 60,
  };
}

type Path = (string | number)[];
interface Problem {
  readonly path: Path;
  readonly message: string;
}

const mw = (kw: number): string => `${(kw / 1000).toFixed(2)} MW`;
const pct = (value: number): string => `${value.toFixed(1)}%`;

/** Power invariants: every feed's halls exist, redundancy holds, thresholds are ordered and useful. */
export function checkPowerRules(cluster: ClusterConfig, base: Path): Problem[] {
  const problems: Problem[] = [];
  const { power } = cluster;
  const at = (...rest: Path): Path => [...base, 'power', ...rest];
  const hallIds = new Set(cluster.halls.map((h) => h.id));
  const feedIndex = new Map(power.feeds.map((feed, index) => [feed, index]));

  const seenFeeds = new Map<string, number>();
  power.feeds.forEach((feed, index) => {
    const first = seenFeeds.get(feed.id);
    if (first !== undefined) {
      problems.push({
        path: at('feeds', index, 'id'),
        message: `duplicate feed id "${feed.id}" (first used at feeds[${first}]); feed ids must be unique in a cluster`,
      });
    } else seenFeeds.set(feed.id, index);
    feed.halls.forEach((hallId, hallIndex) => {
      if (!hallIds.has(hallId)) {
        problems.push({
          path: at('feeds', index, 'halls', hallIndex),
          message: `unknown hall "${hallId}"; known halls: ${[...hallIds].join(', ')}`,
        });
      }
    });
  });
  if (problems.length > 0) return problems;

  // Every hall needs two feeds, and feeds that share a hall must share all of them:
  // otherwise who picks up a lost feed's load depends on the others' loads.
  const domains = powerDomains(power);
  cluster.halls.forEach((hall, index) => {
    const serving = domains.filter((d) => d.hallIds.includes(hall.id));
    const feeds = serving.flatMap((d) => d.feeds);
    if (feeds.length < 2) {
      problems.push({
        path: [...base, 'halls', index, 'id'],
        message: `hall ${hall.id} is served by ${feeds.length} feed(s)${feeds.length ? ` (${feeds.map((f) => f.id).join(', ')})` : ''}; every hall needs at least 2 feeds for ${power.redundancy} redundancy`,
      });
    }
    if (serving.length > 1) {
      problems.push({
        path: [...base, 'halls', index, 'id'],
        message: `hall ${hall.id} is served by feeds with different hall lists (${serving.map((d) => `${d.feeds.map((f) => f.id).join('+')} -> ${d.hallIds.join(',')}`).join('; ')}); feeds that share a hall must serve the same halls`,
      });
    }
  });
  if (problems.length > 0) return problems;

  for (const domain of domains) {
    const loadKw = domainLoadKw(cluster, domain);
    const halls = domain.hallIds.join(', ');
    if (power.redundancy === '2N') {
      for (const feed of domain.feeds) {
        if (feed.capacityMw * 1000 < loadKw) {
          problems.push({
            path: at('feeds', feedIndex.get(feed) ?? 0, 'capacityMw'),
            message: `under 2N, feed ${feed.id} alone must carry the full IT load of ${halls} (${mw(loadKw)}) but its capacity is ${mw(feed.capacityMw * 1000)}`,
          });
        }
      }
    } else {
      const largest = domain.feeds.reduce((a, b) => (b.capacityMw > a.capacityMw ? b : a));
      const survivingKw = feedsCapacityKw(domain.feeds) - largest.capacityMw * 1000;
      if (survivingKw < loadKw) {
        problems.push({
          path: at('feeds', feedIndex.get(largest) ?? 0, 'capacityMw'),
          message: `under N+1, losing feed ${largest.id} leaves ${mw(survivingKw)} for the IT load of ${halls} (${mw(loadKw)}); the remaining feeds must carry the load`,
        });
      }
    }
  }

  if (power.loadWarnPercent >= power.loadCriticalPercent) {
    problems.push({
      path: at('loadWarnPercent'),
      message: `warn threshold ${power.loadWarnPercent}% must be below the critical threshold ${power.loadCriticalPercent}%`,
    });
  }
  for (const domain of domains) {
    const limit = redundancyLimitPercent(domain);
    const design = designLoadPercent(cluster, domain);
    const names = domain.feeds.map((f) => f.id).join(', ');
    if (power.loadCriticalPercent > limit + 1e-9) {
      problems.push({
        path: at('loadCriticalPercent'),
        message: `critical threshold ${power.loadCriticalPercent}% is above ${pct(limit)}, the load at which feeds ${names} can no longer lose one feed; the page must come before redundancy is lost`,
      });
    }
    if (design >= power.loadWarnPercent) {
      problems.push({
        path: at('loadWarnPercent'),
        message: `feeds ${names} run at ${pct(design)} with their halls at full build-out, at or above the warn threshold ${power.loadWarnPercent}%; the alarm would never clear`,
      });
    }
  }

  const { battery } = power;
  if (battery.warnStateOfChargePercent <= battery.minStateOfChargePercent) {
    problems.push({
      path: at('battery', 'warnStateOfChargePercent'),
      message: `warn state of charge ${battery.warnStateOfChargePercent}% must be above the minimum ${battery.minStateOfChargePercent}% (charge falls: the warning comes first)`,
    });
  }
  power.feeds.forEach((feed, index) => {
    const { usableMwh, neededMwh } = batteryEnergy(power, feed);
    if (usableMwh < neededMwh) {
      problems.push({
        path: at('feeds', index, 'batteryMwh'),
        message: `battery of feed ${feed.id} holds ${usableMwh.toFixed(2)} MWh above the ${battery.minStateOfChargePercent}% minimum charge but carrying ${feed.capacityMw} MW for ${battery.rideThroughMinutes} min needs ${neededMwh.toFixed(2)} MWh`,
      });
    }
  });
  return problems;
}
