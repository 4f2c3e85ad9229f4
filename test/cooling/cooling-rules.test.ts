import { loadConfig } from '../../config/load';
import { ASHRAE_LIQUID_CLASSES, cduIds, coolingCapacityKw, hallLiquidHeatKw } from '../../config/cooling';
import { hallItLoadKw } from '../../config/power';
import { problemsOf } from '../resilience/config-mutation';

describe('cooling arithmetic', () => {
  it('names CDUs cdu-01 upwards, one per configured CDU', () => {
    expect(cduIds({ cdusPerHall: 3 })).toEqual(['cdu-01', 'cdu-02', 'cdu-03']);
    expect(cduIds({ cdusPerHall: 12 })).toHaveLength(12);
  });

  it.each(['dev', 'staging', 'prod'])(
    '%s: every hall keeps enough cooling after losing any one CDU, within its W-class',
    (name) => {
      const config = loadConfig({ environment: name });
      for (const cluster of config.clusters) {
        const { cooling } = cluster;
        for (const hall of cluster.halls) {
          const heat = hallLiquidHeatKw(cluster, hall);
          expect(heat).toBeCloseTo(hallItLoadKw(cluster, hall) * cooling.liquidHeatFraction);
          expect(coolingCapacityKw(cooling, 1)).toBeGreaterThanOrEqual(heat);
        }
        expect(cooling.supply.warnC).toBeLessThan(cooling.supply.criticalC);
        expect(cooling.return.warnC).toBeLessThan(cooling.return.criticalC);
        const ceiling = ASHRAE_LIQUID_CLASSES[cooling.liquidClass];
        if (ceiling !== undefined) expect(cooling.supply.criticalC).toBeLessThanOrEqual(ceiling);
      }
    },
  );
});

describe('cooling invariants reject a config built to break them', () => {
  // dev colossus-1: 2 racks x 85 kW x 0.8 = 136 kW of liquid heat in hall-a, 2 CDUs, W32.
  it('a hall that cannot lose one CDU', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.cduCapacityKw = 100;
      }),
    ).toContain(
      'clusters[colossus-1].cooling.cdusPerHall: losing one of 2 CDUs in hall hall-a leaves 100 kW of cooling for 136 kW of liquid heat; the remaining CDUs must carry the hall',
    );
  });

  it('a supply warn threshold at or above the critical one', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.supply.warnC = 33;
      }),
    ).toContain(
      'clusters[colossus-1].cooling.supply.warnC: supply warn threshold 33 C must be below the critical threshold 32 C',
    );
  });

  it('a return warn threshold at or above the critical one', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.return.warnC = 45;
      }),
    ).toContain(
      'clusters[colossus-1].cooling.return.warnC: return warn threshold 45 C must be below the critical threshold 45 C',
    );
  });

  it('a supply limit above what the declared W-class allows', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.liquidClass = 'W27';
      }),
    ).toContain(
      'clusters[colossus-1].cooling.supply.criticalC: supply critical threshold 32 C is above 27 C, the most ASHRAE class W27 allows; lower it or declare a warmer class',
    );
  });

  it('a return warn threshold below the supply critical one', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.return.warnC = 31;
      }),
    ).toContain(
      'clusters[colossus-1].cooling.return.warnC: return warn threshold 31 C must be above the supply critical threshold 32 C: return water is the warmer side',
    );
  });

  it('an unknown ASHRAE class', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.liquidClass = 'W50';
      }),
    ).toContain(
      'clusters[colossus-1].cooling.liquidClass: unknown ASHRAE liquid cooling class "W50"; known: W17, W27, W32, W40, W45, W+',
    );
  });

  it('a single CDU per hall', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.cdusPerHall = 1;
      }),
    ).toContain(
      'clusters[colossus-1].cooling.cdusPerHall: needs at least 2 CDUs per hall: one CDU cannot be redundant',
    );
  });

  it('more CDUs than a hall composite alarm can watch', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.cdusPerHall = 101;
      }),
    ).toContain(
      'clusters[colossus-1].cooling.cdusPerHall: at most 100 CDUs per hall: the hall composite alarm watches one alarm per CDU and CloudWatch allows 100',
    );
  });

  it('no leak sensors', () => {
    expect(
      problemsOf('dev', (raw) => {
        raw.clusters[0]!.cooling.leakSensorsPerCdu = 0;
      }),
    ).toContain(
      'clusters[colossus-1].cooling.leakSensorsPerCdu: leak detection is mandatory: at least 1 sensor per CDU',
    );
  });

  it('a missing cooling block', () => {
    expect(
      problemsOf('dev', (raw) => {
        delete raw.clusters[1]!.cooling;
      }),
    ).toContain('clusters[colossus-2].cooling:');
  });
});
