// Jest transform: TypeScript to CommonJS with esbuild (transpile only, like ts-jest with isolatedModules; types are
// checked once by `npm run typecheck`). ts-jest loads the TypeScript compiler into every worker and transpiles each
// file with it: most of a cold run's transform time. esbuild does the same per file in about a millisecond.
//
// One thing esbuild does not do is jest's hoisting: `jest.mock(...)` written above the imports has to run before
// them, and esbuild (rightly, for ES modules) puts every import first. A file that calls jest's module mocking is
// therefore handed to ts-jest, which hoists those calls; the TypeScript compiler is only loaded for such a file.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");

const MOCKS_MODULES = /\bjest\s*\.\s*(mock|unmock|doMock|dontMock|enableAutomock|disableAutomock|deepUnmock)\s*\(/;
const own = fs.readFileSync(__filename);
let esbuild;
let tsJest;

function tsJestFor(options) {
  if (!tsJest) tsJest = require("ts-jest").default.createTransformer({ diagnostics: false });
  return tsJest;
}

module.exports = {
  canInstrument: false,
  getCacheKey(source, file, options) {
    if (MOCKS_MODULES.test(source)) return `ts-jest:${tsJestFor(options).getCacheKey(source, file, options)}`;
    esbuild ??= require("esbuild");
    return crypto.createHash("sha256").update(own).update("\0").update(esbuild.version).update("\0").update(file).update("\0").update(source).digest("hex");
  },
  process(source, file, options) {
    if (MOCKS_MODULES.test(source)) return tsJestFor(options).process(source, file, options);
    esbuild ??= require("esbuild");
    const { code, map } = esbuild.transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      platform: "node",
      sourcemap: "external",
      sourcefile: file,
      sourcesContent: false,
    });
    return { code, map };
  },
};
