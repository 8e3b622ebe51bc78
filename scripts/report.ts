/**
 * The environment report: one static HTML page per environment (no script, no external request).
 *
 *   npm run report -- <env> [--plan plan.json] [--out file.html] [--policy tandem-preview.json] [--commit sha]
 *   npm run report [--out-dir reports] [--plan <env>=plan.json]...     every environment, plus index.html
 *
 * Built from the validated config and the stack `cliStack` builds exactly as the deploy does (its constructs and
 * the JSON it synthesizes); `--plan` is summarized and guarded by the PR preview's own code.
 * Exit codes: 0 written; 1 an invalid config or construct (nothing written); 2 usage; 3 a plan was refused (the page
 * is written and says so).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { environments } from "../environments";
import { DEFAULT_POLICY, parsePolicy, PreviewPolicy } from "../src/preview";
import { buildReport, REPORT_USAGE as USAGE } from "./report/build";
import { indexPage, IndexEntry, summaryLine } from "./report/html/page";
const DEFAULT_DIR = "reports";
const DEFAULT_POLICY_FILE = "tandem-preview.json";

export interface ReportArgs {
  readonly env?: string;
  readonly plans: Readonly<Record<string, string>>;
  readonly out?: string;
  readonly outDir: string;
  readonly policy?: string;
  readonly commit?: string;
}

/** Parses the command line; a string is the usage problem. */
export function parseReportArgs(argv: readonly string[]): ReportArgs | string {
  let env: string | undefined;
  const plans: Record<string, string> = {};
  const o: { out?: string; outDir?: string; policy?: string; commit?: string } = {};
  let barePlan: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      if (env !== undefined) return `one environment at a time (got ${env} and ${arg}); without one, every environment`;
      env = arg;
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value === "") return `missing value for ${arg}`;
    if (arg === "--plan") {
      const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(value);
      if (m) plans[m[1]] = m[2];
      else barePlan = value;
    } else if (arg === "--out") o.out = value;
    else if (arg === "--out-dir") o.outDir = value;
    else if (arg === "--policy") o.policy = value;
    else if (arg === "--commit") o.commit = value;
    else return `unknown option ${arg}`;
  }
  if (barePlan !== undefined) {
    if (env === undefined) return "--plan <file> needs an environment (or --plan <env>=<file>)";
    plans[env] = barePlan;
  }
  if (o.out !== undefined && env === undefined) return "--out writes one page: name the environment (or use --out-dir)";
  return { env, plans, out: o.out, outDir: o.outDir ?? DEFAULT_DIR, policy: o.policy, commit: o.commit };
}

function commitOf(args: ReportArgs): string | undefined {
  if (args.commit) return args.commit;
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  const r = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function policyOf(args: ReportArgs): PreviewPolicy {
  const file = args.policy ?? (fs.existsSync(DEFAULT_POLICY_FILE) ? DEFAULT_POLICY_FILE : undefined);
  return file ? parsePolicy(fs.readFileSync(file, "utf8"), file) : DEFAULT_POLICY;
}

function write(file: string, html: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, html);
}

export function main(argv: readonly string[]): number {
  const args = parseReportArgs(argv);
  if (typeof args === "string") {
    console.error(`npm run report: ${args}\nusage: ${USAGE}`);
    return 2;
  }
  let policy: PreviewPolicy;
  try {
    policy = policyOf(args);
  } catch (e) {
    console.error(`npm run report: ${(e as Error).message}`);
    return 2;
  }
  const now = new Date();
  const commit = commitOf(args);
  const names = args.env !== undefined ? [args.env] : Object.keys(environments);
  for (const stack of Object.keys(args.plans)) if (!names.includes(stack)) return (console.error(`npm run report: --plan for ${stack}, which is not reported`), 2);
  const entries: IndexEntry[] = [];
  let refused = false;
  for (const env of names) {
    const started = process.hrtime.bigint();
    const built = buildReport(env, { plan: args.plans[env], policy, commit, now });
    if (typeof built === "number") return built;
    const file = args.out ?? path.join(args.outDir, `${env}.html`);
    write(file, built.html);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (built.model.plan?.refused) {
      refused = true;
      console.error(`npm run report: ${env}: plan refused: ${built.model.plan.refused}`);
    }
    console.log(`report: ${env} → ${file} (${(Buffer.byteLength(built.html) / 1024).toFixed(1)} KiB, ${ms.toFixed(0)} ms)`);
    entries.push({ env, file: `${env}.html`, summary: summaryLine(built.model) });
  }
  if (args.env === undefined) {
    const index = path.join(args.outDir, "index.html");
    write(index, indexPage(entries, now.toISOString()));
    console.log(`report: index → ${index}`);
  }
  return refused ? 3 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
