// Longest suites first, so that no worker is left running one long suite at the end. Jest's own order does this from
// the durations of the last run (kept in its cache directory); on a cold run it has none and falls back to file size,
// which does not say which suites wait on child processes or nginx. Those get an estimate here until measured.
const Sequencer = require("@jest/test-sequencer").default;
const path = require("node:path");

/** Seconds, measured on 2 cores (BENCHMARKS.md); only used while jest has no duration of its own for the suite. */
const ESTIMATES = {
  "test/integration/router.test.ts": 14,
  "test/config/bad-input.test.ts": 4,
  "test/app/main.test.ts": 4,
  "test/ports/plan.test.ts": 3,
  "test/access/cli.test.ts": 2.5,
  "test/ports/cli.test.ts": 2.5,
  "test/preview/render.test.ts": 2.5,
  "test/package/imports.test.ts": 1.5,
  "test/app/run-ts.test.ts": 1.5,
  "test/ports/preflight.test.ts": 1,
};

class LongestFirst extends Sequencer {
  time(test) {
    const measured = super.time(test);
    if (measured != null) return measured;
    const estimate = ESTIMATES[path.relative(test.context.config.rootDir, test.path).split(path.sep).join("/")];
    return estimate === undefined ? undefined : estimate * 1000;
  }
}

module.exports = LongestFirst;
