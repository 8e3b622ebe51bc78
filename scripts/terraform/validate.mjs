#!/usr/bin/env node
// scripts/terraform/validate.mjs — Terraform-level checks of the synthesized stacks.
// Entry point: scripts/terraform/validate.sh (npm run test:terraform). Run with --help.
//
// Per stack in <out>/stacks/<id>/cdk.tf.json (dev, staging, production):
//   1. copy the stack dir to a temp work dir (cdktf.out stays untouched)
//   2. terraform init -backend=false, then terraform validate -json   (errors fail, warnings reported)
//   3. terraform test with test/terraform/<id>/**  copied to <work>/tests/  ("no tests" if none)
//   4. checkov on cdk.tf.json, filtered through test/terraform/checkov-suppressions.json
//   5. (report only) terraform plan with the real providers and a dummy token
// then prints a summary table; exit code 1 on any failure of steps 2-4.
//
// Providers come from the offline filesystem mirror written by tools.sh (TF_CLI_CONFIG_FILE);
// nothing about the mirror is in the synthesized stacks.
//
// How `terraform test` + mock_provider meets the synthesized JSON (verified with Terraform 1.11.4):
//   * cdk.tf.json is ordinary Terraform JSON configuration: it is the root module. Test files are
//     HCL (*.tftest.hcl) and live in <root>/tests/ (default -test-directory); mixing a JSON root
//     module with HCL test files is fine. They must be in place BEFORE `terraform init`, because
//     init also installs what the test files need.
//   * The backend block of the stack (gcs / local) is ignored by `terraform test` (it keeps state
//     in memory), and init runs with -backend=false, so no bucket or credentials are touched.
//   * `mock_provider "google" {}` replaces the provider for the whole test file: no API calls, no
//     credentials. It still needs the real provider binary for its schema (hence the mirror).
//     Mock EVERY provider the stack configures (staging/production: google and kubernetes —
//     the kubernetes provider block reads data.google_client_config), or the real one runs.
//   * Resources are addressed by the cdktf logical ids in cdk.tf.json, e.g.
//     google_compute_subnetwork.network_subnet_E45498CD (construct path hash; changes when a
//     construct is renamed/moved). Root outputs are `output.<name>`.
//   * `command = plan`: configured values are known (e.g. ip_cidr_range), but computed
//     attributes (ids, self_links) are unknown, and an assert on them fails with
//     "Unknown condition value". Either use `command = apply` (mock values are generated:
//     random strings for computed attributes, so subnet.network == network.id holds), or give
//     the value in mock_resource/override_resource with `override_during = plan` (TF >= 1.11).
//   * A mocked apply still runs the provider's argument VALIDATION: a random mock id that flows
//     into a validated argument fails the run (seen: Cloud SQL private_network must match
//     projects/.../global/networks/..., google_project_iam_member.member must be "type:...").
//     Give such attributes realistic values: mock_resource "google_compute_network" { defaults =
//     { id = "projects/p/global/networks/n" } } — see test/terraform/staging/network.tftest.hcl.
//   * After a failed run, later runs in the same file are skipped.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");

const HELP = `usage: scripts/terraform/validate.sh [options]
  --synth                run \`npx cdktf synth --output <out>\` in the repo root first
                         (default: use the existing <out>)
  --out DIR              cdktf output dir (default: cdktf.out)
  --stacks a,b           only these stack ids
  --tests DIR            terraform test files root (default: test/terraform; files in DIR/<stack>/)
  --suppressions FILE    checkov suppressions (default: test/terraform/checkov-suppressions.json)
  --no-test | --no-checkov | --no-plan   skip a step
  --checkov-offline      pass --skip-download to checkov (no guideline links)
  --plan-timeout SECS    per-stack plan timeout (default 300)
  --keep                 keep the temp work dirs (path is printed)
  -v, --verbose          print full tool output
env: TANDEM_CACHE_DIR and the other knobs of tools.sh`;

