/**
 * A release step of a blue-green service, carried out in seconds with the config as the truth:
 *
 *   npm run release -- <env> <service> canary <N> | promote | rollback | finish [--off] | status
 *                      [--dry-run] [--no-apply] [--yes]
 *
 * 1. edits exactly the release lines of `environments/<env>.ts` (`activeColor`, `canaryPercent`, `idle` of
 *    `blueGreen.<service>`), refusing a file whose shape it cannot be sure about;
 * 2. synthesizes before and after, and shows what changes: resource addresses and their changed leaves
 *    (`releaseTargets`, the one function that decides the targets);
 * 3. applies only those objects with `terraform apply -target=...` in the synthesized stack directory: first what the
 *    traffic waits for (the colour's raised HPA floor; then, with kubectl, until its pods are ready), then the rest
 *    (the router's config and rollout, the Services' selectors, the other HPA floors).
 *
 * `--dry-run` shows the step and leaves the file as it was; `--no-apply` keeps the edit for a PR or a full deploy.
 * Without Terraform or Google credentials nothing is edited and it says why. A full `cdktf deploy <env>` afterwards
 * has nothing left to do: every resource the edit changes was applied.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { BLUE_GREEN_DEFAULTS } from "../src/deploy";
import { GcpStack } from "../stacks";
import { cliEnvironment, cliStack } from "./lib/environment";
import { EditRefused, editReleaseState, readReleaseState, ReleaseState } from "./lib/release/edit";
import { nextState, parseStep } from "./lib/release/steps";
import { formatTargets, releaseTargets, ReleaseTargets, StackJson } from "./lib/release/targets";
import { run } from "./terraform/lib/run";
import { findTerraform, providerSource, TerraformCli } from "./terraform/lib/terraform";

const ROOT = path.resolve(__dirname, "..");
const USAGE = "npm run release -- <env> <service> canary <N> | promote | rollback | finish [--off] | status  [--dry-run] [--no-apply] [--yes]";
/** Exit codes: 0 done (or nothing to do), 1 refused or failed, 2 usage, 3 cannot apply here (no Terraform, no credentials). */
const EXIT = { ok: 0, refused: 1, usage: 2, cannotApply: 3 } as const;

interface Flags {
  dryRun: boolean;
  noApply: boolean;
  yes: boolean;
}

/** Where Terraform's Google provider would find credentials, or why it would not. */
export function googleCredentials(env: NodeJS.ProcessEnv = process.env): { found: string } | { missing: string } {
  if (env.GOOGLE_OAUTH_ACCESS_TOKEN) return { found: "GOOGLE_OAUTH_ACCESS_TOKEN" };
  if (env.GOOGLE_CREDENTIALS) return { found: "GOOGLE_CREDENTIALS" };
  if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    return fs.existsSync(env.GOOGLE_APPLICATION_CREDENTIALS) ? { found: `GOOGLE_APPLICATION_CREDENTIALS (${env.GOOGLE_APPLICATION_CREDENTIALS})` } : { missing: `GOOGLE_APPLICATION_CREDENTIALS names ${env.GOOGLE_APPLICATION_CREDENTIALS}, which does not exist` };
  }
  const adc = path.join(env.CLOUDSDK_CONFIG ?? path.join(env.HOME ?? os.homedir(), ".config", "gcloud"), "application_default_credentials.json");
  if (fs.existsSync(adc)) return { found: `application default credentials (${adc})` };
  return { missing: "no Google credentials (GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS, GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`)" };
}

/** Synthesizes every environment from the project's current files into `outdir`; the stack JSON of `env`. */
function synth(env: string, outdir: string): StackJson {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run-ts.cjs"), path.join(ROOT, "main.ts")], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" }, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new SynthFailed(`${r.stderr}${r.stdout}`.trim());
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "cdk.tf.json"), "utf8")) as StackJson;
}
class SynthFailed extends Error {}

