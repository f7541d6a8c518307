/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // A dynamic import() names the compiled file (main.ts loads the sandbox that way).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // End-to-end tests start real servers; two workers fit a 2-core CI machine.
  maxWorkers: 2,
  // One throwaway PostgreSQL server for the whole run (test/pg/cluster.ts).
  globalSetup: '<rootDir>/test/pg/globalSetup.ts',
  globalTeardown: '<rootDir>/test/pg/globalTeardown.ts',
  testTimeout: 30000,
};
