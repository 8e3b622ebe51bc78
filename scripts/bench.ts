/**
 * npm run bench [-- --quick] [-- --no-test] [-- --write]
 * Measures how fast Tandem synthesizes, next to the way a `cdktf init --template=typescript` project runs the same
 * code, and writes BENCHMARKS.md (--quick: fewer runs, prints only unless --write; --no-test: skips `npm test`).
 * Every comparison runs side by side in one run, alternating the two sides; medians and min-max.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CpuProfile, inclusiveMs, ProfileSummary, summarizeProfile } from "./bench/profile";
import { hasDeepImport, rewriteDeepImports } from "./bench/rewrite-imports";
import { formatSpread, linearFit, linearOrBetter, marginalCosts, median } from "./bench/stats";

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = !quick || args.includes("--write");
const runTests = !args.includes("--no-test");
const RUNS = quick ? 2 : 5;
const NAIVE_RUNS = quick ? 1 : 3;
const CLI_RUNS = quick ? 1 : 3;
const SCALE_RUNS = quick ? 1 : 3;
const TSC_RUNS = quick ? 1 : 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-"));

interface Sample {
  wallS: number;
  rssMb: number;
  stdout: string;
  /** Exit status (only non-zero when the caller allowed failure). */
  status: number;
}

/**
 * Runs a shell command under GNU time: wall seconds, and the peak RSS of the largest process in its tree
 * (getrusage of the children, which is what `%M` reports).
 */
