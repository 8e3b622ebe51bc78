/**
 * The PR preview on REAL plans of our own stacks (part of `npm run test:terraform`), real providers, dummy token,
 * `-refresh=false`, nothing applied:
 * 1. create everything (staging, empty state): counts like Terraform's;
 * 2. a prior state synthesized from the create plan (lib/state-from-plan.ts) until the same config plans
 *    "No changes"; against it, configs changed the way PRs change them: the router phase (weighted 25 % →
 *    cutover), the database tier (and the cache size: an update that carries Memorystore's AUTH string),
 *    promoting the blue-green api to green, and a move plus a forget;
 * 3. what is not a complete plan (the state itself, a -target plan) is refused;
 * 4. production: renaming the Cloud SQL instance replaces it; the guard blocks until the findings' hash is
 *    acknowledged, and a stale hash does not count.
 * Every comment, and the redacted artifact copy, is checked for the secrets planted in the state. Skipped, with the reason, where Terraform or
 * the providers cannot be had.
 */
import fs from "node:fs";
import path from "node:path";
import { environments } from "../../environments";
import { runEnvironments } from "../../src/app";
import { EXIT, runCli } from "../../src/preview/cli";
import { addEnvironmentStacks } from "../../stacks";
import { failed, formatResults, passed, skipped, StepResult, tally } from "./lib/report";
import { run } from "./lib/run";
import { converge } from "./lib/plans";
import { changesResources, PlanForState, PLANTED } from "./lib/state-from-plan";
import { findTerraform, probeProviders, providerSource, requiredProviders, workDirectory } from "./lib/terraform";

const results: StepResult[] = [];
const check = (name: string, ok: boolean, detail = "") => results.push(ok ? passed("preview", name, "ok") : failed("preview", name, detail.slice(0, 300) || "failed"));

const SCENARIOS = [
  "real plans: create everything (staging)",
  "real plans: converged state plans no changes (staging)",
  "real plans: router phase weighted 25 % → cutover (staging)",
  "real plans: database tier and cache size (staging)",
  "real plans: promote api to green (staging)",
  "real plans: a move and a forget (staging)",
  "real plans: state and -target plans refused",
  "real plans: Cloud SQL replacement blocked until acknowledged (production)",
];

type StackJson = {
  terraform: { backend?: unknown; required_providers?: Record<string, { source: string; version: string }> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  moved?: { from: string; to: string }[];
  removed?: { from: string; lifecycle: { destroy: boolean } }[];
};
type Terraform = (dir: string, args: string[]) => string;
type Staging = typeof environments.staging;

/** Synthesizes one environment (patched) into its own directory and returns its cdk.tf.json. */
function synth(work: string, label: string, env: "staging" | "production", patch: (e: Staging) => unknown = (e) => e): StackJson {
  const outdir = path.join(work, `synth-${label}`);
  const raw = env === "staging" ? patch(environments.staging) : environments.production;
  const code = runEnvironments({ [env]: raw }, addEnvironmentStacks, { outdir, log: () => undefined });
  if (code !== 0) throw new Error(`synth of ${label} failed`);
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "cdk.tf.json"), "utf8")) as StackJson;
}

/** One preview run, in process (the same code as the `tandem-preview` bin). TANDEM_PREVIEW_COMMENTS=<dir> keeps the comments. */
let runs = 0;
function preview(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, {}, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: () => new Date() });
  const keep = process.env.TANDEM_PREVIEW_COMMENTS;
  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    fs.writeFileSync(path.join(keep, `${String(++runs).padStart(2, "0")}-${path.basename(args[0].split("=").pop() ?? "plan", ".json")}.md`), stdout);
  }
  return { code, stdout, stderr };
}

