#!/usr/bin/env node
/**
 * Runs a TypeScript entry point of this project (the cdktf app, a CLI) at the speed of plain JavaScript and always
 * from the current sources: esbuild bundles the entry with every package left external (only our own files are
 * transpiled, without type-checking) into node_modules/.cache/tandem/run/, then Node runs the bundle.
 *
 *   node scripts/run-ts.cjs main.ts [args...]
 *
 * Unchanged sources are not bundled again: next to each bundle a stamp lists the files it was made from (esbuild's
 * metafile) with a hash of their contents, of the listings of their directories (a new file there could change what
 * an import resolves to), of tsconfig.json, of this file and of esbuild's version. When every one of them hashes as
 * before, the bundle is run without loading esbuild at all (~2 ms to check instead of ~100-200 ms to start esbuild
 * and bundle); when any differs, or there is no stamp, it is bundled again. The bundle run is the one whose hash the
 * stamp records, checked on the bytes that are run, so two runs racing on the cache never run a mismatched pair.
 *
 * cdktf records a stack trace for every token it creates (`Error.captureStackTrace` on a plain object with the frame
 * limit raised to the maximum, formatted at once) for its "token created at" messages: collecting and formatting
 * every frame was a third of the time of a large synth (500 blue-green services). Such traces keep their innermost
 * TOKEN_FRAMES frames (where the token was made); the stack of every real error (anything `util.types.isNativeError`
 * or `instanceof Error`) is captured and formatted as before, whole.
 *
 * A syntax error is printed as esbuild reports it (file:line:col, the line, a caret) and exits 1. A crash prints its
 * stack with the frames of our bundle mapped back to the .ts sources (source maps are read only then: mapping every
 * stack trace cdktf records while it runs costs a fifth of synth).
 *
 * `require("./run-ts.cjs").prepare(entries)` brings the bundles of several entries up to date without running them
 * (jest's global setup does this once per test run, so that the tests' child processes never start esbuild).
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const root = path.resolve(__dirname, "..");
const cacheDir = path.join(root, "node_modules", ".cache", "tandem", "run");
/** Whatever changes how a bundle is made, besides its inputs. */
const buildKey = () => hash([fs.readFileSync(__filename), fs.readFileSync(path.join(root, "tsconfig.json")), require("esbuild/package.json").version]);

function hash(parts) {
  const h = crypto.createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/** Where an entry's bundle, source map and stamp live. */
function cachePaths(entry) {
  const name = path.relative(root, entry).replace(/\.ts$/, "").replace(/[^A-Za-z0-9_-]+/g, "_");
  const outfile = path.join(cacheDir, `${name}.cjs`);
  return { outfile, map: `${outfile}.map`, stamp: `${outfile}.stamp.json` };
}

/** The hash of the inputs a stamp lists, as they are now (undefined when one is gone). */
function inputsHash(files, dirs) {
  const parts = [];
  try {
    for (const f of files) parts.push(f, fs.readFileSync(f));
    for (const d of dirs) parts.push(d, fs.readdirSync(d).sort().join("/"));
  } catch {
    return undefined;
  }
  return hash(parts);
}

/** The current bundle's code when its stamp still matches the sources, else undefined. Never loads esbuild. */
function cached(entry) {
  const { outfile, stamp } = cachePaths(entry);
  let s;
  try {
    s = JSON.parse(fs.readFileSync(stamp, "utf8"));
  } catch {
    return undefined;
  }
  if (!s || !Array.isArray(s.files) || !Array.isArray(s.dirs) || s.entry !== entry) return undefined;
  if (inputsHash(s.files, s.dirs) !== s.inputs) return undefined;
  let code;
  try {
    code = fs.readFileSync(outfile);
  } catch {
    return undefined;
  }
  if (hash([code]) !== s.bundle) return undefined;
  // Checked last: reading esbuild's package.json is the only part that touches esbuild, and it is small.
  if (buildKey() !== s.key) return undefined;
  return code.toString("utf8");
}

/**
 * What each source file would see on its own, though a bundle is one module: `__dirname`/`__filename` (put on the
 * file's first line, so line numbers stay those of the source), and `require.main === module` true only in the entry
 * (every bundled file shares the bundle's `module`, so an imported CLI would otherwise start its own main).
 */
const MAIN_CHECK = /\brequire\.main\s*===\s*module\b/g;
const fileLocals = (entry) => ({
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
});

/** Written next to the target and renamed into place: runs started at the same moment never read half a file. */
function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

/**
 * Bundles `entry` with esbuild, writes the bundle, its map and its stamp, and returns the code. A syntax error
 * (or any build error) is thrown as `{ buildErrors: string }`, already formatted.
 */
async function build(entry, esbuild = require("esbuild")) {
  const { outfile, map, stamp } = cachePaths(entry);
  const key = buildKey();
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
      plugins: [fileLocals(entry)],
      metafile: true,
      write: false,
    });
  } catch (e) {
    const messages = e && Array.isArray(e.errors) ? e.errors : [];
    if (messages.length === 0) throw e;
    const text = await esbuild.formatMessages(messages, { kind: "error", color: false });
    throw { buildErrors: `${text.join("")}${messages.length} error${messages.length === 1 ? "" : "s"} in the sources; nothing was run (cdktf.out was left as it was).\n` };
  }
  let warnings = "";
  for (const w of result.warnings) warnings += (await esbuild.formatMessages([w], { kind: "warning", color: false })).join("");
  const code = result.outputFiles.find((f) => f.path === outfile);
  const mapFile = result.outputFiles.find((f) => f.path === map);
  const files = Object.keys(result.metafile.inputs)
    .map((f) => path.resolve(root, f))
    .sort();
  const dirs = [...new Set(files.map((f) => path.dirname(f)))].sort();
  // Hashed from the files as they are after the build: an edit made while it ran shows up as a change next time.
  const inputs = inputsHash(files, dirs);
  fs.mkdirSync(cacheDir, { recursive: true });
  if (mapFile) writeAtomically(map, mapFile.contents);
  writeAtomically(outfile, code.contents);
  if (inputs !== undefined) writeAtomically(stamp, JSON.stringify({ entry, key, inputs, bundle: hash([code.contents]), files, dirs }));
  return { code: code.text, warnings };
}

