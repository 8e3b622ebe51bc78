/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Jest defaults to cores - 1 workers: one on a 2-core machine. Most suites wait on child processes, so use both.
  maxWorkers: 2,
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Transpile only (tsconfig has isolatedModules): type-checking is `npm run typecheck`, once for the whole project, not per test file.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  reporters: ["default", "<rootDir>/test/reporters/summary.js"],
};