function main(): number {
  const work = workDirectory("tandem-preview-");
  try {
    const tf = findTerraform();
    if ("missing" in tf) return skipAll(tf.missing);
    const source = providerSource(work);
    const base = synth(work, "staging", "staging");
    const missing = [...probeProviders(tf, source, requiredProviders(base), work)].filter(([, reason]) => reason !== undefined);
    if (missing.length > 0) return skipAll(`providers not available from the ${source.description}: ${missing.map(([p, r]) => `${p} (${r})`).join(", ")}`);
    const terraform: Terraform = (dir, args) => {
      const r = run(tf.binary, args, { cwd: dir, env: { ...source.env, GOOGLE_OAUTH_ACCESS_TOKEN: "offline-dummy-token" } });
      if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir}:\n${(r.stderr || r.stdout).slice(0, 2000)}`);
      return r.stdout;
    };
    try {
      planChecks(terraform, work, base);
    } catch (e) {
      check("real plans could be made", false, String((e as Error).message ?? e));
    }
    return finish();
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function skipAll(reason: string): number {
  for (const n of SCENARIOS) results.push(skipped("preview", n, reason));
  return finish();
}

function planChecks(terraform: Terraform, work: string, base: StackJson): void {
  const stackDir = (name: string, json: StackJson): string => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    const copy = JSON.parse(JSON.stringify(json)) as StackJson;
    delete copy.terraform.backend;
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(copy));
    terraform(dir, ["init", "-input=false", "-no-color", "-backend=false"]);
    return dir;
  };
  const plan = (dir: string, file: string, extra: string[] = []): { file: string; json: PlanForState } => {
    terraform(dir, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", ...extra, "-out=plan.out"]);
    const text = terraform(dir, ["show", "-json", "plan.out"]);
    const out = path.join(work, file);
    fs.writeFileSync(out, text);
    return { file: out, json: JSON.parse(text) as PlanForState };
  };
  const noSecrets = (label: string, ...texts: string[]) => {
    const leaked = texts.join("\n").split("\n").filter((l) => l.includes(PLANTED));
    check(`${label}: no planted secret in the comment`, leaked.length === 0, leaked.slice(0, 2).join(" | "));
  };

  // 1. create everything
  const stagingDir = stackDir("staging", base);
  const create = plan(stagingDir, "plan-staging-create.json");
  const toAdd = (create.json.resource_changes ?? []).filter((c) => c.change.actions.includes("create")).length;
  const created = preview([`staging=${create.file}`]);
  check("create everything: exit 0", created.code === EXIT.ok, created.stderr);
  check(`create everything: counts ${toAdd} adds like terraform`, created.stdout.includes(`| \`staging\` | ${toAdd} | 0 | 0 | 0 |`), created.stdout.slice(0, 600));
  check("create everything: fits a GitHub comment", created.stdout.length <= 65536, `${created.stdout.length} characters`);

  // 2. a converged prior state, then PR-shaped config changes against it
  const state = converge(terraform, stagingDir, create.json, plan);
  check("synthesized state plants secrets to look for", JSON.stringify(state).includes(PLANTED));
  const same = plan(stagingDir, "plan-staging-same.json");
  const unchanged = preview([`staging=${same.file}`]);
  check("converged state: terraform plans no resource changes", !changesResources(same.json));
  check("converged state: the preview says no changes, exit 0", unchanged.code === EXIT.ok && unchanged.stdout.includes("### `staging`: no changes"), unchanged.stdout.slice(0, 600));

  const variant = (label: string, json: StackJson) => {
    const dir = stackDir(`staging-${label}`, json);
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state));
    const config = path.join(dir, "cdk.tf.json");
    const p = plan(dir, `plan-staging-${label}.json`);
    return { dir, plan: p, comment: preview([`staging=${p.file}`, `--config`, `staging=${config}`, "--sha", "0123456789abcdef"]) };
  };

  const phase = variant("phase", synth(work, "phase", "staging", (e) => ({ ...e, platform: { ...e.platform, router: { ...e.platform.router, phase: "cutover" } } })));
  const p = phase.comment.stdout;
  check("phase change: exit 0, an update, nothing replaced", phase.comment.code === EXIT.ok && /\| `staging` \| 0 \| [1-9]\d* \| 0 \| 0 \|/.test(p), p.slice(0, 800));
  check("phase change: intent line router weighted 25 % → cutover", p.includes("**Intent:** `staging`: router weighted 25 % → cutover"), p.slice(0, 800));
  check("phase change: nginx.conf as a unified line diff", p.includes('`data["nginx.conf"]`') && /\n\s+-# Generated by Tandem \(ParallelPlatform\) for migration phase "weighted" \(25% to new\)/.test(p) && /\n\s+\+# Generated by Tandem \(ParallelPlatform\) for migration phase "cutover"/.test(p), p.slice(0, 1500));
  check("phase change: grouped under the platform/k8s construct", p.includes("<summary>platform/k8s:"), p.slice(0, 1500));
  noSecrets("phase change", p, phase.comment.stderr);

  const tiers = variant("tier", synth(work, "tier", "staging", (e) => ({ ...e, database: { ...e.database, tier: "db-custom-4-16384" }, cache: { ...e.cache, memorySizeGb: 3 } })));
  const t = tiers.comment.stdout;
  check("tier change: settings[0].tier to the leaf", t.includes('`settings[0].tier`: `"db-custom-2-7680"` → `"db-custom-4-16384"`'), t.slice(0, 1500));
  check("tier change: intent names the tier", /tier db-custom-2-7680 → db-custom-4-16384/.test(t), t.slice(0, 600));
  const cache = (tiers.plan.json.resource_changes ?? []).find((c) => c.address.startsWith("google_redis_instance.") && c.change.actions.includes("update"));
  check("tier change: the cache update carries the planted AUTH string", JSON.stringify(cache ?? {}).includes(PLANTED), JSON.stringify(cache?.change.actions));
  check("tier change: the cache size to the leaf", t.includes("`memory_size_gb`: `2` → `3`"), t.slice(0, 1500));
  noSecrets("tier change", t, tiers.comment.stderr);
  const redacted = path.join(work, "plan-staging-redacted.json");
  const redact = preview(["redact", tiers.plan.file, redacted]);
  check("redact: the artifact copy of a real plan holds no planted secret", redact.code === EXIT.ok && !fs.readFileSync(redacted, "utf8").includes(PLANTED), redact.stderr);
  const fromRedacted = preview([`staging=${redacted}`]).stdout;
  check("redact: the copy renders the same changes", fromRedacted.includes('`settings[0].tier`: `"db-custom-2-7680"` → `"db-custom-4-16384"`') && fromRedacted.includes("`memory_size_gb`: `2` → `3`"), fromRedacted.slice(0, 800));

  const promote = variant("promote", synth(work, "promote", "staging", (e) => ({ ...e, blueGreen: { ...e.blueGreen, api: { ...e.blueGreen.api, activeColor: "green" as const } } })));
  const g = promote.comment.stdout;
  check("promote: intent line api: promote green", g.includes("api: promote green"), g.slice(0, 600));
  check("promote: the Service selector to the leaf", g.includes('`spec[0].selector["tandem.dev/color"]`: `"blue"` → `"green"`'), g.slice(0, 1500));
  check("promote: grouped under the bg-api construct", g.includes("<summary>bg-api:"), g.slice(0, 1500));
  noSecrets("promote", g, promote.comment.stderr);

  const housekeeping = JSON.parse(JSON.stringify(base)) as StackJson;
  const [firewall] = Object.keys(housekeeping.resource.google_compute_firewall);
  const [dashboard] = Object.keys(housekeeping.resource.google_monitoring_dashboard);
  housekeeping.resource.google_compute_firewall[`${firewall}_moved`] = housekeeping.resource.google_compute_firewall[firewall];
  delete housekeeping.resource.google_compute_firewall[firewall];
  delete housekeeping.resource.google_monitoring_dashboard;
  housekeeping.moved = [{ from: `google_compute_firewall.${firewall}`, to: `google_compute_firewall.${firewall}_moved` }];
  housekeeping.removed = [{ from: `google_monitoring_dashboard.${dashboard}`, lifecycle: { destroy: false } }];
  const moves = variant("moves", housekeeping).comment.stdout;
  check("move and forget: counted", /\| `staging` \| 0 \| 0 \| 0 \| 0 \| 1 moved, 1 forgotten \|/.test(moves), moves.slice(0, 800));
  check("move and forget: listed", moves.includes(`\`google_compute_firewall.${firewall}_moved\` moved from \`google_compute_firewall.${firewall}\``) && moves.includes("removed from the state, not destroyed"), moves.slice(0, 1500));

  // 3. refusals on real Terraform output
  const stateJson = path.join(work, "plan-staging-state.json");
  fs.writeFileSync(stateJson, terraform(phase.dir, ["show", "-json"]));
  const refusedState = preview([`staging=${stateJson}`]);
  check("state from terraform show -json: refused, exit 3, file named", refusedState.code === EXIT.planFailed && refusedState.stderr.includes(`${stateJson}: this is a state, not a plan`), refusedState.stderr);
  check("state: the comment says the plan failed", refusedState.stdout.includes("**The plan failed** for `staging`"), refusedState.stdout.slice(0, 600));
  const targeted = plan(phase.dir, "plan-staging-targeted.json", [`-target=google_compute_network.${Object.keys(base.resource.google_compute_network)[0]}`]);
  const refusedTarget = preview([`staging=${targeted.file}`]);
  check("-target plan: refused as incomplete, exit 3", refusedTarget.code === EXIT.planFailed && refusedTarget.stderr.includes("incomplete (complete: false"), refusedTarget.stderr);

  // 4. production: replacing the database
  const productionJson = synth(work, "production", "production");
  const prodDir = stackDir("production", productionJson);
  const prodState = converge(terraform, prodDir, plan(prodDir, "plan-production-create.json").json, plan);
  const renamed = JSON.parse(JSON.stringify(productionJson)) as StackJson;
  const dbs = renamed.resource.google_sql_database_instance;
  const primary = Object.keys(dbs).find((k) => dbs[k].master_instance_name === undefined);
  if (!primary) throw new Error("production has no primary Cloud SQL instance");
  dbs[primary].name = `${String(dbs[primary].name)}-v2`;
  const renameDir = stackDir("production-rename", renamed);
  fs.writeFileSync(path.join(renameDir, "terraform.tfstate"), JSON.stringify(prodState));
  const replace = plan(renameDir, "plan-production.json").file;
  const address = `google_sql_database_instance.${primary}`;
  const blocked = preview([`production=${replace}`, "--config", `production=${path.join(renameDir, "cdk.tf.json")}`]);
  const hash = /findings hash ([0-9a-f]{12})/.exec(blocked.stderr)?.[1] ?? "";
  check("production replacement: exit 1 (blocked)", blocked.code === EXIT.blocked, blocked.stderr);
  check("production replacement: Blocked, with the hash to acknowledge", blocked.stdout.includes("**Blocked:**") && hash !== "" && blocked.stdout.includes(`/tandem ack ${hash}`), blocked.stdout.slice(0, 800));
  // Create first: the blue-green Deployments (create_before_destroy) read the instance's address (connectsTo), and
  // Terraform carries create_before_destroy to everything they depend on.
  check("production replacement: create first, forced by name", blocked.stdout.includes(`**replace (create first)** \`${address}\` · \`database\` · forced by \`name\``), blocked.stdout.slice(0, 1500));
  check("production replacement: data loss and will fail (deletion_protection)", blocked.stdout.includes(`**data loss** · \`production\` · replace, create first \`${address}\``) && blocked.stdout.includes(`**will fail** · \`production\` · replace, create first \`${address}\``), blocked.stdout.slice(0, 1500));
  const acked = preview([`production=${replace}`, "--ack", `${hash}:reviewer`]);
  check("acknowledged with the hash: exit 0, says who", acked.code === EXIT.ok && acked.stdout.includes("**Acknowledged** by @reviewer"), acked.stdout.slice(0, 600));
  const stale = preview([`production=${replace}`, "--ack", "0123456789ab:reviewer"]);
  check("a stale hash does not count: exit 1", stale.code === EXIT.blocked && stale.stdout.includes("does not count"), stale.stdout.slice(0, 600));
  const asStaging = preview([`staging=${replace}`]);
  check("the same plan in staging: a warning, exit 0", asStaging.code === EXIT.ok && asStaging.stdout.includes("[!WARNING]"), asStaging.stdout.slice(0, 400));
  noSecrets("production replacement", blocked.stdout, blocked.stderr, acked.stdout);
}

function finish(): number {
  console.log(`==> preview on real plans\n${formatResults("preview", results)}`);
  return tally(results).failed > 0 ? 1 : 0;
}

process.exitCode = main();
