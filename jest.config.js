/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is `npm run lint`'s job (tsc); tests only need the JavaScript.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Tests clean up after themselves: the run gets its own temp folder and fails on leftovers.
  globalSetup: '<rootDir>/test/lifecycle/global-setup.ts',
  globalTeardown: '<rootDir>/test/lifecycle/global-teardown.ts',
  // Whole-environment synths (prod is about 5,500 resources) take seconds each.
  testTimeout: 120000,
  maxWorkers: 2,
};
