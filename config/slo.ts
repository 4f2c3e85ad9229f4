import { z } from 'zod';

/**
 * A tenant's availability objective. A good minute is one in which the tenant's running GPUs
 * (in-service nodes x GPUs per node over its SUs) are at or above its contractedGpus; the
 * objective is the share of good minutes in each window. The capacity signal is per minute, so
 * the error budget is counted in whole minutes.
 */
export const SLO_WINDOWS = ['calendar-month'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** The shortest window, in minutes: a 28-day February (the budget must hold a minute in every month). */
export const SHORTEST_WINDOW_MINUTES: Readonly<Record<SloWindow, number>> = { 'calendar-month': 28 * 24 * 60 };

export const DEFAULT_SLO = { availabilityTarget: 0.999, window: 'calendar-month' } as const;

/** Minutes of error budget a target leaves in a window of the given length. */
export function errorBudgetMinutes(availabilityTarget: number, windowMinutes: number): number {
  return (1 - availabilityTarget) * windowMinutes;
}

/** The highest target that still leaves one whole minute of budget in the shortest window. */
export function highestTarget(window: SloWindow): number {
  return 1 - 1 / SHORTEST_WINDOW_MINUTES[window];
}

export const sloSchema = z
  .strictObject({
    availabilityTarget: z
      .number({
        error: (issue) =>
          issue.input === undefined
            ? 'is required when slo is given: the share of good minutes, such as 0.999 for 99.9%'
            : 'must be a number, the share of good minutes such as 0.999 for 99.9%',
      })
      .gt(0, { message: 'must be above 0: the share of good minutes, such as 0.999 for 99.9%' })
      .lt(1, {
        message:
          'must be below 1, written as a fraction rather than a percentage (0.999 for 99.9%); 1 would leave no error budget to burn',
      }),
    window: z
      .enum(SLO_WINDOWS, {
        error: (issue) => `unknown SLO window ${JSON.stringify(issue.input)}; known windows: ${SLO_WINDOWS.join(', ')}`,
      })
      .default(DEFAULT_SLO.window),
  })
  .superRefine((slo, ctx) => {
    const highest = highestTarget(slo.window);
    if (slo.availabilityTarget < 1 && slo.availabilityTarget > highest) {
      const budget = errorBudgetMinutes(slo.availabilityTarget, SHORTEST_WINDOW_MINUTES[slo.window]);
      ctx.addIssue({
        code: 'custom',
        path: ['availabilityTarget'],
        message: `leaves ${budget.toFixed(2)} minutes of error budget in the shortest ${slo.window} (28 days); the capacity signal is per minute, so the budget must hold at least one minute (a target of at most ${highest.toFixed(6)})`,
      });
    }
  })
  .describe('Availability objective: the share of minutes per window with running GPUs at or above contractedGpus');

export type SloConfig = z.output<typeof sloSchema>;
