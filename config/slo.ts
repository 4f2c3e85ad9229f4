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

/**
 * Multi-window burn-rate alerting (Google SRE Workbook, "Alerting on SLOs"): a fast window that
 * pages when the budget burns at 14.4 times the sustainable rate (2% of a 30-day budget in an
 * hour), a slow one that tickets at 6 times. The workbook's slow window is 6 hours; CloudWatch
 * evaluates a Metrics Insights alarm on the latest 3 hours only (CloudWatch User Guide, alarm
 * limits: "Only the latest 3 hours of data can be used for evaluating the alarm's conditions"),
 * so the slow window here is 3 hours.
 */
export const BURN_RATE_WINDOWS = {
  fast: { minutes: 60, burnRate: 14.4, severity: 'page' },
  slow: { minutes: 180, burnRate: 6, severity: 'ticket' },
} as const;
export type BurnWindow = keyof typeof BURN_RATE_WINDOWS;

/** The longest evaluation range of a Metrics Insights alarm, in minutes (see BURN_RATE_WINDOWS). */
export const INSIGHTS_ALARM_RANGE_MINUTES = 180;

/**
 * A 30-day month, in minutes: the window of the monthly error budget the capacity page and
 * report show, and of the sustainable burn (the budget spread evenly over it, the workbook's reference).
 */
export const MONTH_MINUTES = 30 * 24 * 60;

export interface BurnRateAlarm {
  readonly window: BurnWindow;
  /** Minutes evaluated: the alarm's evaluation periods, one minute each. */
  readonly minutes: number;
  /** Bad minutes in the window at which the burn rate reaches the window's threshold. */
  readonly badMinutes: number;
  readonly burnRate: number;
  readonly severity: 'page' | 'ticket';
  /** Share of a 30-day budget the window burns when the alarm fires. */
  readonly budgetShare: number;
}

/**
 * One burn-rate alarm as an M-of-N alarm on the per-minute capacity signal: a minute below
 * contract is one breaching datapoint, so "burn rate >= r over W minutes" is "at least
 * ceil(r x (1 - target) x W) bad minutes of the last W". Never fewer than one bad minute, nor
 * more than W.
 */
export function burnRateAlarm(availabilityTarget: number, window: BurnWindow): BurnRateAlarm {
  const w = BURN_RATE_WINDOWS[window];
  const exact = w.burnRate * (1 - availabilityTarget) * w.minutes;
  // Round away float noise first: 6 x 0.001 x 180 is 1.08, but 14.4 x 0.01 x 60 must stay 8.64.
  // Below about 93% the fast window cannot reach 14.4x at all; it then fires when every minute is bad.
  const badMinutes = Math.min(w.minutes, Math.max(1, Math.ceil(Number(exact.toFixed(9)))));
  return {
    window,
    minutes: w.minutes,
    badMinutes,
    burnRate: w.burnRate,
    severity: w.severity,
    budgetShare: badMinutes / errorBudgetMinutes(availabilityTarget, MONTH_MINUTES),
  };
}

/** Both burn-rate alarms of a target, fast first. */
export function burnRateAlarms(availabilityTarget: number): BurnRateAlarm[] {
  return (Object.keys(BURN_RATE_WINDOWS) as BurnWindow[]).map((w) => burnRateAlarm(availabilityTarget, w));
}
