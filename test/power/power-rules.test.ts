import { loadConfig } from '../../config/load';
import {
  batteryEnergy,
  designLoadPercent,
  domainLoadKw,
  feedsCapacityKw,
  hallItLoadKw,
  powerDomains,
  redundancyLimitPercent,
} from '../../config/power';
import { problemsOf } from '../resilience/config-mutation';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];

describe('power arithmetic', () => {
  const prod = loadConfig({ environment: 'prod' });

  it('plans a hall at full build-out: SUs x racks per SU x kW per rack', () => {
    for (const cluster of prod.clusters) {
      for (const hall of cluster.halls) {
        expect(hallItLoadKw(cluster, hall)).toBe(
          hall.scalableUnits * cluster.fabric.racksPerScalableUnit * cluster.power.rackKw,
        );
      }
    }
  });

  it('groups feeds that serve the same halls into one domain, whatever the listing order', () => {
    const domains = powerDomains({
      ...prod.clusters[0]!.power,
      feeds: [
        { id: 'a', capacityMw: 1, halls: ['h1', 'h2'], batteryMwh: 1 },
        { id: 'b', capacityMw: 2, halls: ['h2', 'h1'], batteryMwh: 1 },
        { id: 'c', capacityMw: 3, halls: ['h3'], batteryMwh: 1 },
      ],
    });
    expect(domains.map((d) => [d.hallIds, d.feeds.map((f) => f.id)])).toEqual([
      [
        ['h1', 'h2'],
        ['a', 'b'],
      ],
      [['h3'], ['c']],
    ]);
  });

  it('puts the redundancy limit at the load the domain carries without its largest feed', () => {
    const domain = {
      hallIds: ['h'],
      feeds: [
        { id: 'a', capacityMw: 100, halls: ['h'], batteryMwh: 1 },
        { id: 'b', capacityMw: 100, halls: ['h'], batteryMwh: 1 },
        { id: 'c', capacityMw: 200, halls: ['h'], batteryMwh: 1 },
      ],
    };
    expect(feedsCapacityKw(domain.feeds)).toBe(400_000);
    expect(redundancyLimitPercent(domain)).toBe(50);
  });

  it('counts only the battery energy above the minimum charge', () => {
    const power = prod.clusters[0]!.power;
    const feed = { id: 'f', capacityMw: 60, halls: ['h'], batteryMwh: 10 };
    const { usableMwh, neededMwh } = batteryEnergy(power, feed);
    expect(usableMwh).toBeCloseTo(10 * (1 - power.battery.minStateOfChargePercent / 100));
    expect(neededMwh).toBeCloseTo((60 * power.battery.rideThroughMinutes) / 60);
  });

  it.each(ENVIRONMENTS)('%s: every domain survives losing its largest feed, below the warn threshold', (name) => {
    const config = loadConfig({ environment: name });
    for (const cluster of config.clusters) {
      for (const domain of powerDomains(cluster.power)) {
        const largest = Math.max(...domain.feeds.map((f) => f.capacityMw * 1000));
        expect(feedsCapacityKw(domain.feeds) - largest).toBeGreaterThanOrEqual(domainLoadKw(cluster, domain));
        expect(designLoadPercent(cluster, domain)).toBeLessThan(cluster.power.loadWarnPercent);
        expect(cluster.power.loadCriticalPercent).toBeLessThanOrEqual(redundancyLimitPercent(domain) + 1e-9);
      }
      // Every hall is in exactly one domain.
      const served = powerDomains(cluster.power).flatMap((d) => d.hallIds);
      expect([...served].sort()).toEqual(cluster.halls.map((h) => h.id).sort());
    }
  });
});

