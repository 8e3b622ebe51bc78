/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Jest defaults to cores - 1 workers: one on a 2-core machine. Most suites wait on child processes, so use both.
  maxWorkers: 2,
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Transpile only, with esbuild (ts-jest for a file that mocks modules): type-checking is `npm run typecheck`,
    // once for the whole project, not per test file.
    "^.+\\.ts$": "<rootDir>/test/transform.cjs",
  },
  // In the checkout's node_modules (not a /tmp directory shared by every checkout on the machine): a fresh `npm ci`
  // is a cold run, as in CI.
  cacheDirectory: "<rootDir>/node_modules/.cache/jest",
  // The app and the CLIs that tests run as child processes are bundled once here, not once per child.
  globalSetup: "<rootDir>/test/global-setup.ts",
  testSequencer: "<rootDir>/test/sequencer.js",
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  reporters: ["default", "<rootDir>/test/reporters/summary.js"],
};
