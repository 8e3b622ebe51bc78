/**
 * The release steps on real Terraform (part of `npm run test:terraform`): the staging stack after a promotion, a
 * state synthesized from its create plan until it plans no changes, then each step's targeted plan
 * (`terraform plan -target=...` with the targets `releaseTargets` computes from the synthesized before/after JSON):
 * - it changes exactly those resources, in place, nothing else;
 * - a full plan of the same config changes exactly the same resources (the targets miss nothing);
 * - after it (its planned values in the state), a full plan shows no changes: the next full deploy has no diff.
 * The targeted plan is timed. Real providers, a dummy token, `-refresh=false`, nothing applied. Skipped with the
 * reason where Terraform or the providers cannot be had.
 */
import fs from "node:fs";
import path from "node:path";
import { environments } from "../../environments";
import { runEnvironments } from "../../src/app";
import { addEnvironmentStacks } from "../../stacks";
import { releaseTargets, StackJson } from "../lib/release/targets";
import { applyPlanToState, converge, Terraform } from "./lib/plans";
import { failed, passed, skipped, StepResult } from "./lib/report";
import { run } from "./lib/run";
import { changesResources, PlanForState, ProviderSchemas } from "./lib/state-from-plan";
import { providerAddress, ProviderSource, requiredProviders, TerraformCli } from "./lib/terraform";

type Release = { activeColor: "blue" | "green"; canaryPercent: number; idle: "warm" | "full" | "off" };
const STEPS: readonly { name: string; to: Release }[] = [
  { name: "rollback after a promotion", to: { activeColor: "blue", canaryPercent: 0, idle: "full" } },
  { name: "finish (rollback window over)", to: { activeColor: "green", canaryPercent: 0, idle: "warm" } },
];
const PROMOTED: Release = { activeColor: "green", canaryPercent: 0, idle: "full" };
const SUBJECT = "staging";

export interface ReleaseCheckContext {
  readonly tf: TerraformCli | { readonly missing: string };
  readonly source: ProviderSource;
  /** Provider address -> why it cannot be installed (undefined: available), as the tier probed them. */
  readonly unavailable: ReadonlyMap<string, string | undefined>;
  readonly work: string;
  readonly log: (line?: string) => void;
}

const stepNames = () => STEPS.flatMap((s) => [`release ${s.name}: targeted plan changes only the targets`, `release ${s.name}: no diff after`]);

/** Synthesizes staging at a release state of `blueGreen.api` into its own directory. */
function synth(work: string, label: string, state: Release): StackJson {
  const outdir = path.join(work, `release-synth-${label}`);
  const raw = environments.staging;
  const code = runEnvironments({ staging: { ...raw, blueGreen: { ...raw.blueGreen, api: { ...raw.blueGreen.api, ...state } } } }, addEnvironmentStacks, { outdir, log: () => undefined, error: () => undefined });
  if (code !== 0) throw new Error(`synth of staging (${label}) failed`);
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "staging", "cdk.tf.json"), "utf8")) as StackJson;
}

