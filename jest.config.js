/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Jest defaults to cores - 1 workers: one on a 2-core machine. Most suites wait on child processes, so use both.
  maxWorkers: 2,
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  reporters: ["default", "<rootDir>/test/reporters/summary.js"],
};