/** Brings the bundles of `entries` (paths relative to the repository root, or absolute) up to date. */
async function prepare(entries) {
  const stale = entries.map((e) => path.resolve(root, e)).filter((e) => cached(e) === undefined);
  if (stale.length === 0) return;
  const esbuild = require("esbuild");
  await Promise.all(stale.map((e) => build(e, esbuild)));
}

const TOKEN_FRAMES = 6;

/**
 * A stack trace captured on anything but an error (cdktf's token traces: plain objects, with the frame limit raised
 * to the maximum) collects its TOKEN_FRAMES innermost frames only. Traces of errors are captured as before.
 */
function installTokenTraceLimit() {
  const { isNativeError } = require("node:util").types;
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = function captureStackTrace(target, constructorOpt) {
    if (isNativeError(target) || target instanceof Error || !(Error.stackTraceLimit > TOKEN_FRAMES)) return capture(target, constructorOpt);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = TOKEN_FRAMES;
    try {
      return capture(target, constructorOpt);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

/** The bundle being run, for mapping a crash's stack. */
let running;

/** Runs the bundle as the main module, with process.argv as if the entry itself had been started. */
function runBundle(entry, code, args) {
  const { outfile } = cachePaths(entry);
  running = outfile;
  process.argv = [process.argv[0], entry, ...args];
  process.on("uncaughtException", (e) => {
    process.stderr.write(`${mapStack(e)}\n`);
    process.exit(1);
  });
  installTokenTraceLimit();
  const mainModule = new Module(outfile, null);
  mainModule.filename = outfile;
  mainModule.paths = Module._nodeModulePaths(path.dirname(outfile));
  process.mainModule = mainModule;
  // Compiled from the bytes that were checked (or just built), not read again from disk.
  mainModule._compile(code, outfile);
  mainModule.loaded = true;
}

async function main() {
  const [entryArg, ...args] = process.argv.slice(2);
  if (!entryArg) {
    console.error("usage: node scripts/run-ts.cjs <entry.ts> [args...]");
    process.exit(2);
  }
  const entry = path.resolve(process.cwd(), entryArg);
  let code = cached(entry);
  if (code === undefined) {
    let built;
    try {
      built = await build(entry);
    } catch (e) {
      if (e && typeof e.buildErrors === "string") {
        process.stderr.write(e.buildErrors);
        process.exit(1);
      }
      throw e;
    }
    process.stderr.write(built.warnings);
    code = built.code;
  }
  runBundle(entry, code, args);
}

/** An error's stack with the bundle's frames as .ts:line:col. */
function mapStack(e, outfile = running) {
  const stack = e instanceof Error && e.stack ? e.stack : String(e);
  if (!outfile) return stack;
  let map;
  try {
    map = new Module.SourceMap(JSON.parse(fs.readFileSync(`${outfile}.map`, "utf8")));
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

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${mapStack(e)}\n`);
    process.exit(1);
  });
}

module.exports = { prepare };
