#!/usr/bin/env node
// End-to-end check of the PR preview on REAL plans of our own stacks (part of `npm run test:terraform`):
// 1. a create-everything plan of `staging` (empty state, real providers, dummy token, -refresh=false);
// 2. a plan that replaces production's Cloud SQL instance: a state holding that instance as planned, the
//    config renamed (a ForceNew attribute), planned with -target so nothing else needs a prior state.
// Then `npm run preview` must count the create plan right, and block the production replacement unless
// the opt-in is given. Needs the toolchain of scripts/terraform/tools.sh; cdktf.out must be synthesized.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const env = { ...process.env };
for (const line of execFileSync("bash", [path.join(root, "scripts/terraform/tools.sh"), "--print-env"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")) {
  const m = /^export (\w+)=(.*)$/.exec(line.trim());
  if (m) env[m[1]] = m[2].replace(/^['"]|['"]$/g, "");
}
const terraform = env.TERRAFORM_BINARY_NAME || "terraform";
Object.assign(env, { GOOGLE_OAUTH_ACCESS_TOKEN: "dummy-offline-token", TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-preview-"));
let passed = 0;
let failed = 0;
const check = (name, ok, detail = "") => {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : `\n       ${detail}`}`);
  if (ok) passed++;
  else failed++;
};
const tf = (dir, args) => {
  const r = spawnSync(terraform, args, { cwd: dir, env, encoding: "utf8", timeout: 600_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir}:\n${(r.stderr || r.stdout).slice(0, 2000)}`);
  return r.stdout;
};
const stackDir = (stack, mutate, name = stack) => {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.parse(fs.readFileSync(path.join(root, "cdktf.out/stacks", stack, "cdk.tf.json"), "utf8"));
  delete json.terraform.backend;
  if (mutate) mutate(json);
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json));
  tf(dir, ["init", "-input=false", "-no-color", "-backend=false"]);
  return dir;
};
const preview = (args) => spawnSync(process.execPath, ["--import", "tsx", "scripts/preview.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

try {
  console.log("==> preview on real plans");
  // 1. create everything (staging)
  const staging = stackDir("staging");
  const planText = tf(staging, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-out=plan.out"]);
  fs.writeFileSync(path.join(work, "plan-staging.json"), tf(staging, ["show", "-json", "plan.out"]));
  const toAdd = Number(/Plan: (\d+) to add/.exec(planText)?.[1] ?? NaN);
  const create = preview([`staging=${path.join(work, "plan-staging.json")}`]);
  check("create-everything plan: exit 0", create.status === 0, create.stderr);
  check(`create-everything plan: counts ${toAdd} adds like terraform`, create.stdout.includes(`| \`staging\` | ${toAdd} | 0 | 0 | 0 |`), create.stdout.slice(0, 400));
  check("create-everything plan: fits a GitHub comment", create.stdout.length <= 65536, `${create.stdout.length} characters`);

  // 2. replace production's database
  const plan = JSON.parse(fs.readFileSync(path.join(work, "plan-staging.json"), "utf8"));
  const production = stackDir("production");
  tf(production, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-out=create.out"]);
  const prodPlan = JSON.parse(tf(production, ["show", "-json", "create.out"]));
  const schema = JSON.parse(tf(production, ["providers", "schema", "-json"]));
  const db = prodPlan.planned_values.root_module.resources.find((r) => r.type === "google_sql_database_instance" && r.values.master_instance_name == null);
  const version = schema.provider_schemas[db.provider_name].resource_schemas[db.type].version;
  const state = {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: 1,
    lineage: "tandem-preview-check",
    outputs: {},
    resources: [{ mode: "managed", type: db.type, name: db.name, provider: `provider["${db.provider_name}"]`, instances: [{ schema_version: version, attributes: { ...db.values, id: db.values.name }, sensitive_attributes: [] }] }],
  };
  const replaceDir = stackDir(
    "production",
    (json) => {
      json.resource.google_sql_database_instance[db.name].name = `${db.values.name}-v2`;
    },
    "production-rename",
  );
  fs.writeFileSync(path.join(replaceDir, "terraform.tfstate"), JSON.stringify(state));
  tf(replaceDir, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", `-target=${db.type}.${db.name}`, "-out=plan.out"]);
  const replaceJson = path.join(work, "plan-production.json");
  fs.writeFileSync(replaceJson, tf(replaceDir, ["show", "-json", "plan.out"]));
  const blocked = preview([`production=${replaceJson}`]);
  check("production replacement of Cloud SQL: exit 1 (blocked)", blocked.status === 1, blocked.stderr);
  check("production replacement: the comment says Blocked and names the opt-in label", /\*\*Blocked:\*\*.*`allow-stateful-destroy`/.test(blocked.stdout));
  check("production replacement: names the attribute that forces it", blocked.stdout.includes(`**replace** \`${db.type}.${db.name}\` (forced by \`name\`)`), blocked.stdout.slice(0, 800));
  const allowed = preview([`production=${replaceJson}`, "--allow-stateful-destroy"]);
  check("with --allow-stateful-destroy: exit 0, still listed", allowed.status === 0 && allowed.stdout.includes("allowed by the `allow-stateful-destroy` label"));
  const asStaging = preview([`staging=${replaceJson}`]);
  check("the same plan in staging: a warning, exit 0", asStaging.status === 0 && asStaging.stdout.includes("[!WARNING]"));
} catch (e) {
  check("real plans could be made", false, String(e.message ?? e));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`preview: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
