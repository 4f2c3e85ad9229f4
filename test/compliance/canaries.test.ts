import { RULES } from '../../policy/rules';
import { model, NO_TENANTS, rowsOf } from '../policy/fixtures';
import { BENIGN, CANARIES } from './canaries/corpus';

const label = (c: { spelling: string }) => c.spelling;

describe('the canary corpus (the rule pack mutation test)', () => {
  it('has a canary for every rule, and several spellings for every IAM and encryption rule', () => {
    for (const rule of RULES) {
      const count = CANARIES.filter((c) => c.rule === rule.id).length;
      expect([rule.id, count >= 1]).toEqual([rule.id, true]);
      if (
        /^CLX-(IAM|ENC)-/.test(rule.id) &&
        !['CLX-ENC-002', 'CLX-ENC-009', 'CLX-IAM-004', 'CLX-IAM-011', 'CLX-IAM-013'].includes(rule.id)
      )
        expect([rule.id, count >= 2]).toEqual([rule.id, true]);
    }
  });

  it.each(CANARIES.map((c) => [c.rule, label(c), c] as const))('%s fails on: %s', (rule, _spelling, c) => {
    const rows = rowsOf(rule, model(c.resources, c.extra ?? {}), c.context ?? NO_TENANTS);
    expect(rows.map((r) => r.status)).toContain('fail');
  });

  it.each(BENIGN.map((b) => [b.rules.join(', '), label(b), b] as const))('%s pass on: %s', (_rules, _s, b) => {
    for (const rule of b.rules) {
      const rows = rowsOf(rule, model(b.resources, b.extra ?? {}), b.context ?? NO_TENANTS);
      expect([rule, rows.filter((r) => r.status === 'fail').map((r) => r.message ?? r.evidence)]).toEqual([rule, []]);
    }
  });
});
