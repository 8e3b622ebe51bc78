/**
 * The PR preview on REAL plans of our own stacks (part of `npm run test:terraform`):
 * 1. a create-everything plan of `staging` (empty state, real providers, dummy token, -refresh=false);
 * 2. a plan that replaces production's Cloud SQL instance: a state holding that instance as planned, the
 *    config renamed (a ForceNew attribute), planned with -target so nothing else needs a prior state.
 * `npm run preview` must count the create plan right and block the production replacement unless acknowledged.
 * Skipped, with the reason, where Terraform or the Google providers cannot be had. cdktf.out must be synthesized.
 */
import fs from "node:fs";
import path from "node:path";
import { failed, formatResults, passed, skipped, StepResult, tally } from "./lib/report";
import { run } from "./lib/run";
import { findTerraform, probeProviders, providerSource, requiredProviders, workDirectory } from "./lib/terraform";

const REPO = path.resolve(__dirname, "..", "..");
const results: StepResult[] = [];
const check = (name: string, ok: boolean, detail = "") => results.push(ok ? passed("preview", name, "ok") : failed("preview", name, detail.slice(0, 300) || "failed"));

type StackJson = { terraform: { backend?: unknown; required_providers?: Record<string, { source: string; version: string }> }; resource: Record<string, Record<string, { name?: string }>> };
const readStack = (stack: string) => JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.out/stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;

function main(): number {
  const work = workDirectory("tandem-preview-");
  const tf = findTerraform();
  const names = ["real plans: create everything (staging)", "real plans: Cloud SQL replacement (production)"];
  if ("missing" in tf) {
    for (const n of names) results.push(skipped("preview", n, tf.missing));
    return finish(work);
  }
  const source = providerSource(work);
  const stagingJson = readStack("staging");
  const missing = [...probeProviders(tf, source, requiredProviders(stagingJson), work)].filter(([, reason]) => reason !== undefined);
  if (missing.length > 0) {
    const reason = `providers not available from the ${source.description}: ${missing.map(([p, r]) => `${p} (${r})`).join(", ")}`;
    for (const n of names) results.push(skipped("preview", n, reason));
    return finish(work);
  }
  const terraform = (dir: string, args: string[]): string => {
    const r = run(tf.binary, args, { cwd: dir, env: { ...source.env, GOOGLE_OAUTH_ACCESS_TOKEN: "offline-dummy-token" } });
    if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir}:\n${(r.stderr || r.stdout).slice(0, 2000)}`);
    return r.stdout;
  };
  const stackDir = (stack: string, name: string, mutate?: (json: StackJson) => void): string => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    const json = readStack(stack);
    delete json.terraform.backend;
    mutate?.(json);
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json));
    terraform(dir, ["init", "-input=false", "-no-color", "-backend=false"]);
    return dir;
  };
  const preview = (args: string[]) => run(process.execPath, ["scripts/run-ts.cjs", "scripts/preview.ts", ...args], { cwd: REPO, timeoutSeconds: 120 });
  try {
    planChecks(terraform, stackDir, preview, work);
  } catch (e) {
    check("real plans could be made", false, String((e as Error).message ?? e));
  }
  return finish(work);
}

function planChecks(
  terraform: (dir: string, args: string[]) => string,
  stackDir: (stack: string, name: string, mutate?: (json: StackJson) => void) => string,
  preview: (args: string[]) => ReturnType<typeof run>,
  work: string,
): void {
  // 1. create everything (staging)
  const staging = stackDir("staging", "staging");
  terraform(staging, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-out=plan.out"]);
  const planFile = path.join(work, "plan-staging.json");
  fs.writeFileSync(planFile, terraform(staging, ["show", "-json", "plan.out"]));
  const plan = JSON.parse(fs.readFileSync(planFile, "utf8")) as { terraform_version: string; resource_changes: { change: { actions: string[] } }[] };
  const toAdd = plan.resource_changes.filter((c) => c.change.actions.includes("create")).length;
  const create = preview([`staging=${planFile}`]);
  check("create-everything plan: exit 0", create.code === 0, create.stderr);
  check(`create-everything plan: counts ${toAdd} adds like terraform`, create.stdout.includes(`| \`staging\` | ${toAdd} | 0 | 0 | 0 |`), create.stdout.slice(0, 400));
  check("create-everything plan: fits a GitHub comment", create.stdout.length <= 65536, `${create.stdout.length} characters`);

  // 2. replace production's database
  const production = stackDir("production", "production");
  terraform(production, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-out=create.out"]);
  type Planned = { type: string; name: string; provider_name: string; values: Record<string, unknown> & { name: string; master_instance_name?: string | null } };
  const prodPlan = JSON.parse(terraform(production, ["show", "-json", "create.out"])) as { planned_values: { root_module: { resources: Planned[] } } };
  const schema = JSON.parse(terraform(production, ["providers", "schema", "-json"])) as { provider_schemas: Record<string, { resource_schemas: Record<string, { version: number }> }> };
  const db = prodPlan.planned_values.root_module.resources.find((r) => r.type === "google_sql_database_instance" && r.values.master_instance_name == null);
  if (!db) throw new Error("production has no primary Cloud SQL instance");
  const state = {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: 1,
    lineage: "tandem-preview-check",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: db.type,
        name: db.name,
        provider: `provider["${db.provider_name}"]`,
        instances: [{ schema_version: schema.provider_schemas[db.provider_name].resource_schemas[db.type].version, attributes: { ...db.values, id: db.values.name }, sensitive_attributes: [] }],
      },
    ],
  };
  const replaceDir = stackDir("production", "production-rename", (json) => {
    json.resource.google_sql_database_instance[db.name].name = `${db.values.name}-v2`;
  });
  fs.writeFileSync(path.join(replaceDir, "terraform.tfstate"), JSON.stringify(state));
  terraform(replaceDir, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", `-target=${db.type}.${db.name}`, "-out=plan.out"]);
  const replaceJson = path.join(work, "plan-production.json");
  fs.writeFileSync(replaceJson, terraform(replaceDir, ["show", "-json", "plan.out"]));
  const blocked = preview([`production=${replaceJson}`]);
  check("production replacement of Cloud SQL: exit 1 (blocked)", blocked.code === 1, blocked.stderr);
  check("production replacement: says Blocked and names the opt-in label", /\*\*Blocked:\*\*.*`allow-stateful-destroy`/.test(blocked.stdout), blocked.stdout.slice(0, 400));
  check("production replacement: names the attribute that forces it", blocked.stdout.includes(`**replace** \`${db.type}.${db.name}\` (forced by \`name\`)`), blocked.stdout.slice(0, 800));
  const allowed = preview([`production=${replaceJson}`, "--allow-stateful-destroy"]);
  check("with --allow-stateful-destroy: exit 0, still listed", allowed.code === 0 && allowed.stdout.includes("allowed by the `allow-stateful-destroy` label"), allowed.stdout.slice(0, 400));
  const asStaging = preview([`staging=${replaceJson}`]);
  check("the same plan in staging: a warning, exit 0", asStaging.code === 0 && asStaging.stdout.includes("[!WARNING]"), asStaging.stdout.slice(0, 400));
}

function finish(work: string): number {
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`==> preview on real plans\n${formatResults("preview", results)}`);
  return tally(results).failed > 0 ? 1 : 0;
}

process.exitCode = main();
