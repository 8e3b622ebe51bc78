#!/usr/bin/env node
/**
 * npm test [-- <jest arguments>]: the type-check and the lint side by side (their output printed whole, in that
 * order, once both are done), then, if both passed, jest with the arguments given. Run one after the other, eslint
 * (one thread) left a core idle for seconds; side by side they take about as long as the longer of the two.
 * Each step is the package.json script of the same name, so `npm run typecheck` / `npm run lint` do exactly this.
 */
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const { scripts } = require(path.join(root, "package.json"));
const env = { ...process.env, PATH: `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` };

/** Runs a package.json script's command line; resolves with its exit code and, when captured, its output. */
function run(command, args, capture) {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", `${command} "$@"`, "sh", ...args], { cwd: root, env, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    let out = "";
    if (capture) {
      child.stdout.on("data", (c) => (out += c));
      child.stderr.on("data", (c) => (out += c));
    }
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

async function main() {
  const started = Date.now();
  const [typecheck, lint] = await Promise.all([run(scripts.typecheck, [], true), run(scripts.lint, [], true)]);
  for (const [name, r] of [["typecheck", typecheck], ["lint", lint]]) {
    process.stdout.write(`> ${name}: ${scripts[name]}${r.code === 0 ? "" : `  (FAILED, exit ${r.code})`}\n${r.out}`);
  }
  process.stdout.write(`(typecheck and lint: ${((Date.now() - started) / 1000).toFixed(1)} s)\n\n`);
  if (typecheck.code !== 0 || lint.code !== 0) return 1;
  return (await run("jest", process.argv.slice(2), false)).code;
}

main().then((code) => process.exit(code));
