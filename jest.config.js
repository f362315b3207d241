/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault tests run real processes for minutes: `npm run test:reliability`, after `npm test` in CI.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/'],
  // Integration tests share one Redis and one PostgreSQL server; each file isolates
  // itself with its own key prefix and database, so two workers are safe on 2 cores.
  maxWorkers: 2,
  testTimeout: 30000,
};
