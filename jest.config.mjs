// Three tiers, one runner: unit (pure code, colocated *.spec.ts), medium (services against the
// real Postgres and Redis), e2e (the booted app through socket.io-client and HTTP).
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', {}] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

export default {
  // Medium and e2e files start real services in their hooks (a database from the template, the
  // app, stand-ins). Jest's 5 s default is too short for that on a loaded CI machine: a hook that
  // times out leaves the app starting in the background and the file fails without its own
  // assertions. Tests that wait for something pass their own, shorter limits. (Jest reads this
  // from the top level only, not per project.)
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