function describeState(s: ReleaseState): string {
  return `activeColor ${s.activeColor}, canaryPercent ${s.canaryPercent}, idle ${s.idle}`;
}

async function main(argv: string[]): Promise<number> {
  const flags: Flags = { dryRun: argv.includes("--dry-run"), noApply: argv.includes("--no-apply"), yes: argv.includes("--yes") };
  const args = argv.filter((a) => !["--dry-run", "--no-apply", "--yes"].includes(a));
  const [envName, service, ...stepArgs] = args;
  const config = cliEnvironment(envName, USAGE);
  if (typeof config === "number") return config;
  if (config.target !== "gcp") {
    console.error(`${config.name} runs on Docker: it has no blue-green services (they are in the cloud environments).`);
    return EXIT.usage;
  }
  const bg = service === undefined ? undefined : config.blueGreen?.[service];
  if (!bg) {
    console.error(`usage: ${USAGE}\n${config.name} has no blue-green service ${service ?? "(none given)"} (it has: ${Object.keys(config.blueGreen ?? {}).join(", ") || "none"})`);
    return EXIT.usage;
  }
  const file = path.join(ROOT, "environments", `${config.name}.ts`);
  const text = fs.readFileSync(file, "utf8");
  let current: ReleaseState;
  try {
    current = readReleaseState(text, service);
  } catch (e) {
    if (!(e instanceof EditRefused)) throw e;
    console.error(`refused: environments/${config.name}.ts: ${e.message}. Nothing was changed.`);
    return EXIT.refused;
  }
  // The text is what the config loads, or the edit would not mean what it says.
  const loaded: ReleaseState = { activeColor: bg.activeColor, canaryPercent: bg.canaryPercent ?? 0, idle: bg.idle ?? "warm" };
  if (describeState(loaded) !== describeState(current)) {
    console.error(`refused: environments/${config.name}.ts reads as ${describeState(current)}, but the config loads ${describeState(loaded)} (a value computed elsewhere?). Nothing was changed.`);
    return EXIT.refused;
  }

  if (stepArgs[0] === "status" && stepArgs.length === 1) return status(config.name, service, current);
  const step = parseStep(stepArgs);
  if (typeof step === "string") {
    console.error(`usage: ${USAGE}\n${step}`);
    return EXIT.usage;
  }
  const result = nextState(current, step);
  if ("refused" in result) {
    console.error(`refused: ${config.name}/${service}: ${result.refused}. Nothing was changed.`);
    return EXIT.refused;
  }
  console.log(`${config.name}/${service}: ${result.summary}`);
  console.log(`  ${describeState(current)}  →  ${describeState(result.next)}`);
  for (const w of result.warnings) console.log(`warning: ${w}`);

  // Before anything is edited: can this machine apply at all?
  const apply = !flags.dryRun && !flags.noApply;
  let tf: TerraformCli | undefined;
  if (apply) {
    const found = findTerraform();
    if ("missing" in found) {
      console.error(`cannot apply here: ${found.missing}. Nothing was changed (--dry-run shows the step, --no-apply makes the edit for a full deploy).`);
      return EXIT.cannotApply;
    }
    const credentials = googleCredentials();
    if ("missing" in credentials) {
      console.error(`cannot apply here: ${credentials.missing}. Nothing was changed (--dry-run shows the step, --no-apply makes the edit for a full deploy).`);
      return EXIT.cannotApply;
    }
    tf = found;
    console.log(`Terraform ${found.version}; Google credentials from ${credentials.found}`);
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-release-"));
  let targets: ReleaseTargets;
  let after: StackJson;
  const edited = editReleaseState(text, service, result.next);
  try {
    const before = synth(config.name, path.join(work, "before"));
    fs.writeFileSync(file, edited);
    try {
      after = synth(config.name, flags.dryRun ? path.join(work, "after") : path.join(process.env.CDKTF_OUTDIR ?? path.join(ROOT, "cdktf.out")));
    } catch (e) {
      fs.writeFileSync(file, text);
      if (!(e instanceof SynthFailed)) throw e;
      console.error(`refused: the edited config does not synthesize; environments/${config.name}.ts was restored:\n${e.message}`);
      return EXIT.refused;
    } finally {
      if (flags.dryRun) fs.writeFileSync(file, text);
    }
    targets = releaseTargets(before, after);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`\nenvironments/${config.name}.ts:${lineDiff(text, edited)}\n`);
  console.log(formatTargets(targets).join("\n"));
  if (targets.untargetable.length > 0) {
    console.error(`\nthis step changes more than resources (${targets.untargetable.join(", ")}): a targeted apply cannot carry it; run \`npx cdktf deploy ${config.name}\`.`);
    if (!apply) return EXIT.ok;
    return EXIT.refused;
  }
  if (flags.dryRun) {
    console.log(`\ndry run: nothing applied, environments/${config.name}.ts left as it was.`);
    return EXIT.ok;
  }
  if (flags.noApply) {
    console.log(`\nenvironments/${config.name}.ts edited, nothing applied: commit it, or apply with \`npx cdktf deploy ${config.name}\` (the same changes).`);
    return EXIT.ok;
  }
  if (targets.all.length === 0) {
    console.log("\nnothing to apply.");
    return EXIT.ok;
  }
  if (!flags.yes && !(await confirm(`apply these ${targets.all.length} change(s) to ${config.name}?`))) {
    fs.writeFileSync(file, text);
    console.log(`not applied; environments/${config.name}.ts restored (run again with --yes to apply without asking).`);
    return EXIT.refused;
  }
  return applyTargets(tf!, config.name, targets, after);
}

function status(env: string, service: string, s: ReleaseState): number {
  const stack = cliStack(loadedConfig(env));
  if (typeof stack === "number") return stack;
  const bg = (stack as GcpStack).blueGreen[service];
  const idle = bg.idleColor;
  console.log(`${env}/${service}: ${describeState(s)}${bg.routePath ? `, on the router at ${bg.routePath}` : ", not on the router"}`);
  const spec = loadedConfig(env);
  const options = spec.target === "gcp" ? spec.blueGreen?.[service] : undefined;
  const max = { ...BLUE_GREEN_DEFAULTS.autoscaling, ...(options?.autoscaling ?? {}) }.maxReplicas;
  for (const c of [bg.activeColor, idle]) {
    const p = bg.plan.colors[c];
    const image = options?.[c].image ?? "(no image)";
    console.log(`  ${c.padEnd(5)} ${p.role.padEnd(8)} ${String(p.weightPercent).padStart(6)} % of the requests, ${p.floor === 0 ? "not deployed" : `HPA ${p.floor}-${max} pods`}, ${image}`);
  }
  const next =
    s.canaryPercent > 0 && s.canaryPercent < 100
      ? `canary ${[5, 25, 50, 100].find((n) => n > s.canaryPercent) ?? 100}, or rollback`
      : s.canaryPercent === 100
        ? "promote, or rollback"
        : s.idle === "full"
          ? `finish (ends the rollback window), or rollback to ${idle}`
          : `canary 5 (ships ${idle} to 5 % of the requests)`;
  console.log(`next: npm run release -- ${env} ${service} ${next}`);
  return EXIT.ok;
}

function loadedConfig(env: string) {
  const c = cliEnvironment(env, USAGE);
  if (typeof c === "number") throw new Error(`${env} did not load`);
  return c;
}

/** The changed lines of the environment file, as `-`/`+` lines with their numbers. */
function lineDiff(before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (b.length > a.length && a[i] === b[j + 1]) out.push(`  + ${j + 1}: ${b[j++]}`);
    else {
      if (i < a.length) out.push(`  - ${i + 1}: ${a[i++]}`);
      if (j < b.length) out.push(`  + ${j + 1}: ${b[j++]}`);
    }
  }
  return out.length > 0 ? `\n${out.join("\n")}` : " unchanged";
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    console.error(`${question} (not a terminal: pass --yes to apply)`);
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** The two targeted applies, with a wait for the raised floors in between. */
function applyTargets(tf: TerraformCli, env: string, t: ReleaseTargets, after: StackJson): number {
  const dir = path.join(process.env.CDKTF_OUTDIR ?? path.join(ROOT, "cdktf.out"), "stacks", env);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-release-tf-"));
  const source = providerSource(work);
  const terraform = (args: string[]) => {
    const r = run(tf.binary, args, { cwd: dir, env: source.env, timeoutSeconds: 900 });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r;
  };
  const started = Date.now();
  try {
    if (!fs.existsSync(path.join(dir, ".terraform"))) {
      const init = terraform(["init", "-input=false", "-no-color"]);
      if (init.code !== 0) return failedApply(env, "terraform init failed");
    }
    const phases = t.first.length > 0 && t.first.length < t.all.length ? [t.first, t.all] : [t.all];
    for (const [n, targets] of phases.entries()) {
      console.log(`\n==> apply ${n + 1}/${phases.length}: ${targets.join(" ")}`);
      const r = terraform(["apply", "-input=false", "-auto-approve", "-no-color", ...targets.map((a) => `-target=${a}`)]);
      if (r.code !== 0) return failedApply(env, `terraform apply failed (exit ${r.code})`);
      console.log(`    applied in ${r.seconds.toFixed(1)} s`);
      if (n === 0 && phases.length > 1) waitForFloors(targets, after);
    }
    console.log(`\n${env}: done in ${((Date.now() - started) / 1000).toFixed(1)} s. \`npx cdktf diff ${env}\` now shows no changes: every resource the edit changed was applied.`);
    return EXIT.ok;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function failedApply(env: string, why: string): number {
  console.error(`\n${why}. environments/${env}.ts keeps the edit (the config is the truth): fix the cause and run \`npx cdktf deploy ${env}\`, or run the opposite step.`);
  return EXIT.refused;
}

/** Waits (kubectl, up to 5 minutes) until each Deployment whose HPA floor was raised in the first apply has that many ready pods. */
function waitForFloors(targets: readonly string[], after: StackJson): void {
  const namespaces = after.resource?.kubernetes_namespace_v1 ?? {};
  const resolve = (ns: string) => {
    const ref = /^\$\{kubernetes_namespace_v1\.([\w-]+)\.metadata\[0\]\.name\}$/.exec(ns);
    return ref ? (namespaces[ref[1]]?.metadata as { name?: string } | undefined)?.name ?? ns : ns;
  };
  for (const address of targets.filter((a) => a.startsWith("kubernetes_horizontal_pod_autoscaler_v2."))) {
    const hpa = after.resource!.kubernetes_horizontal_pod_autoscaler_v2[address.slice(address.indexOf(".") + 1)] as { metadata: { namespace: string }; spec: { min_replicas: number; scale_target_ref: { name: string } } };
    const [ns, name, floor] = [resolve(hpa.metadata.namespace), hpa.spec.scale_target_ref.name, hpa.spec.min_replicas];
    const until = Date.now() + 300_000;
    for (;;) {
      const r = run("kubectl", ["-n", ns, "get", "deployment", name, "-o", "jsonpath={.status.readyReplicas}"], { timeoutSeconds: 30 });
      if (r.code !== 0) {
        console.log(`warning: cannot check ${ns}/${name}'s ready pods with kubectl (${r.error ?? r.stderr.trim().split("\n")[0]}); its HPA floor is ${floor}, and the HPA adds the pods within seconds`);
        break;
      }
      const ready = Number(r.stdout.trim() || 0);
      if (ready >= floor) {
        console.log(`    ${ns}/${name}: ${ready} of ${floor} pods ready`);
        break;
      }
      if (Date.now() > until) {
        console.log(`warning: ${ns}/${name} has ${ready} of ${floor} ready pods after 5 minutes; switching anyway (its HPA keeps adding them)`);
        break;
      }
      spawnSync("sleep", ["2"]);
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
