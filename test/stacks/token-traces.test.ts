import { Lazy } from 'cdktf';
import { ColossusError } from '../../config/errors';

// test/setup.ts turns the switch on for every test file, as main.ts does for the app.
describe('skipTokenCreationTraces', () => {
  it('gives a token no creation trace: cdktf captured one per token, into a plain object', () => {
    expect(Lazy.anyValue({ produce: () => 1 }).creationStack).toEqual([]);
    const target: { stack?: string } = {};
    Error.captureStackTrace(target);
    expect(target.stack).toBe('');
  });

  it('walks no frame for a token: nothing is captured, so V8 never asks for a trace to format', () => {
    const format = Error.prepareStackTrace;
    let asked = 0;
    Error.prepareStackTrace = (error, frames) => {
      asked++;
      return format ? format(error, frames) : String(error);
    };
    try {
      Lazy.stringValue({ produce: () => 'x' });
      expect(asked).toBe(0);
      // The counter does count: a real error's trace is formatted when read.
      expect(new Error('read me').stack).toBeDefined();
      expect(asked).toBe(1);
    } finally {
      Error.prepareStackTrace = format;
    }
  });

  it('keeps the trace of a real error, thrown or captured by an Error subclass', () => {
    const thrown = new Error('broken');
    expect(thrown.stack).toMatch(/^Error: broken\n\s+at .*token-traces\.test\.ts/);
    class Captured extends Error {
      constructor() {
        super('captured');
        this.name = 'Captured';
        Error.captureStackTrace(this, Captured);
      }
    }
    expect(new Captured().stack).toMatch(/^Captured: captured\n\s+at .*token-traces\.test\.ts/);
    expect(new ColossusError('bad input', ['a line']).stack).toMatch(/token-traces\.test\.ts/);
  });
});
