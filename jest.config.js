/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // jest-runtime with V8's code cache kept across the test files of a worker (see the file).
  runtime: '<rootDir>/test/support/code-cache-runtime.cjs',
  // The slowest test files first, also on a machine with no cached timings (see the file).
  testSequencer: '<rootDir>/test/support/slow-first-sequencer.cjs',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
};
