import { synthEnvironment } from '../helpers/synth';
import { BENIGN, MUTATIONS } from './catalogue';
import { runCatalogue } from './run-catalogue';

// Prod is synthesized once (slow); a sample of every family runs on it, the whole catalogue on staging.
const prod = synthEnvironment('prod');
const families = new Set<string>();
const sample = MUTATIONS.filter((m) => !families.has(m.family) && families.add(m.family));

describe('isolation mutation catalogue over prod (one kind per family)', () => {
  it('samples every family', () => {
    expect(new Set(sample.map((m) => m.family))).toEqual(new Set(MUTATIONS.map((m) => m.family)));
  });
  runCatalogue(prod, sample, BENIGN.slice(0, 5));
});
