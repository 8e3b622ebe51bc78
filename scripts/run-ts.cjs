#!/usr/bin/env node
/**
 * Runs a TypeScript entry point of this project (the cdktf app, a CLI) at the speed of plain JavaScript and always
 * from the current sources: esbuild bundles the entry with every package left external (milliseconds: only our own
 * files are transpiled, without type-checking) into node_modules/.cache/tandem/run/, then Node runs the bundle.
 *
 *   node scripts/run-ts.cjs main.ts [args...]
 *
 * A syntax error is printed as esbuild reports it (file:line:col, the line, a caret) and exits 1. A crash prints its
 * stack with the frames of our bundle mapped back to the .ts sources (source maps are read only then: mapping every
 * stack trace cdktf records while it runs costs a fifth of synth).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { SourceMap } = require("node:module");

const root = path.resolve(__dirname, "..");
const [entryArg, ...args] = process.argv.slice(2);
if (!entryArg) {
  console.error("usage: node scripts/run-ts.cjs <entry.ts> [args...]");
  process.exit(2);
}
const entry = path.resolve(process.cwd(), entryArg);
const name = path.relative(root, entry).replace(/\.ts$/, "").replace(/[^A-Za-z0-9_-]+/g, "_");
const outfile = path.join(root, "node_modules", ".cache", "tandem", "run", `${name}.cjs`);

/**
 * What each source file would see on its own, though a bundle is one module: `__dirname`/`__filename` (put on the
 * file's first line, so line numbers stay those of the source), and `require.main === module` true only in the entry
 * (every bundled file shares the bundle's `module`, so an imported CLI would otherwise start its own main).
 */
const MAIN_CHECK = /\brequire\.main\s*===\s*module\b/g;
const fileLocals = {
  name: "file-locals",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      let source = fs.readFileSync(args.path, "utf8");
      const locals = /\b__(dirname|filename)\b/.test(source);
      const notEntry = args.path !== entry && new RegExp(MAIN_CHECK.source).test(source);
      if (!locals && !notEntry) return undefined;
      if (notEntry) source = source.replace(MAIN_CHECK, "false");
      const prefix = locals ? `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)}; ` : "";
      return { contents: prefix + source, loader: "ts" };
    });
  },
};

async function main() {
  const esbuild = require("esbuild");
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      packages: "external",
      sourcemap: "external",
      sourcesContent: false,
      logLevel: "silent",
      absWorkingDir: root,
      plugins: [fileLocals],
      write: false,
    });
  } catch (e) {
    const messages = e && Array.isArray(e.errors) ? e.errors : [];
    if (messages.length === 0) throw e;
    const text = await esbuild.formatMessages(messages, { kind: "error", color: false });
    process.stderr.write(`${text.join("")}${messages.length} error${messages.length === 1 ? "" : "s"} in the sources; nothing was run (cdktf.out was left as it was).\n`);
    process.exit(1);
  }
  for (const w of result.warnings) process.stderr.write((await esbuild.formatMessages([w], { kind: "warning", color: false })).join(""));
  // Written next to the target and renamed into place: runs started at the same moment never read half a file.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }

  // The bundle runs as the main module, with process.argv as if the entry itself had been started.
  process.argv = [process.argv[0], entry, ...args];
  process.on("uncaughtException", (e) => {
    process.stderr.write(`${mapStack(e)}\n`);
    process.exit(1);
  });
  const Module = require("node:module");
  const mainModule = new Module(outfile, null);
  mainModule.filename = outfile;
  mainModule.paths = Module._nodeModulePaths(path.dirname(outfile));
  process.mainModule = mainModule;
  mainModule.load(outfile);
}

main().catch((e) => {
  process.stderr.write(`${mapStack(e)}\n`);
  process.exit(1);
});

/** An error's stack with the bundle's frames as .ts:line:col. */
function mapStack(e) {
  const stack = e instanceof Error && e.stack ? e.stack : String(e);
  let map;
  try {
    map = new SourceMap(JSON.parse(fs.readFileSync(`${outfile}.map`, "utf8")));
  } catch {
    return stack;
  }
  const mapDir = path.dirname(outfile);
  return stack.replace(new RegExp(`${escape(outfile)}:(\\d+):(\\d+)`, "g"), (whole, line, column) => {
    const hit = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!hit || !hit.originalSource) return whole;
    return `${path.relative(process.cwd(), path.resolve(mapDir, hit.originalSource))}:${hit.originalLine + 1}:${hit.originalColumn + 1}`;
  });
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
