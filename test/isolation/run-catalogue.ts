import {
  assertIsolated,
  formatLeak,
  formatUnproven,
  proveIsolation,
  verdict,
  type StackJson,
} from '../../policy/isolation';
import type { SynthesizedEnvironment } from '../helpers/synth';
import { BENIGN, context, MUTATIONS, type Benign, type Mutation } from './catalogue';

/** Registers one test per mutation and benign change of the catalogue over one synthesized environment. */
export function runCatalogue(
  env: SynthesizedEnvironment,
  mutations: readonly Mutation[] = MUTATIONS,
  benign: readonly Benign[] = BENIGN,
): void {
  const clean = env.stacks as Map<string, StackJson>;
  // Stacks a mutation does not copy are shared between tests: freezing them makes a stray edit throw.
  const freeze = (o: unknown): void => {
    if (o && typeof o === 'object' && !Object.isFrozen(o)) {
      Object.freeze(o);
      for (const v of Object.values(o)) freeze(v);
    }
  };
  for (const json of clean.values()) freeze(json);

  it('proves the clean environment isolated with nothing unresolved', () => {
    const report = proveIsolation(clean);
    expect(report.leaks.map(formatLeak)).toEqual([]);
    expect(report.unproven.map(formatUnproven)).toEqual([]);
    expect(report.findings).toEqual([]);
  });

  describe.each(mutations.map((m) => [`${m.family}: ${m.kind}`, m] as const))('catches %s', (_, m) => {
    it('fails and names the resource that makes the path', () => {
      const stacks = new Map(clean);
      const c = context(env, stacks);
      const injected = m.apply(c);
      const report = proveIsolation(stacks);
      expect(verdict(report)).not.toBe('isolated');
      expect(() => assertIsolated(report)).toThrow(injected);
      const leaks = report.leaks.filter(
        (l) => l.path.some((h) => h.resource === injected) && (!m.layer || l.layer === m.layer),
      );
      const unproven = report.unproven.filter((u) => u.address === injected || u.reason.includes(injected));

      const detail = [...report.leaks.map(formatLeak), ...report.unproven.map(formatUnproven)].join('\n');
      if (m.expect === 'leak') {
        if (leaks.length === 0) throw new Error(`no ${m.layer ?? ''} leak names ${injected}; found:\n${detail}`);
        // The leak runs between two tenants of the environment (or from anyone, for public access).
        const tenants = new Set([...report.tenants, '*']);
        expect(leaks.every((l) => tenants.has(l.from) && tenants.has(l.to) && l.from !== l.to)).toBe(true);
      } else if (m.expect === 'cannot prove') {
        if (unproven.length === 0) throw new Error(`no "cannot prove" names ${injected}; found:\n${detail}`);
        expect(unproven[0]!.reason.length).toBeGreaterThan(10);
      } else {
        expect(report.findings.some((f) => f.address === injected)).toBe(true);
      }
    });
  });

  describe.each(benign.map((b) => [b.kind, b] as const))('passes the benign change: %s', (_, b) => {
    it('still proves isolated, with nothing unresolved', () => {
      const stacks = new Map(clean);
      const c = context(env, stacks);
      b.apply(c);
      const report = proveIsolation(stacks, { allowedSharedServices: b.allowedSharedServices?.(c) });
      expect([...report.leaks.map(formatLeak), ...report.unproven.map(formatUnproven)]).toEqual([]);
      expect(report.findings).toEqual([]);
      expect(verdict(report)).toBe('isolated');
      if (b.allowedSharedServices) expect(report.allowed.length).toBeGreaterThan(0);
    });
  });
}
