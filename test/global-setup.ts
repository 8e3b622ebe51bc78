/**
 * Once per test run, before any suite: brings the bundles of every entry point the tests start as child processes
 * up to date (scripts/run-ts.cjs's cache). Each child then runs `node scripts/run-ts.cjs <entry>` exactly as a user
 * does, finds its bundle current (a hash check of the sources, ~2 ms) and never starts esbuild; the entries are
 * bundled here together, in one esbuild process, instead of once per child.
 */
import * as path from "node:path";

/** Every entry a test runs through scripts/run-ts.cjs (a missing one is only bundled by its first child). */
export const SPAWNED_ENTRIES = [
  "main.ts",
  "scripts/access.ts",
  "scripts/ports.ts",
  "scripts/ports-check.ts",
  "test/config/bad-input-run.ts",
  "test/fixtures/run-app.ts",
  "test/fixtures/provider-files.ts",
];

export default async function globalSetup(): Promise<void> {
  const runTs = require(path.join(__dirname, "..", "scripts", "run-ts.cjs")) as { prepare(entries: readonly string[]): Promise<void> };
  await runTs.prepare(SPAWNED_ENTRIES);
}