// ---------------------------------------------------------------------------- args
const opt = {
  synth: false, out: path.join(REPO, "cdktf.out"), stacks: null,
  tests: path.join(REPO, "test", "terraform"),
  suppressions: path.join(REPO, "test", "terraform", "checkov-suppressions.json"),
  test: true, checkov: true, plan: true, checkovOffline: false, planTimeout: 300, keep: false, verbose: false,
};
{
  const a = process.argv.slice(2);
  const val = (i) => {
    if (i + 1 >= a.length) die(`missing value for ${a[i]}`);
    return a[i + 1];
  };
  for (let i = 0; i < a.length; i++) {
    switch (a[i]) {
      case "--synth": opt.synth = true; break;
      case "--out": opt.out = path.resolve(val(i)); i++; break;
      case "--stacks": opt.stacks = val(i).split(",").filter(Boolean); i++; break;
      case "--tests": opt.tests = path.resolve(val(i)); i++; break;
      case "--suppressions": opt.suppressions = path.resolve(val(i)); i++; break;
      case "--no-test": opt.test = false; break;
      case "--no-checkov": opt.checkov = false; break;
      case "--no-plan": opt.plan = false; break;
      case "--checkov-offline": opt.checkovOffline = true; break;
      case "--plan-timeout": opt.planTimeout = Number(val(i)); i++; break;
      case "--keep": opt.keep = true; break;
      case "-v": case "--verbose": opt.verbose = true; break;
      case "-h": case "--help": console.log(HELP); process.exit(0); break;
      default: die(`unknown argument: ${a[i]}\n${HELP}`);
    }
  }
}

function die(msg) {
  console.error(`validate: error: ${msg}`);
  process.exit(2);
}
const log = (...m) => console.log(...m);
const indent = (s, p = "    ") => String(s).trimEnd().split("\n").map((l) => p + l).join("\n");