export function releasePlanChecks(ctx: ReleaseCheckContext): StepResult[] {
  if ("missing" in ctx.tf) return stepNames().map((n) => skipped(SUBJECT, n, (ctx.tf as { missing: string }).missing));
  const tf = ctx.tf;
  const work = path.join(ctx.work, "release");
  fs.mkdirSync(work, { recursive: true });
  const results: StepResult[] = [];
  try {
    const before = synth(work, "promoted", PROMOTED);
    const missing = Object.values(requiredProviders(before as Parameters<typeof requiredProviders>[0]))
      .map(providerAddress)
      .filter((p) => ctx.unavailable.get(p) !== undefined || !ctx.unavailable.has(p));
    if (missing.length > 0) return stepNames().map((n) => skipped(SUBJECT, n, `providers not available from the ${ctx.source.description}: ${missing.join(", ")}`));
    const terraform: Terraform = (dir, args) => {
      const r = run(tf.binary, args, { cwd: dir, env: { ...ctx.source.env, GOOGLE_OAUTH_ACCESS_TOKEN: "offline-dummy-token" }, timeoutSeconds: 900 });
      if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir}:\n${(r.stderr || r.stdout).slice(0, 2000)}`);
      return r.stdout;
    };
    const stackDir = (name: string, json: StackJson): string => {
      const dir = path.join(work, name);
      fs.mkdirSync(dir, { recursive: true });
      const copy = JSON.parse(JSON.stringify(json)) as StackJson & { terraform: { backend?: unknown } };
      delete copy.terraform.backend;
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(copy));
      terraform(dir, ["init", "-input=false", "-no-color", "-backend=false"]);
      return dir;
    };
    const plan = (dir: string, file: string, extra: string[] = []): { json: PlanForState; seconds: number } => {
      const started = Date.now();
      terraform(dir, ["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", ...extra, "-out=plan.out"]);
      const seconds = (Date.now() - started) / 1000;
      const text = terraform(dir, ["show", "-json", "plan.out"]);
      fs.writeFileSync(path.join(work, file), text);
      return { json: JSON.parse(text) as PlanForState, seconds };
    };
    const changed = (p: PlanForState) =>
      (p.resource_changes ?? [])
        .filter((c) => c.mode === "managed" && !c.change.actions.every((a) => a === "no-op" || a === "read"))
        .map((c) => `${c.address} ${c.change.actions.join("+")}`)
        .sort();

    const baseDir = stackDir("promoted", before);
    const create = plan(baseDir, "release-create.json");
    const state = converge(terraform, baseDir, create.json, (d, f) => plan(d, f));
    const schemas = JSON.parse(terraform(baseDir, ["providers", "schema", "-json"])) as ProviderSchemas;
    const total = Object.values(before.resource ?? {}).reduce((n, byId) => n + Object.keys(byId).length, 0);
    ctx.log(`  release: staging after a promotion, ${total} resources, converged state`);

    for (const [i, step] of STEPS.entries()) {
      const after = synth(work, `step-${i}`, step.to);
      const t = releaseTargets(before, after);
      const dir = stackDir(`step-${i}`, after);
      fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state));
      const targeted = plan(dir, `release-step-${i}-targeted.json`, t.all.map((a) => `-target=${a}`));
      const expected = t.changes.map((c) => `${c.address} ${c.action}`).sort();
      const got = changed(targeted.json);
      const full = plan(dir, `release-step-${i}-full.json`);
      const gotFull = changed(full.json);
      const summary = `${t.all.length} of ${total} resources targeted (${t.all.map((a) => a.split(".")[0].replace(/^kubernetes_|_v\d$/g, "")).join(", ")}); targeted plan ${targeted.seconds.toFixed(1)} s, full plan ${full.seconds.toFixed(1)} s`;
      ctx.log(`  release ${step.name}: ${summary}`);
      const ok = JSON.stringify(got) === JSON.stringify(expected) && JSON.stringify(gotFull) === JSON.stringify(expected) && t.untargetable.length === 0;
      results.push(
        ok
          ? passed(SUBJECT, `release ${step.name}: targeted plan changes only the targets`, summary)
          : failed(SUBJECT, `release ${step.name}: targeted plan changes only the targets`, `expected ${expected.join(", ")}; targeted plan: ${got.join(", ")}; full plan: ${gotFull.join(", ")}${t.untargetable.length ? `; untargetable ${t.untargetable.join(", ")}` : ""}`),
      );
      // The state after the targeted apply, then the next full deploy.
      fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(applyPlanToState(state, targeted.json, schemas)));
      const next = plan(dir, `release-step-${i}-next.json`);
      results.push(
        changesResources(next.json)
          ? failed(SUBJECT, `release ${step.name}: no diff after`, `the full plan after the targeted one still changes ${changed(next.json).join(", ")}`)
          : passed(SUBJECT, `release ${step.name}: no diff after`, "a full plan after the targeted apply: no changes"),
      );
    }
  } catch (e) {
    const done = new Set(results.map((r) => r.step));
    for (const n of stepNames().filter((x) => !done.has(x))) results.push(failed(SUBJECT, n, String((e as Error).message ?? e).slice(0, 300)));
  }
  return results;
}