describe('power invariants reject a config built to break them', () => {
  // dev: colossus-1 is 2N (feed-a, feed-b), colossus-2 is N+1 (feed-1..3); one hall each.
  it('2N: a feed that cannot carry its halls alone', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.feeds[1].capacityMw = 0.1;
      }),
    ).toContain(
      'clusters[colossus-1].power.feeds[feed-b].capacityMw: under 2N, feed feed-b alone must carry the full IT load of hall-a (0.17 MW) but its capacity is 0.10 MW',
    );
  });

  it('N+1: the remaining feeds cannot carry the load after losing one', () => {
    expect(
      problemsOf('dev', (raw) => {
        for (const feed of raw.clusters[1]!.power.feeds) feed.capacityMw = 0.13;
      }),
    ).toContain(
      'clusters[colossus-2].power.feeds[feed-1].capacityMw: under N+1, losing feed feed-1 leaves 0.26 MW for the IT load of hall-a (0.26 MW); the remaining feeds must carry the load',
    );
  });

  it('a feed naming a hall that does not exist', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.feeds[0].halls = ['hall-z'];
      }),
    ).toContain('clusters[colossus-1].power.feeds[feed-a].halls[0]: unknown hall "hall-z"; known halls: hall-a');
  });

  it('a duplicate feed id', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.feeds[1].id = 'feed-a';
      }),
    ).toContain('duplicate feed id "feed-a" (first used at feeds[0]); feed ids must be unique in a cluster');
  });

  it('a hall with a single feed, and feeds that share a hall but not the others', () => {
    const message = problemsOf('staging', (raw) => {
      raw.clusters[0]!.power.feeds[1].halls = ['hall-a'];
    });
    expect(message).toContain(
      'clusters[colossus-1].halls[hall-b].id: hall hall-b is served by 1 feed(s) (feed-a); every hall needs at least 2 feeds for 2N redundancy',
    );
    expect(message).toContain(
      'clusters[colossus-1].halls[hall-a].id: hall hall-a is served by feeds with different hall lists (feed-a -> hall-a,hall-b; feed-b -> hall-a); feeds that share a hall must serve the same halls',
    );
  });

  it('a single feed', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.feeds.pop();
      }),
    ).toContain('clusters[colossus-1].power.feeds: needs at least 2 feeds: one feed cannot be redundant');
  });

  it('an unknown redundancy mode', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.redundancy = '3N';
      }),
    ).toContain('clusters[colossus-1].power.redundancy: unknown redundancy mode "3N"; known modes: 2N, N+1');
  });

  it('a load warn threshold that is not below the critical one', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.loadWarnPercent = 50;
      }),
    ).toContain(
      'clusters[colossus-1].power.loadWarnPercent: warn threshold 50% must be below the critical threshold 50%',
    );
  });

  it('a critical threshold that would page only after redundancy is gone', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.loadCriticalPercent = 60;
      }),
    ).toContain(
      'clusters[colossus-1].power.loadCriticalPercent: critical threshold 60% is above 50.0%, the load at which feeds feed-a, feed-b can no longer lose one feed; the page must come before redundancy is lost',
    );
  });

  it('a warn threshold the design load already exceeds', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.loadWarnPercent = 30;
      }),
    ).toContain(
      'clusters[colossus-1].power.loadWarnPercent: feeds feed-a, feed-b run at 34.0% with their halls at full build-out, at or above the warn threshold 30%; the alarm would never clear',
    );
  });

  it('a battery warn level at or below the minimum charge', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.battery.warnStateOfChargePercent = 20;
      }),
    ).toContain(
      'clusters[colossus-1].power.battery.warnStateOfChargePercent: warn state of charge 20% must be above the minimum 20% (charge falls: the warning comes first)',
    );
  });

  it('a battery too small to ride through until the generators start', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.power.feeds[0].batteryMwh = 0.04;
      }),
    ).toContain(
      'clusters[colossus-1].power.feeds[feed-a].batteryMwh: battery of feed feed-a holds 0.03 MWh above the 20% minimum charge but carrying 0.25 MW for 10 min needs 0.04 MWh',
    );
  });
});
