import { z } from 'zod';
import { hallItLoadKw } from './power';
import type { ClusterConfig, HallConfig } from './schema';

/**
 * Liquid cooling: the coolant distribution units (CDUs) of each hall and the limits their
 * sensors are held to. Every hall has the same CDU line-up; loads use the full build-out.
 */

/**
 * ASHRAE TC 9.9 liquid cooling classes ("Water-Cooled Servers: Common Designs, Components,
 * and Processes", 2019/2021 update): the class caps the facility water supply temperature
 * at the CDU. W+ is "above 45 C" and has no ceiling.
 */
export const ASHRAE_LIQUID_CLASSES = {
  W17: 17,
  W27: 27,
  W32: 32,
  W40: 40,
  W45: 45,
  'W+': undefined,
} as const satisfies Record<string, number | undefined>;

export type AshraeLiquidClass = keyof typeof ASHRAE_LIQUID_CLASSES;
const CLASS_NAMES = Object.keys(ASHRAE_LIQUID_CLASSES) as [AshraeLiquidClass, ...AshraeLiquidClass[]];

/**
 * The hall composite alarm watches one composite per CDU, and a composite alarm takes at
 * most 100 children (CloudWatch quota).
 */
export const MAX_CDUS_PER_HALL = 100;

const celsius = z.number().gt(-20).lt(100);
const limits = z.strictObject({
  warnC: celsius.describe('Opens a ticket at or above this temperature'),
  criticalC: celsius.describe('Pages at or above this temperature'),
});

export const coolingSchema = z.strictObject({
  liquidClass: z.enum(CLASS_NAMES, {
    error: (issue) =>
      `unknown ASHRAE liquid cooling class ${JSON.stringify(issue.input)}; known: ${CLASS_NAMES.join(', ')}`,
  }),
  liquidHeatFraction: z
    .number()
    .gt(0)
    .lte(1)
    .describe('Share of rack heat captured by the liquid loop (cold plates); air takes the rest'),
  cdusPerHall: z
    .number()
    .int()
    .min(2, { message: 'needs at least 2 CDUs per hall: one CDU cannot be redundant' })
    .max(MAX_CDUS_PER_HALL, {
      message: `at most ${MAX_CDUS_PER_HALL} CDUs per hall: the hall composite alarm watches one alarm per CDU and CloudWatch allows 100`,
    }),
  cduCapacityKw: z.number().positive().describe('Rated heat rejection of one CDU at the design approach'),
  supply: limits.describe('Facility water supply temperature at the CDU'),
  return: limits.describe('Facility water return temperature at the CDU'),
  minFlowLpm: z.number().positive().describe('Primary flow per CDU below which it pages, in litres per minute'),
  maxDeltaTC: z.number().positive().describe('Return minus supply above which it pages: too little flow for the heat'),
  leakSensorsPerCdu: z.number().int().min(1, { message: 'leak detection is mandatory: at least 1 sensor per CDU' }),
  gpuMaxTemperatureC: z
    .number({
      error: 'must be a number: the GPU temperature in degrees Celsius above which a node-health ticket fires',
    })
    .min(40, { message: 'must be at least 40 C: a GPU limit below that would ticket on a healthy idle node' })
    .max(100, {
      message: 'must be at most 100 C: GPUs throttle and shut down below that, so the ticket would come too late',
    })
    .default(85)
    .describe('GPU temperature above which an SU gets a node-health ticket (from the GPU thermal specification)'),
});

export type CoolingConfig = z.output<typeof coolingSchema>;

/** CDU ids of a hall, cdu-01 upwards. Stable: they name alarms and metric dimensions. */
export function cduIds(cooling: Pick<CoolingConfig, 'cdusPerHall'>): string[] {
  return Array.from({ length: cooling.cdusPerHall }, (_, i) => `cdu-${String(i + 1).padStart(2, '0')}`);
}

/** Heat the hall's CDUs must reject, in kW, at full build-out. */
export function hallLiquidHeatKw(
  cluster: Pick<ClusterConfig, 'fabric' | 'power' | 'cooling'>,
  hall: HallConfig,
): number {
  return hallItLoadKw(cluster, hall) * cluster.cooling.liquidHeatFraction;
}

export function coolingCapacityKw(cooling: CoolingConfig, cdusLost: number): number {
  return (cooling.cdusPerHall - cdusLost) * cooling.cduCapacityKw;
}

type Path = (string | number)[];
interface Problem {
  readonly path: Path;
  readonly message: string;
}

/** Cooling invariants: N+1 CDUs in every hall, ordered thresholds, supply within the W-class. */
export function checkCoolingRules(cluster: ClusterConfig, base: Path): Problem[] {
  const problems: Problem[] = [];
  const { cooling } = cluster;
  const at = (...rest: Path): Path => [...base, 'cooling', ...rest];

  const survivingKw = coolingCapacityKw(cooling, 1);
  for (const hall of cluster.halls) {
    const heatKw = hallLiquidHeatKw(cluster, hall);
    if (survivingKw < heatKw) {
      problems.push({
        path: at('cdusPerHall'),
        message: `losing one of ${cooling.cdusPerHall} CDUs in hall ${hall.id} leaves ${survivingKw.toFixed(0)} kW of cooling for ${heatKw.toFixed(0)} kW of liquid heat; the remaining CDUs must carry the hall`,
      });
    }
  }

  for (const loop of ['supply', 'return'] as const) {
    const { warnC, criticalC } = cooling[loop];
    if (warnC >= criticalC) {
      problems.push({
        path: at(loop, 'warnC'),
        message: `${loop} warn threshold ${warnC} C must be below the critical threshold ${criticalC} C`,
      });
    }
  }
  const ceiling = ASHRAE_LIQUID_CLASSES[cooling.liquidClass];
  if (ceiling !== undefined && cooling.supply.criticalC > ceiling) {
    problems.push({
      path: at('supply', 'criticalC'),
      message: `supply critical threshold ${cooling.supply.criticalC} C is above ${ceiling} C, the most ASHRAE class ${cooling.liquidClass} allows; lower it or declare a warmer class`,
    });
  }
  if (cooling.return.warnC <= cooling.supply.criticalC) {
    problems.push({
      path: at('return', 'warnC'),
      message: `return warn threshold ${cooling.return.warnC} C must be above the supply critical threshold ${cooling.supply.criticalC} C: return water is the warmer side`,
    });
  }
  return problems;
}