function timed(command: string, cwd: string, env: Record<string, string> = {}, allowFailure = false): Sample {
  const timeFile = path.join(tmp, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", timeFile, "bash", "-c", command], {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  if (r.status !== 0 && !(allowFailure && r.status !== null)) throw new Error(`\`${command}\` failed in ${cwd} (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout).slice(-2000)}`);
  const [wall, kb] = fs.readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  return { wallS: wall, rssMb: Math.round(kb / 1024), stdout: r.stdout, status: r.status ?? 1 };
}

const walls = (xs: readonly Sample[]) => xs.map((s) => s.wallS);
const rss = (xs: readonly Sample[]) => xs.map((s) => s.rssMb);

/** A copy of the app as `cdktf init --template=typescript` would run it: ts-node, provider package roots. */
function naiveCopy(): { dir: string; files: number; rewritten: number } {
  const dir = path.join(tmp, "naive");
  let files = 0;
  let rewritten = 0;
  const copy = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const src = path.join(rel, entry.name);
      if (entry.isDirectory()) copy(src);
      else if (entry.name.endsWith(".ts")) {
        const original = fs.readFileSync(path.join(root, src), "utf8");
        const text = rewriteDeepImports(original);
        if (hasDeepImport(text)) throw new Error(`${src}: a deep provider import the rewriter does not understand is left; the naive side would not be naive.`);
        files++;
        if (text !== original) rewritten++;
        fs.mkdirSync(path.join(dir, rel), { recursive: true });
        fs.writeFileSync(path.join(dir, src), text);
      }
    }
  };
  fs.mkdirSync(dir, { recursive: true });
  for (const d of ["src", "stacks", "environments"]) copy(d);
  fs.copyFileSync(path.join(root, "main.ts"), path.join(dir, "main.ts"));
  files++;
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  const template = path.join(root, "node_modules/@cdktf/cli-core/templates/typescript");
  // The template's tsconfig, with lib/target raised to ES2022 because our code uses ES2019+ library calls.
  const tsconfig = JSON.parse(fs.readFileSync(path.join(template, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  Object.assign(tsconfig.compilerOptions, { lib: ["es2022"], target: "ES2022", types: ["node"] });
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  // The template's cdktf.json (app: `npx ts-node main.ts`), placeholders filled.
  const cdktfJson = fs
    .readFileSync(path.join(template, "cdktf.json"), "utf8")
    .replace("{{projectId}}", "bench")
    .replace("{{sendCrashReports}}", "false")
    .replace("{{futureFlags}}", "");
  fs.writeFileSync(path.join(dir, "cdktf.json"), cdktfJson);
  return { dir, files, rewritten };
}

function stackFiles(outdir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of fs.readdirSync(path.join(outdir, "stacks")).sort()) out[s] = fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8");
  return out;
}

function readProfile(dir: string): CpuProfile {
  const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
}

const lines: string[] = [];
const say = (line = "") => {
  lines.push(line);
  console.log(line);
};
const pct = (x: number) => `${x.toFixed(1)} %`;
/** Whole milliseconds, or tenths below 10 ms. */
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

function sayProfile(summary: ProfileSummary, modules = 8, functions = 10): void {
  say(`Self time by module (${ms(summary.totalMs)} sampled):`);
  say();
  say("| module | self time | share |");
  say("|---|---:|---:|");
  for (const r of summary.modules.slice(0, modules)) say(`| ${r.name} | ${ms(r.ms)} | ${pct(r.percent)} |`);
  if (functions > 0) {
    say();
    say("Top functions by self time:");
    say();
    say("| function | self time | share |");
    say("|---|---:|---:|");
    for (const r of summary.functions.slice(0, functions)) say(`| \`${r.name.replace(/\|/g, "\\|")}\` | ${ms(r.ms)} | ${pct(r.percent)} |`);
  }
  say();
}

/** Where a profile's time went, by phase. */
function phases(profile: CpuProfile): { total: number; loading: number; synth: number; traces: number } {
  const total = inclusiveMs(profile, () => true);
  // `require` from the module helpers is every import after the entry file, including the imported code's top level.
  const loading = inclusiveMs(profile, (f) => f.functionName === "require" && f.url === "node:internal/modules/helpers");
  const synth = inclusiveMs(profile, (f) => f.functionName === "synth" && f.url.endsWith("node_modules/cdktf/lib/app.js"));
  const traces = inclusiveMs(profile, (f) => f.functionName === "captureStackTrace" && f.url.endsWith("cdktf/lib/tokens/private/stack-trace.js"));
  return { total, loading, synth, traces };
}

interface Target {
  readonly name: string;
  readonly measured: string;
  readonly met: boolean | undefined;
  readonly note?: string;
}

function main(): void {
  const app = (JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string }).app;
  const targets: Target[] = [];
  const load = os.loadavg().map((x) => x.toFixed(2)).join(", ");
  say("# Benchmarks");
  say();
  say("Written by `npm run bench` (`scripts/bench.ts`); do not edit by hand.");
  say();
  say(
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${os.platform()} ${os.release()}; ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}. ` +
      `Load average at start: ${load}. Other processes were not stopped, so a busy machine shows up as spread (min-max) and slower medians.`,
  );
  say();
  say(`Runs per side: ${RUNS} (ours), ${NAIVE_RUNS} (naive), ${CLI_RUNS} (CLI, each side), ${SCALE_RUNS} (scaling), ${TSC_RUNS} (type-check)${quick ? " (--quick)" : ""}. Times are medians with (min-max); peak RSS is the largest process's.`);
  say();

  // 1. App synth, all environments.
  const naive = naiveCopy();
  // Untimed warm-up of ours (file cache, tsx's transpile cache), recording any file loaded from dist/.
  const probe = path.join(tmp, "dist-probe.cjs");
  const probeOut = path.join(tmp, "dist-loaded.json");
  fs.writeFileSync(
    probe,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(probeOut)}, JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(path.join(root, "dist") + path.sep)})))));\n`,
  );
  timed(app, root, { CDKTF_OUTDIR: path.join(tmp, "warm-up"), NODE_OPTIONS: `--require ${probe}` });
  const distLoaded = JSON.parse(fs.readFileSync(probeOut, "utf8")) as string[];

  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let i = 0; i < Math.max(RUNS, NAIVE_RUNS); i++) {
    if (i < RUNS) ours.push(timed(app, root, { CDKTF_OUTDIR: path.join(tmp, `ours-${i}`) }));
    if (i < NAIVE_RUNS) theirs.push(timed("npx ts-node main.ts", naive.dir, { CDKTF_OUTDIR: path.join(tmp, `naive-${i}`) }));
  }
  const oursStacks = stackFiles(path.join(tmp, "ours-0"));
  const naiveStacks = stackFiles(path.join(tmp, "naive-0"));
  const differing = [...new Set([...Object.keys(oursStacks), ...Object.keys(naiveStacks)])].filter((s) => oursStacks[s] !== naiveStacks[s]);
  const ratio = median(walls(ours)) / median(walls(theirs));
  say("## 1. App synth, all environments");
  say();
  say(`Stacks: ${Object.keys(oursStacks).join(", ")}.`);
  say();
  say("| setup | wall time | peak RSS |");
  say("|---|---|---|");
  say(`| ours: \`${app}\` (cdktf.json's app; deep provider imports) | ${formatSpread(walls(ours), "s")} | ${formatSpread(rss(ours), "MB", 0)} |`);
  say(`| naive: \`npx ts-node main.ts\` (cdktf init's app, type-checking), provider package roots | ${formatSpread(walls(theirs), "s")} | ${formatSpread(rss(theirs), "MB", 0)} |`);
  say();
  say(`Ratio ours / naive (medians): wall time **${ratio.toFixed(3)}**, peak RSS **${(median(rss(ours)) / median(rss(theirs))).toFixed(3)}**.`);
  say();
  say(
    `The naive side is a temporary copy of main.ts, src/, stacks/ and environments/ (${naive.files} files; ${naive.rewritten} had their deep provider imports rewritten to the package roots, ` +
      "`import { containerCluster as google_containerCluster } from \"@cdktf/provider-google\"; import ContainerCluster = google_containerCluster.ContainerCluster;`), " +
      "with the tsconfig.json and cdktf.json of `cdktf init --template=typescript` (node_modules/@cdktf/cli-core/templates/typescript; lib/target raised to ES2022 for our library calls).",
  );
  say();
  say(
    `Same code, same output: the cdk.tf.json of every stack is ${differing.length === 0 ? "byte-identical on both sides" : `DIFFERENT for ${differing.join(", ")}`}. ` +
      `Ours synthesizes the current sources every time: ${distLoaded.length === 0 ? "no file under dist/ was loaded" : `it LOADED ${distLoaded.length} files from dist/`}${app.includes("tsx") ? " (tsx transpiles each file on load, without type-checking; its cache is keyed by content)" : ""}.`,
  );
  say();
  const oursMaxRss = Math.max(...rss(ours));
  let appNote = "";
  if (app.startsWith("node ")) {
    const profDir = path.join(tmp, "prof-app");
    timed(app.replace(/^node /, `node --cpu-prof --cpu-prof-dir ${profDir} `), root, { CDKTF_OUTDIR: path.join(tmp, "ours-prof") });
    const profile = readProfile(profDir);
    const p = phases(profile);
    say(
      `Where our ${ms(p.total)} go (one CPU-profiled run; the rest of the wall time is Node start-up): loading modules (imports, including their top-level code) ${ms(p.loading)}, ` +
        `\`app.synth()\` ${ms(p.synth)}, of which cdktf capturing a stack trace for each token ${ms(p.traces)}.`,
    );
    say();
    const summary = summarizeProfile(profile, root);
    sayProfile(summary, 6, 0);
    const tsx = summary.modules.find((r) => r.name === "tsx");
    appNote = ` In the profiled run ${ms(p.loading)} of ${ms(p.total)} is loading modules${tsx ? ` (tsx's own work on each loaded file: ${ms(tsx.ms)})` : ""}, and ${ms(p.synth)} is \`app.synth()\`.`;
  }
  targets.push({
    name: "App synth time, ours / naive <= 0.10",
    measured: ratio.toFixed(3),
    met: ratio <= 0.1,
    note: `ours ${formatSpread(walls(ours), "s")} against naive ${formatSpread(walls(theirs), "s")}; compare the spreads before reading much into a small miss.${appNote}`,
  });
  targets.push({
    name: "Peak RSS of the app synth <= 200 MB",
    measured: formatSpread(rss(ours), "MB", 0),
    met: median(rss(ours)) <= 200,
    note: `median ${median(rss(ours))} MB, largest of ${ours.length} runs ${oursMaxRss} MB (the peak moves with garbage-collection timing on a busy machine).`,
  });

  // 2. cdktf synth end to end.
  const cliOurs: Sample[] = [];
  const cliNaive: Sample[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    cliOurs.push(timed(`npx cdktf synth --output ${path.join(tmp, `cli-ours-${i}`)}`, root));
    cliNaive.push(timed(`npx cdktf synth --output ${path.join(tmp, `cli-naive-${i}`)}`, naive.dir));
  }
  const cliBase = timed("npx cdktf --version", root);
  say("## 2. `npx cdktf synth`, end to end (CLI included)");
  say();
  say("`CHECKPOINT_DISABLE=1 npx cdktf synth --output <tmp>`, in the repository (our cdktf.json) and in the naive copy (the template's cdktf.json).");
  say();
  say("| setup | wall time | peak RSS |");
  say("|---|---|---|");
  say(`| ours | ${formatSpread(walls(cliOurs), "s")} | ${formatSpread(rss(cliOurs), "MB", 0)} |`);
  say(`| naive | ${formatSpread(walls(cliNaive), "s")} | ${formatSpread(rss(cliNaive), "MB", 0)} |`);
  say();
  const cliOverhead = median(walls(cliOurs)) - median(walls(ours));
  say(
    `Ratio ours / naive (medians): **${(median(walls(cliOurs)) / median(walls(cliNaive))).toFixed(3)}**. ` +
      `The CLI adds ${cliOverhead.toFixed(1)} s to our app's ${median(walls(ours)).toFixed(1)} s (\`npx cdktf --version\` alone: ${cliBase.wallS.toFixed(1)} s; ` +
      "the rest is the CLI's own work around the app: it runs \`terraform version\` and \`node --version\` before starting it and reads the synthesized output after)." +
      (median(rss(cliOurs)) > oursMaxRss ? " Its peak RSS is the CLI's own Node process, above our app's (section 1): not ours to shrink." : ""),
  );
  say();

  // 3. Scaling.
  interface Scale {
    appMs: number;
    buildMs: number;
    synthMs: number;
    rssMb: number;
  }
  const cases: [string, number[]][] = [
    ["blue-green", [1, 10, 50, 100]],
    ["platform", [10, 50, 100]],
    ["ports", [10, 50, 100]],
  ];
  const results = new Map<string, Scale[]>();
  // Rounds over every case, so drift on a busy machine spreads over all of them.
  for (let r = 0; r < SCALE_RUNS; r++) {
    for (const [kind, ns] of cases) {
      for (const n of ns) {
        const s = timed(`node --require tsx/cjs scripts/bench/scale-app.ts ${kind} ${n}`, root);
        const out = JSON.parse(s.stdout) as Omit<Scale, "rssMb">;
        const key = `${kind} ${n}`;
        results.set(key, [...(results.get(key) ?? []), { ...out, rssMb: s.rssMb }]);
      }
    }
  }
  const med = (kind: string, n: number, field: keyof Scale) => median(results.get(`${kind} ${n}`)!.map((s) => s[field]));
  say("## 3. Scaling");
  say();
  say("`scripts/bench/scale-app.ts`: one stack with N of a kind. App time is building the construct tree plus `app.synth()` (imports excluded), measured in the process; peak RSS is the whole process's.");
  say();
  say("- blue-green: N `BlueGreenService`s (Kubernetes provider): two Deployments, three Services, HPA, PDB, NetworkPolicy, ServiceAccount ... each");
  say("- platform: one `ParallelPlatform` (Docker target, as dev) with N services: the port plan, a container per service, the router");
  say("- ports: `planPorts` alone for N services (pure allocation)");
  say();
  say("| case | N | app time | build | synth | per service | peak RSS |");
  say("|---|---:|---:|---:|---:|---:|---:|");
  for (const [kind, ns] of cases) {
    for (const n of ns) {
      const xs = results.get(`${kind} ${n}`)!;
      say(
        `| ${kind} | ${n} | ${formatSpread(xs.map((s) => s.appMs), "ms", med(kind, n, "appMs") < 10 ? 1 : 0)} | ${ms(med(kind, n, "buildMs"))} | ${ms(med(kind, n, "synthMs"))} | ${(med(kind, n, "appMs") / n).toFixed(2)} ms | ${formatSpread(xs.map((s) => s.rssMb), "MB", 0)} |`,
      );
    }
  }
  say();
  for (const [kind, ns] of cases) {
    const time = ns.map((n) => [n, med(kind, n, "appMs")] as const);
    const largest = time[time.length - 1][1];
    if (largest < 20) {
      // Below the timer's and the JIT's noise: no growth to judge.
      say(`- ${kind}: negligible, ${ms(largest)} at N = ${ns[ns.length - 1]}; memory is the process's baseline.`);
      continue;
    }
    const mem = ns.map((n) => [n, med(kind, n, "rssMb")] as const);
    const fit = linearFit(time);
    const memFit = linearFit(mem);
    const marginal = marginalCosts(time).map((m, i) => `${ns[i]}->${ns[i + 1]}: ${m.toFixed(2)}`);
    say(
      `- ${kind}: ${fit.slope.toFixed(2)} ms and ${memFit.slope.toFixed(2)} MB per service (least squares, r2 ${fit.r2.toFixed(3)}); ms per extra service ${marginal.join(", ")}: ` +
        `**${linearOrBetter(time) ? "linear or better" : "worse than linear"}** (the last interval costs at most 1.25x per service what the earlier ones did).`,
    );
  }
  say();
  const bg100 = results.get("blue-green 100")!.map((s) => s.appMs / 1000);
  const pf100 = results.get("platform 100")!.map((s) => s.appMs / 1000);
  const bgRss = results.get("blue-green 100")!.map((s) => s.rssMb);
  targets.push({
    name: "Peak RSS <= 200 MB also for one stack of 100 blue-green services (scaling app)",
    measured: formatSpread(bgRss, "MB", 0),
    met: median(bgRss) <= 200,
    note:
      median(bgRss) <= 200
        ? undefined
        : "about 0.6 MB per service on a ~135 MB base (Node, tsx, cdktf, the provider classes). Much of the growth is cdktf keeping a formatted stack trace on every token (see the profile in section 3).",
  });

  const profDir = path.join(tmp, "prof-scale");
  timed(`node --cpu-prof --cpu-prof-dir ${profDir} --require tsx/cjs scripts/bench/scale-app.ts blue-green 100`, root);
  const profile = readProfile(profDir);
  const p = phases(profile);
  const own = summarizeProfile(profile, root, Number.MAX_SAFE_INTEGER).modules.filter((r) => r.name.startsWith("tandem "));
  const ownPct = own.reduce((a, r) => a + r.percent, 0);
  targets.push({
    name: "100 services synthesize in <= 2 s of app time",
    measured: `blue-green ${formatSpread(bg100, "s")}; platform ${formatSpread(pf100, "s")}`,
    met: median(bg100) <= 2 && median(pf100) <= 2,
    note: `the blue-green time is cdktf's: in the profiled run \`app.synth()\` took ${ms(p.synth)}, and cdktf capturing a stack trace per token (while building and synthesizing) ${ms(p.traces)}; Tandem's own code is ${pct(ownPct)} of the self time (section 3).`,
  });
  say("### CPU profile of the largest case (100 blue-green services)");
  say();
  say(
    `${ms(p.total)} sampled for the whole process: loading modules ${ms(p.loading)}, \`app.synth()\` ${ms(p.synth)} (resolving tokens and writing JSON), ` +
      `the rest building the construct tree. cdktf capturing a full stack trace for each token it creates (every typed attribute reference of a provider resource makes some) takes ${ms(p.traces)} (${pct((100 * p.traces) / p.total)}); ` +
      `Tandem's own files take ${pct(ownPct)} of the self time (${own.slice(0, 3).map((r) => `${r.name.replace(/^tandem /, "")} ${ms(r.ms)}`).join(", ")}): the rest is cdktf's per-resource and per-token work, which grows with the number of resources, and loading modules.`,
  );
  say();
  sayProfile(summarizeProfile(profile, root));

  // 4. Developer loop.
  say("## 4. Developer loop");
  say();
  const cache = path.join(root, "node_modules/.cache/tsc");
  const cold: Sample[] = [];
  const warm: Sample[] = [];
  const native: Sample[] = [];
  let nativeError: string | undefined;
  for (let i = 0; i < TSC_RUNS; i++) {
    fs.rmSync(cache, { recursive: true, force: true });
    // Type errors (someone's work in progress) do not stop the bench; they are reported with the times.
    cold.push(timed("npx tsc --noEmit -p tsconfig.json", root, {}, true));
    warm.push(timed("npx tsc --noEmit -p tsconfig.json", root, {}, true));
    if (nativeError) continue;
    try {
      // Not incremental, so it neither reads nor overwrites TypeScript 5.9's build info: always a cold check.
      const s = timed("npx -y -p typescript@7.0.2 tsc --noEmit -p tsconfig.json --incremental false", root, {}, true);
      if (s.status !== 0 && !/error TS\d+/.test(s.stdout)) throw new Error(s.stdout.slice(-300) || `exit ${s.status}`);
      native.push(s);
    } catch (e) {
      nativeError = String((e as Error).message).split("\n").slice(0, 3).join(" ").slice(0, 300);
    }
  }
  say("| check | wall time | peak RSS |");
  say("|---|---|---|");
  say(`| \`tsc --noEmit\` TypeScript 5.9, cold (no build info) | ${formatSpread(walls(cold), "s")} | ${formatSpread(rss(cold), "MB", 0)} |`);
  say(`| \`tsc --noEmit\` TypeScript 5.9, warm (incremental, nothing changed) | ${formatSpread(walls(warm), "s")} | ${formatSpread(rss(warm), "MB", 0)} |`);
  if (native.length > 0) say(`| \`tsc --noEmit\` native TypeScript 7.0.2 (Go), cold | ${formatSpread(walls(native), "s")} | ${formatSpread(rss(native), "MB", 0)} |`);
  say();
  const errors = (xs: readonly Sample[]) => (xs.some((x) => x.status !== 0) ? `reports type errors (${(xs.find((x) => x.status !== 0)?.stdout.match(/error TS\d+/g) ?? []).length})` : "reports no errors");
  say(`TypeScript 5.9 ${errors(cold)}.`);
  if (native.length > 0) {
    const faster = median(walls(native)) / median(walls(cold));
    say(
      `The native compiler ${errors(native)} and checks the project cold in ${faster.toFixed(2)}x the time of TypeScript 5.9 cold (${(median(walls(native)) / median(walls(warm))).toFixed(2)}x of 5.9 warm). ` +
        "It is not adopted: `npm run typecheck` stays on 5.9, the TypeScript API that typescript-eslint and ts-jest load; " +
        "the tsconfig works with both (node16 resolution), so switching `typecheck` to the native compiler is a one-line change when its API is supported by those tools.",
    );
  } else {
    say(`Native TypeScript 7.0.2 did not run: ${nativeError ?? "unknown error"}.`);
  }
  say();
  if (runTests) {
    const jestJson = path.join(tmp, "jest.json");
    // npm appends the arguments to the script's last command, jest.
    // A failing check does not stop the bench; it is reported next to the time.
    const test = timed(`npm test --silent -- --json --outputFile=${jestJson}`, root, {}, true);
    const typecheck = timed("npm run typecheck --silent", root, {}, true);
    const lint = timed("npm run lint --silent", root, {}, true);
    let testWall = test.wallS;
    let testRss = test.rssMb;
    let estimated = false;
    if (!fs.existsSync(jestJson)) {
      // typecheck or lint failed, so jest never ran: time jest alone and estimate npm test as the sum of its parts.
      say(`\`npm test\` FAILED before jest ran (typecheck exit ${typecheck.status}, lint exit ${lint.status}); its time below is an ESTIMATE: typecheck + lint + jest timed separately.`);
      say();
      const jest = timed(`npx jest --silent --json --outputFile=${jestJson}`, root, {}, true);
      testWall = typecheck.wallS + lint.wallS + jest.wallS;
      testRss = Math.max(typecheck.rssMb, lint.rssMb, jest.rssMb);
      estimated = true;
    }
    const report = JSON.parse(fs.readFileSync(jestJson, "utf8")) as {
      startTime: number;
      numTotalTests: number;
      numTotalTestSuites: number;
      numFailedTests: number;
      testResults: { name: string; startTime: number; endTime: number }[];
    };
    const jestWall = (Math.max(...report.testResults.map((t) => t.endTime)) - report.startTime) / 1000;
    const suites = report.testResults.map((t) => ({ name: path.relative(root, t.name), s: (t.endTime - t.startTime) / 1000 })).sort((a, b) => b.s - a.s);
    const suiteSum = suites.reduce((a, t) => a + t.s, 0);
    say(
      `\`npm test\` (typecheck + lint + jest, ${report.numTotalTestSuites} suites, ${report.numTotalTests} tests): **${testWall.toFixed(1)} s${estimated ? " (estimate)" : ""}**, peak RSS ${testRss} MB` +
        `${test.status === 0 ? "" : ` (it FAILED, exit ${test.status}${report.numFailedTests ? `: ${report.numFailedTests} failing tests` : ""})`}.`,
    );
    say();
    say(
      `Where it goes: typecheck ${typecheck.wallS.toFixed(1)} s (warm), lint ${lint.wallS.toFixed(1)} s, jest ${jestWall.toFixed(1)} s wall ` +
        `(${suiteSum.toFixed(1)} s of suites over ${os.cpus().length} workers), npm and jest start-up the rest. Slowest suites:`,
    );
    say();
    say("| suite | time |");
    say("|---|---:|");
    for (const t of suites.slice(0, 6)) say(`| ${t.name} | ${t.s.toFixed(1)} s |`);
    say();
    targets.push({
      name: `\`npm test\` <= 30 s on this ${os.cpus().length}-core machine`,
      measured: `${testWall.toFixed(1)} s${estimated ? " (estimate: npm test failed at typecheck or lint)" : ""}`,
      met: estimated ? undefined : testWall <= 30,
      note:
        testWall <= 30
          ? undefined
          : `jest is ${jestWall.toFixed(1)} s of it; slowest suites: ${suites
              .slice(0, 3)
              .map((t) => `${t.name} ${t.s.toFixed(1)} s`)
              .join(", ")}.`,
    });
  } else {
    targets.push({ name: "`npm test` <= 30 s", measured: "not run (--no-test)", met: undefined });
  }

  finish(targets);
}

function finish(targets: readonly Target[]): void {
  say("## Targets");
  say();
  say("| target | measured | met |");
  say("|---|---|---|");
  for (const t of targets) say(`| ${t.name} | ${t.measured} | ${t.met === undefined ? "not judged" : t.met ? "yes" : "**no**"} |`);
  say();
  const notes = targets.filter((x) => x.met === false && x.note);
  for (const t of notes) say(`- ${t.name}: ${t.note}`);
  if (notes.length > 0) say();
  say(`Load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(", ")}.`);
  if (write) fs.writeFileSync(path.join(root, "BENCHMARKS.md"), lines.join("\n") + "\n");
  else console.log("\n(--quick: BENCHMARKS.md not written; add --write to write it.)");
}

try {
  main();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
