import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig, parseConfig } from '../../config/load';
import {
  DEFAULT_SLO,
  INSIGHTS_ALARM_RANGE_MINUTES,
  burnRateAlarms,
  errorBudgetMinutes,
  highestTarget,
} from '../../config/slo';
import { problemsOf } from './config-problems';

const devText = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8');
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary YAML under test

function withSlo(slo: unknown): string {
  const doc = parse(devText) as Doc;
  doc.clusters[0].tenants[0].slo = slo;
  return stringify(doc);
}

const FIELD = 'clusters[colossus-1].tenants[lab-alpha].slo';

describe('tenant SLO config', () => {
  it('defaults every tenant of every shipped environment to 99.9% of minutes per calendar month', () => {
    for (const environment of ['dev', 'staging', 'prod', 'emulator']) {
      for (const cluster of loadConfig({ environment }).clusters) {
        for (const tenant of cluster.tenants) expect(tenant.slo).toEqual(DEFAULT_SLO);
      }
    }
  });

  it('accepts an explicit objective and defaults the window', () => {
    const config = parseConfig(withSlo({ availabilityTarget: 0.9995 }), 'test.yaml');
    expect(config.clusters[0]!.tenants[0]!.slo).toEqual({ availabilityTarget: 0.9995, window: 'calendar-month' });
  });

  it.each([
    [
      { availabilityTarget: 99.9 },
      `${FIELD}.availabilityTarget: must be below 1, written as a fraction rather than a percentage (0.999 for 99.9%); 1 would leave no error budget to burn`,
    ],
    [
      { availabilityTarget: 1 },
      `${FIELD}.availabilityTarget: must be below 1, written as a fraction rather than a percentage (0.999 for 99.9%); 1 would leave no error budget to burn`,
    ],
    [
      { availabilityTarget: 0 },
      `${FIELD}.availabilityTarget: must be above 0: the share of good minutes, such as 0.999 for 99.9%`,
    ],
    [
      { availabilityTarget: '99.9%' },
      `${FIELD}.availabilityTarget: must be a number, the share of good minutes such as 0.999 for 99.9%`,
    ],
    [
      { availabilityTarget: 0.999, window: 'month' },
      `${FIELD}.window: unknown SLO window "month"; known windows: calendar-month`,
    ],
    [
      { availabilityTarget: 0.99999 },
      `${FIELD}.availabilityTarget: leaves 0.40 minutes of error budget in the shortest calendar-month (28 days); the capacity signal is per minute, so the budget must hold at least one minute (a target of at most 0.999975)`,
    ],
  ])('rejects %j naming the field and the rule', (slo, message) => {
    expect(problemsOf(withSlo(slo))).toContain(message);
  });

  it('rejects a field it does not know rather than ignoring it', () => {
    expect(problemsOf(withSlo({ availabilityTarget: 0.999, target: 0.99 })).join('\n')).toMatch(
      new RegExp(`^${FIELD.replace(/[[\]().]/g, '\\$&')}.*target`, 'm'),
    );
  });

  it('keeps at least one minute of budget at the highest accepted target, and less just above it', () => {
    const highest = highestTarget('calendar-month');
    expect(errorBudgetMinutes(highest, 28 * 24 * 60)).toBeCloseTo(1, 9);
    expect(() => parseConfig(withSlo({ availabilityTarget: highest }), 'test.yaml')).not.toThrow();
    expect(problemsOf(withSlo({ availabilityTarget: highest + 1e-7 }))).toHaveLength(1);
  });
});

describe('burn-rate alarms (multi-window, as M of N one-minute datapoints)', () => {
  it('fires the fast window at 14.4x over an hour and the slow one at 6x over 3 hours', () => {
    // 99.9%: 14.4 x 0.001 x 60 = 0.864 -> 1 bad minute of 60; 6 x 0.001 x 180 = 1.08 -> 2 of 180.
    expect(burnRateAlarms(0.999).map((b) => [b.window, b.badMinutes, b.minutes, b.severity])).toEqual([
      ['fast', 1, 60, 'page'],
      ['slow', 2, 180, 'ticket'],
    ]);
    // 99%: 14.4 x 0.01 x 60 = 8.64 -> 9; 6 x 0.01 x 180 = 10.8 -> 11.
    expect(burnRateAlarms(0.99).map((b) => b.badMinutes)).toEqual([9, 11]);
  });

  it('needs exactly the bad minutes at which the burn rate reaches the threshold, for any target', () => {
    for (const target of [0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, highestTarget('calendar-month')]) {
      for (const b of burnRateAlarms(target)) {
        const burn = (minutes: number) => minutes / ((1 - target) * b.minutes);
        expect(b.badMinutes).toBeGreaterThanOrEqual(1);
        expect(b.badMinutes).toBeLessThanOrEqual(b.minutes);
        if (b.badMinutes > 1) expect(burn(b.badMinutes - 1)).toBeLessThan(b.burnRate);
        // Unless the window cannot reach the rate at all (target 90%: 60 bad minutes of 60 is 10x).
        if (b.badMinutes < b.minutes) expect(burn(b.badMinutes)).toBeGreaterThanOrEqual(b.burnRate - 1e-9);
      }
    }
  });

  it('keeps both windows inside the 3 hours a Metrics Insights alarm evaluates', () => {
    for (const b of burnRateAlarms(0.999)) expect(b.minutes).toBeLessThanOrEqual(INSIGHTS_ALARM_RANGE_MINUTES);
  });
});

describe('the GPU temperature limit of node health (cooling.gpuMaxTemperatureC)', () => {
  function withLimit(value: unknown): string {
    const doc = parse(devText) as Doc;
    doc.clusters[0].cooling.gpuMaxTemperatureC = value;
    return stringify(doc);
  }
  const AT = 'clusters[colossus-1].cooling.gpuMaxTemperatureC';

  it('defaults to 85 C and accepts a value from the GPU thermal specification', () => {
    expect(loadConfig({ environment: 'dev' }).clusters[0]!.cooling.gpuMaxTemperatureC).toBe(85);
    expect(parseConfig(withLimit(83), 'test.yaml').clusters[0]!.cooling.gpuMaxTemperatureC).toBe(83);
  });

  it.each([
    [30, `${AT}: must be at least 40 C: a GPU limit below that would ticket on a healthy idle node`],
    [120, `${AT}: must be at most 100 C: GPUs throttle and shut down below that, so the ticket would come too late`],
    ['85C', `${AT}: must be a number: the GPU temperature in degrees Celsius above which a node-health ticket fires`],
  ])('rejects %j naming the field and the rule', (value, message) => {
    expect(problemsOf(withLimit(value))).toContain(message);
  });
});
