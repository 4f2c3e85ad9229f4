import { ConfigError, parseConfig } from '../../config/load';

/** The problems config validation reports for an environment file's text; fails the test if it accepts it. */
export function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to be rejected');
}
