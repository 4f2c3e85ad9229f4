import { synthEnvironment } from '../helpers/synth';
import { BENIGN, MUTATIONS } from './catalogue';
import { runCatalogue } from './run-catalogue';

// Staging is synthesized once; every mutation and benign change edits a deep copy of its JSON.
const staging = synthEnvironment('staging');

describe('isolation mutation catalogue over staging', () => {
  it('holds at least 40 mutation kinds and 12 benign changes', () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(40);
    expect(BENIGN.length).toBeGreaterThanOrEqual(12);
    expect(new Set(MUTATIONS.map((m) => m.kind)).size).toBe(MUTATIONS.length);
  });
  runCatalogue(staging);
});