function run(cmd, args, { cwd, env, timeoutSec = 600, input } = {}) {
  const t0 = Date.now();
  const fullEnv = { ...process.env, ...env };
  for (const k of Object.keys(fullEnv)) if (fullEnv[k] === undefined) delete fullEnv[k]; // undefined = unset
  const r = spawnSync(cmd, args, {
    cwd, env: fullEnv, input, encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024, timeout: timeoutSec * 1000, killSignal: "SIGKILL",
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const timedOut = r.error && r.error.code === "ETIMEDOUT";
  return {
    code: r.status ?? (timedOut ? 124 : 1), stdout: r.stdout ?? "", stderr: r.stderr ?? "",
    error: r.error ? (timedOut ? `timed out after ${timeoutSec}s` : String(r.error.message)) : null, secs,
  };
}

// ---------------------------------------------------------------------------- toolchain
// status lines of tools.sh stream straight to stderr; the export lines come back on stdout
const tools = spawnSync("bash", [path.join(HERE, "tools.sh"), "--print-env"], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
if (tools.status !== 0) {
  console.error("validate: tools.sh failed; see above");
  process.exit(1);
}
const toolEnv = {};
for (const m of tools.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) toolEnv[m[1]] = m[2];
for (const k of ["TF_CLI_CONFIG_FILE", "TERRAFORM_BINARY_NAME", "CHECKOV"]) {
  if (!toolEnv[k]) die(`tools.sh --print-env did not print ${k}`);
}
const TF = toolEnv.TERRAFORM_BINARY_NAME;
const TF_ENV = {
  TF_CLI_CONFIG_FILE: toolEnv.TF_CLI_CONFIG_FILE, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1",
  TF_INPUT: "0", TF_PLUGIN_CACHE_DIR: undefined, TF_DATA_DIR: undefined, TF_WORKSPACE: undefined,
};
const tf = (args, cwd, extra = {}, timeoutSec = 600) => run(TF, args, { cwd, env: { ...TF_ENV, ...extra }, timeoutSec });

// ---------------------------------------------------------------------------- synth
if (opt.synth) {
  log(`==> npx cdktf synth --output ${rel(opt.out)} (in ${REPO})`);
  const r = spawnSync("npx", ["cdktf", "synth", "--output", opt.out], {
    cwd: REPO, stdio: "inherit",
    env: { ...process.env, TERRAFORM_BINARY_NAME: TF, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: toolEnv.TF_CLI_CONFIG_FILE },
  });
  if (r.status !== 0) {
    console.error(`validate: cdktf synth failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const stacksRoot = path.join(opt.out, "stacks");
if (!fs.existsSync(stacksRoot)) die(`${stacksRoot} does not exist; run with --synth or \`npx cdktf synth\` first`);
let stacks = fs.readdirSync(stacksRoot).filter((s) => fs.existsSync(path.join(stacksRoot, s, "cdk.tf.json"))).sort();
if (opt.stacks) {
  const missing = opt.stacks.filter((s) => !stacks.includes(s));
  if (missing.length) die(`no such stack(s) in ${stacksRoot}: ${missing.join(", ")} (have: ${stacks.join(", ")})`);
  stacks = opt.stacks;
}
if (!stacks.length) die(`no stacks (*/cdk.tf.json) under ${stacksRoot}`);

// ---------------------------------------------------------------------------- suppressions
// test/terraform/checkov-suppressions.json: [{ "check": "CKV_GCP_66", "resource": "google_container_cluster.gke_B2E24512",
//   "reason": "One full sentence saying why.", "stacks": ["staging"] (optional) }]
// resource: a Terraform address "type.logical_id" or the construct path from cdk.tf.json
// ("staging/gke/Resource"); `*` is a wildcard. Entries with a reason shorter than one sentence are
// rejected (and fail the run); entries that matched nothing are reported as stale.
const supp = { entries: [], invalid: [] };
if (opt.checkov && fs.existsSync(opt.suppressions)) {
  let raw;
  try {
    raw = JSON.parse(fs.readFileSync(opt.suppressions, "utf8"));
  } catch (e) {
    die(`${opt.suppressions}: ${e.message}`);
  }
  if (!Array.isArray(raw)) die(`${opt.suppressions}: must be a JSON array`);
  raw.forEach((e, i) => {
    const problems = [];
    if (!e || typeof e !== "object") problems.push("not an object");
    else {
      if (typeof e.check !== "string" || !/^CKV2?_[A-Z0-9]+_\d+$/.test(e.check)) problems.push(`check "${e.check}" is not a checkov id (CKV_GCP_12)`);
      if (typeof e.resource !== "string" || !e.resource.trim()) problems.push("resource missing");
      const reason = typeof e.reason === "string" ? e.reason.trim() : "";
      const words = reason.split(/\s+/).filter((w) => /[A-Za-z]/.test(w)).length;
      if (reason.length < 20 || words < 4 || !/[.!?]$/.test(reason)) {
        problems.push(`reason must be at least one full sentence (>= 4 words, >= 20 chars, ending in . ! or ?): "${reason}"`);
      }
      if (e.stacks !== undefined && !(Array.isArray(e.stacks) && e.stacks.every((s) => typeof s === "string"))) problems.push("stacks must be an array of stack ids");
    }
    if (problems.length) supp.invalid.push({ index: i, entry: e, problems });
    else supp.entries.push({ ...e, index: i, used: 0, re: globRe(e.resource) });
  });
}
function globRe(g) {
  return new RegExp("^" + g.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
}

// ---------------------------------------------------------------------------- per stack
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-tf-"));
const results = [];
let failed = false;

for (const stack of stacks) {
  const res = { stack, validate: "-", test: "-", checkov: "-", plan: "-", failed: false };
  results.push(res);
  const fail = () => { res.failed = true; failed = true; };
  const src = path.join(stacksRoot, stack);
  const dir = path.join(work, stack);
  log(`\n==> [${stack}] ${rel(src)}`);
  // Copy the stack, minus anything left from a `cdktf deploy` there: .terraform, state, and the
  // lock file (its registry hashes do not match the locally built mirror binaries).
  fs.cpSync(src, dir, {
    recursive: true,
    filter: (p) => !/(^|\/)(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate(\.backup)?|[^/]*\.tfstate)$/.test(path.relative(src, p)),
  });
  const doc = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));

  // tests go in before init (init installs what test files reference)
  const testSrc = path.join(opt.tests, stack);
  // Files in test/terraform/cloud/ run against every stack that has Google resources (staging, production).
  const sharedSrc = path.join(opt.tests, "cloud");
  const isCloud = JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")).terraform?.required_providers ?? {}).includes('"google"');
  let testFiles = [];
  if (opt.test && (fs.existsSync(testSrc) || (isCloud && fs.existsSync(sharedSrc)))) {
    if (fs.existsSync(testSrc)) fs.cpSync(testSrc, path.join(dir, "tests"), { recursive: true });
    if (isCloud && fs.existsSync(sharedSrc)) fs.cpSync(sharedSrc, path.join(dir, "tests"), { recursive: true });
    testFiles = listFiles(path.join(dir, "tests")).filter((f) => f.endsWith(".tftest.hcl"));
  }

  // ---- init + validate
  const init = tf(["init", "-backend=false", "-input=false", "-no-color"], dir);
  if (init.code !== 0) {
    res.validate = "init failed";
    log(`  init: FAILED (${init.error ?? `exit ${init.code}`})\n${indent(init.stderr || init.stdout)}`);
    fail();
  } else {
    if (opt.verbose) log(indent(init.stdout));
    const v = tf(["validate", "-json", "-no-color"], dir);
    let vj = null;
    try {
      vj = JSON.parse(v.stdout.slice(v.stdout.indexOf("{")));
    } catch {
      vj = null;
    }
    if (!vj) {
      res.validate = "crashed";
      log(`  validate: FAILED (${v.error ?? `exit ${v.code}`})\n${indent(v.stderr || v.stdout)}`);
      fail();
    } else {
      const diags = vj.diagnostics ?? [];
      const errs = diags.filter((d) => d.severity === "error");
      const warns = diags.filter((d) => d.severity !== "error");
      res.validate = `${errs.length} err / ${warns.length} warn`;
      log(`  validate: ${errs.length} error(s), ${warns.length} warning(s) (${v.secs}s)`);
      for (const d of diags) {
        const where = d.range ? `${d.range.filename}:${d.range.start?.line}` : "";
        log(`    ${d.severity.toUpperCase()}: ${d.summary}${where ? ` [${where}]` : ""}${describeAddress(doc, d)}`);
        if (d.detail) log(indent(d.detail, "      "));
      }
      if (errs.length || !vj.valid) fail();
    }

    // ---- terraform test
    if (!opt.test) res.test = "skipped";
    else if (!testFiles.length) {
      res.test = "no tests";
      log(`  test: no tests (${rel(testSrc)}/*.tftest.hcl)`);
    } else if (res.failed) {
      res.test = "not run";
      log("  test: not run (validate failed)");
    } else {
      const t = tf(["test", "-no-color"], dir, {}, 1800);
      const out = `${t.stdout}\n${t.stderr}`;
      const m = out.match(/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/);
      const passed = m ? Number(m[1]) : 0, nfail = m ? Number(m[2]) : 0, skipped = m && m[3] ? Number(m[3]) : 0;
      if (t.code === 0 && m) {
        res.test = `${passed} passed`;
        log(`  test: ${passed} run(s) passed in ${testFiles.length} file(s) (${t.secs}s)`);
        if (opt.verbose) log(indent(t.stdout));
      } else {
        res.test = m ? `${passed} ok / ${nfail} FAIL${skipped ? ` / ${skipped} skip` : ""}` : "error";
        log(`  test: FAILED (${t.error ?? `exit ${t.code}`}; ${t.secs}s)\n${indent(t.stdout)}\n${indent(clip(t.stderr, 150))}`);
        fail();
      }
    }
  }

  // ---- checkov
  if (!opt.checkov) res.checkov = "skipped";
  else {
    const ck = checkov(dir, stack, doc);
    res.checkov = ck.cell;
    if (ck.failed) fail();
  }

  // ---- plan (report only): real providers, dummy credentials, local backend, no refresh
  if (!opt.plan) res.plan = "skipped";
  else if (res.validate.startsWith("init") || /^[1-9]\d* err/.test(res.validate)) res.plan = "not run";
  else {
    // *_override.tf.json replaces the stack's backend (gcs/local) with a local one in the temp dir.
    fs.writeFileSync(path.join(dir, "zz_tandem_backend_override.tf.json"),
      JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }, null, 2));
    const penv = { GOOGLE_OAUTH_ACCESS_TOKEN: "dummy", GOOGLE_APPLICATION_CREDENTIALS: undefined, GOOGLE_CREDENTIALS: undefined };
    const pinit = tf(["init", "-input=false", "-reconfigure", "-no-color"], dir, penv);
    if (pinit.code !== 0) {
      res.plan = "init failed";
      log(`  plan: init failed (report only)\n${indent(firstError(pinit.stderr || pinit.stdout))}`);
    } else {
      const p = tf(["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color"], dir, penv, opt.planTimeout);
      const out = `${p.stdout}\n${p.stderr}`;
      const pm = out.match(/Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/);
      if (p.code === 0) {
        res.plan = pm ? `ok (+${pm[1]})` : /No changes/.test(out) ? "ok (no changes)" : "ok";
        log(`  plan: ${res.plan} (${p.secs}s; report only)`);
      } else {
        const reason = p.error ?? summarizeErrors(out);
        res.plan = `failed: ${reason.replace(/^\d+ error\(s\): /, "").split("\n")[0].slice(0, 45)}`;
        log(`  plan: failed after ${p.secs}s (report only)\n${indent(reason)}`);
        if (opt.verbose) log(indent(out));
      }
    }
  }
}

// ---------------------------------------------------------------------------- checkov
function checkov(dir, stack, doc) {
  const args = ["-f", path.join(dir, "cdk.tf.json"), "--framework", "terraform_json", "-o", "json", "--skip-results-upload"];
  if (opt.checkovOffline) args.push("--skip-download");
  const r = run(toolEnv.CHECKOV, args, { cwd: dir, timeoutSec: 900, env: { LOG_LEVEL: "WARNING" } });
  let j;
  try {
    j = JSON.parse(r.stdout);
  } catch {
    log(`  checkov: FAILED to run (${r.error ?? `exit ${r.code}`})\n${indent(r.stderr.split("\n").slice(-30).join("\n"))}`);
    return { cell: "error", failed: true };
  }
  const reports = (Array.isArray(j) ? j : [j]).filter((x) => x && x.results);
  let passed = 0, parsingErrors = 0;
  const failedChecks = [];
  for (const rep of reports) {
    passed += rep.results.passed_checks?.length ?? 0;
    parsingErrors += rep.results.parsing_errors?.length ?? 0;
    failedChecks.push(...(rep.results.failed_checks ?? []));
  }
  const open = [], suppressed = [];
  for (const c of failedChecks) {
    const addr = normalizeResource(doc, c.resource);
    const cpath = constructPath(doc, addr);
    const s = supp.entries.find((e) => e.check === c.check_id && (!e.stacks || e.stacks.includes(stack)) && (e.re.test(addr) || (cpath && e.re.test(cpath))));
    if (s) {
      s.used++;
      suppressed.push(c);
    } else open.push({ ...c, addr, cpath });
  }
  log(`  checkov: ${passed} passed, ${open.length} failed, ${suppressed.length} suppressed (${r.secs}s)${parsingErrors ? `, ${parsingErrors} PARSING ERRORS` : ""}`);
  for (const c of open.sort((a, b) => a.addr.localeCompare(b.addr) || a.check_id.localeCompare(b.check_id))) {
    log(`    FAIL ${c.check_id.padEnd(12)} ${c.addr}${c.cpath ? ` (${c.cpath})` : ""}`);
    log(`         ${c.check_name}`);
    log(`         guideline: ${c.guideline || `n/a (offline; see https://www.checkov.io/5.Policy%20Index/terraform.html, ${c.check_id})`}`);
  }
  return { cell: `${passed} ok / ${open.length} FAIL / ${suppressed.length} supp`, failed: open.length > 0 || parsingErrors > 0 };
}

// checkov 3.x's terraform_json runner names single-resource (python) checks "resource.<logical id>"
// and graph checks "<type>.<logical id>"; map both to the Terraform address "<type>.<logical id>".
function normalizeResource(doc, res) {
  const m = /^resource\.(.+)$/.exec(res);
  if (!m) return res;
  const types = Object.keys(doc.resource ?? {}).filter((t) => doc.resource[t][m[1]] !== undefined);
  return types.length === 1 ? `${types[0]}.${m[1]}` : res;
}
function constructPath(doc, addr) {
  const i = addr.indexOf(".");
  const r = doc.resource?.[addr.slice(0, i)]?.[addr.slice(i + 1)];
  return r?.["//"]?.metadata?.path ?? null;
}
function describeAddress(doc, d) {
  const a = d.address ?? "";
  const p = a ? constructPath(doc, a) : null;
  return p ? ` (${p})` : "";
}
function summarizeErrors(out) {
  const errs = [...out.matchAll(/^Error: (.+)$/gm)].map((m) => m[1]);
  if (!errs.length) return out.trim().split("\n").slice(-5).join("\n");
  const uniq = [...new Set(errs)];
  return `${errs.length} error(s): ${uniq.slice(0, 3).join(" | ")}${uniq.length > 3 ? " | ..." : ""}`;
}
function firstError(out) {
  return summarizeErrors(out);
}
function clip(s, n) {
  const l = String(s).trimEnd().split("\n");
  return l.length <= n ? l.join("\n") : `${l.slice(0, n).join("\n")}\n... (${l.length - n} more lines; rerun with --keep and run terraform test in the work dir)`;
}
function rel(p) {
  const r = path.relative(REPO, p);
  return r && !r.startsWith("..") ? r : p;
}
function listFiles(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(d, e.name)) : [path.join(d, e.name)]));
}

// ---------------------------------------------------------------------------- summary
if (opt.checkov) {
  if (supp.invalid.length) {
    failed = true;
    log(`\ncheckov suppressions: ${supp.invalid.length} INVALID entr${supp.invalid.length === 1 ? "y" : "ies"} in ${rel(opt.suppressions)} (not applied):`);
    for (const e of supp.invalid) log(`  [${e.index}] ${JSON.stringify(e.entry)}\n${indent(e.problems.join("\n"), "      ")}`);
  }
  const stale = supp.entries.filter((e) => !e.used);
  if (stale.length) {
    const partial = opt.stacks ? " (only some stacks were scanned)" : "";
    log(`\ncheckov suppressions: ${stale.length} stale entr${stale.length === 1 ? "y" : "ies"} matched nothing${partial}:`);
    for (const e of stale) log(`  [${e.index}] ${e.check} ${e.resource}${e.stacks ? ` (stacks: ${e.stacks.join(",")})` : ""}`);
  }
}

const cols = [["stack", "stack"], ["validate", "validate"], ["test", "test"], ["checkov", "checkov ok/fail/supp"], ["plan", "plan (report only)"]];
const widths = cols.map(([k, h]) => Math.max(h.length, ...results.map((r) => String(r[k]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ");
log(`\n${line(cols.map((c) => c[1]))}\n${widths.map((w) => "-".repeat(w)).join("-+-")}`);
for (const r of results) log(line(cols.map(([k]) => r[k])) + (r.failed ? "   <- FAILED" : ""));

if (opt.keep) log(`\nwork dirs kept in ${work}`);
else fs.rmSync(work, { recursive: true, force: true });
log(failed ? "\nterraform checks: FAILED" : "\nterraform checks: OK");
// One plain closing line for CI: each stack's validate, terraform test and checkov step is one check.
let stepsPassed = 0, stepsFailed = 0;
for (const r of results) {
  const steps = [
    [/^0 err/.test(String(r.validate)), r.validate],
    [/ passed$/.test(String(r.test)), r.test === "no tests" || r.test === "skipped" ? undefined : r.test],
    [/ 0 FAIL /.test(String(r.checkov)), r.checkov === "skipped" ? undefined : r.checkov],
  ];
  for (const [ok, value] of steps) {
    if (value === undefined) continue;
    if (ok) stepsPassed++;
    else stepsFailed++;
  }
}
log(`terraform: ${stepsPassed} passed, ${stepsFailed} failed`);
process.exit(failed ? 1 : 0);
