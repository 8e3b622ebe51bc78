/**
 * npm run bench [-- --quick]: measures how fast Tandem synthesizes and writes BENCHMARKS.md.
 * Every comparison runs side by side in one run, alternating the two sides; medians and min-max.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rewriteDeepImports } from "./bench/rewrite-imports";

const root = path.resolve(__dirname, "..");
const quick = process.argv.includes("--quick");
const RUNS = quick ? 2 : 5;
const NAIVE_RUNS = quick ? 1 : 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-"));

interface Sample {
  wallS: number;
  rssMb: number;
  stdout: string;
}

/** Runs a shell command under GNU time; wall seconds and peak RSS of the whole process tree's largest member. */
function timed(command: string, cwd: string, env: Record<string, string> = {}): Sample {
  const timeFile = path.join(tmp, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", timeFile, "bash", "-c", command], {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${command} failed in ${cwd}:\n${r.stderr.slice(-2000)}`);
  const [wall, kb] = fs.readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  return { wallS: wall, rssMb: Math.round(kb / 1024), stdout: r.stdout };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (xs: number[], unit: string, digits = 2) => `${median(xs).toFixed(digits)} ${unit} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

/** A copy of the app as `cdktf init --template=typescript` would run it: ts-node, provider package roots. */
function naiveCopy(): string {
  const dir = path.join(tmp, "naive");
  const copy = (rel: string) => {
    const from = path.join(root, rel);
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const src = path.join(rel, entry.name);
      if (entry.isDirectory()) copy(src);
      else if (entry.name.endsWith(".ts")) {
        fs.mkdirSync(path.join(dir, rel), { recursive: true });
        fs.writeFileSync(path.join(dir, src), rewriteDeepImports(fs.readFileSync(path.join(root, src), "utf8")));
      }
    }
  };
  fs.mkdirSync(dir, { recursive: true });
  for (const d of ["src", "stacks", "environments"]) copy(d);
  fs.writeFileSync(path.join(dir, "main.ts"), fs.readFileSync(path.join(root, "main.ts"), "utf8"));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  // The template's tsconfig (node_modules/@cdktf/cli-core/templates/typescript), with lib/target raised to
  // ES2022 because our code uses ES2019+ library calls.
  const template = JSON.parse(fs.readFileSync(path.join(root, "node_modules/@cdktf/cli-core/templates/typescript/tsconfig.json"), "utf8"));
  template.compilerOptions.lib = ["es2022"];
  template.compilerOptions.target = "ES2022";
  template.compilerOptions.types = ["node"];
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(template, null, 2));
  return dir;
}

function stackFiles(outdir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of fs.readdirSync(path.join(outdir, "stacks"))) out[s] = fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8");
  return out;
}

const lines: string[] = [];
const say = (line = "") => {
  lines.push(line);
  console.log(line);
};

function main(): void {
  const app = (JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string }).app;
  say("# Benchmarks");
  say();
  say(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Runs: ${RUNS} (ours), ${NAIVE_RUNS} (naive), alternating. Other processes on the machine were not controlled.`);
  say();

  // 1. App synth, all environments.
  const naive = naiveCopy();
  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let i = 0; i < Math.max(RUNS, NAIVE_RUNS); i++) {
    if (i < RUNS) ours.push(timed(app, root, { CDKTF_OUTDIR: path.join(tmp, `ours-${i}`) }));
    if (i < NAIVE_RUNS) theirs.push(timed("npx ts-node main.ts", naive, { CDKTF_OUTDIR: path.join(tmp, `naive-${i}`) }));
  }
  const same = JSON.stringify(stackFiles(path.join(tmp, "ours-0"))) === JSON.stringify(stackFiles(path.join(tmp, "naive-0")));
  const ratio = median(ours.map((s) => s.wallS)) / median(theirs.map((s) => s.wallS));
  say("## 1. App synth, all environments (dev, staging, production)");
  say();
  say("| setup | wall time | peak RSS |");
  say("|---|---|---|");
  say(`| ours: \`${app}\` (tsx, transpile only, deep imports) | ${fmt(ours.map((s) => s.wallS), "s")} | ${fmt(ours.map((s) => s.rssMb), "MB", 0)} |`);
  say(`| naive: \`npx ts-node main.ts\`, provider package roots | ${fmt(theirs.map((s) => s.wallS), "s")} | ${fmt(theirs.map((s) => s.rssMb), "MB", 0)} |`);
  say();
  say(`Ratio (ours / naive, medians): **${ratio.toFixed(3)}** (target <= 0.10). Same cdk.tf.json from both: ${same ? "yes" : "NO"}.`);
  say();

  // 2. cdktf synth end to end.
  const cli: Sample[] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) cli.push(timed(`npx cdktf synth --output ${path.join(tmp, `cli-${i}`)}`, root));
  say("## 2. `npx cdktf synth`, end to end (CLI included)");
  say();
  say(`${fmt(cli.map((s) => s.wallS), "s")}, peak RSS ${fmt(cli.map((s) => s.rssMb), "MB", 0)} (the CLI process itself dominates memory).`);
  say();

  // 3. Scaling.
  say("## 3. Scaling");
  say();
  say("| case | N | app time | peak RSS |");
  say("|---|---:|---:|---:|");
  const scale = (kind: string, n: number) => {
    const s = timed(`node --require tsx/cjs scripts/bench/scale-app.ts ${kind} ${n}`, root);
    const appMs = (JSON.parse(s.stdout) as { appMs: number }).appMs;
    say(`| ${kind} | ${n} | ${appMs} ms | ${s.rssMb} MB |`);
    return appMs;
  };
  const bg = [1, 10, 50, 100].map((n) => [n, scale("blue-green", n)]);
  [10, 50, 100].forEach((n) => scale("ports", n));
  const perService = (bg[3][1] - bg[1][1]) / 90;
  say();
  say(`Blue-green: ${perService.toFixed(1)} ms per extra service between 10 and 100 (${bg[2][1]} ms at 50, ${bg[3][1]} ms at 100: ${bg[3][1] / bg[2][1] <= 2.2 ? "linear or better" : "worse than linear"}).`);
  say();
  const profDir = path.join(tmp, "prof");
  timed(`node --cpu-prof --cpu-prof-dir ${profDir} --require tsx/cjs scripts/bench/scale-app.ts blue-green 100`, root);
  const prof = JSON.parse(fs.readFileSync(path.join(profDir, fs.readdirSync(profDir)[0]), "utf8")) as {
    nodes: { id: number; callFrame: { url: string; functionName: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  prof.samples.forEach((id, i) => {
    const url = byId.get(id)?.callFrame.url ?? "";
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const key = m ? m[1] : url.startsWith("file://" + root) ? `tandem ${path.relative(root, url.replace("file://", ""))}` : url ? "node internals" : "(idle/gc/program)";
    self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  say("CPU profile of the largest case (100 blue-green services), self time by module:");
  say();
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 8)) say(`- ${k}: ${((100 * v) / total).toFixed(1)} %`);
  say();

  // 4. Developer loop.
  say("## 4. Developer loop");
  say();
  fs.rmSync(path.join(root, "node_modules/.cache/tsc"), { recursive: true, force: true });
  const tscCold = timed("npx tsc --noEmit -p tsconfig.json", root);
  const tscWarm = timed("npx tsc --noEmit -p tsconfig.json", root);
  say(`- \`tsc --noEmit\` (TypeScript 5.9): cold ${tscCold.wallS.toFixed(2)} s, warm (incremental) ${tscWarm.wallS.toFixed(2)} s, peak RSS ${tscCold.rssMb} MB`);
  try {
    const ts7 = timed("npx -y -p typescript@7.0.2 tsc --noEmit -p tsconfig.json", root);
    say(`- \`tsc --noEmit\` with the native TypeScript 7.0.2 compiler (cold; \`npm run typecheck\` stays on 5.9, which ESLint's parser supports): ${ts7.wallS.toFixed(2)} s, peak RSS ${ts7.rssMb} MB`);
  } catch (e) {
    say(`- native TypeScript 7.0.2: did not run (${String((e as Error).message).split("\n").slice(-2).join(" ").slice(0, 200)})`);
  }
  if (!process.argv.includes("--no-test")) {
    const test = timed("npm test --silent", root);
    say(`- \`npm test\` (typecheck + lint + jest): ${test.wallS.toFixed(1)} s, peak RSS ${test.rssMb} MB`);
  }
  say();
  say("Targets: app synth ratio <= 0.10, peak RSS <= 200 MB, 100 services in <= 2 s of app time, `npm test` <= 30 s.");
  fs.writeFileSync(path.join(root, "BENCHMARKS.md"), lines.join("\n") + "\n");
}

try {
  main();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
