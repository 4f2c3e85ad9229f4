import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig, parseConfig } from '../../config/load';
import { DEFAULT_SLO, errorBudgetMinutes, highestTarget } from '../../config/slo';
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
