/**
 * One environment's report: its validated config, the stack built exactly as the deploy builds it, the JSON that
 * stack synthesizes, and with a plan the PR preview's summary of it. Used by `npm run report` and `test:report`.
 */
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import * as fs from "node:fs";
import { errorAnnotations } from "../../src/app";
import { PreviewPolicy, SynthesizedStack } from "../../src/preview";
import { cliEnvironment, cliStack } from "../lib/environment";
import { collectReport } from "./collect";
import { reportPage } from "./html/page";
import { ReportModel } from "./model";
import { planModel } from "./plan";
import { SynthesizedJson } from "./terraform-json";

export const REPORT_USAGE = "npm run report -- [<env>] [--plan [<env>=]plan.json] [--out file.html | --out-dir dir] [--policy file] [--commit sha]";

export interface BuiltReport {
  readonly model: ReportModel;
  readonly html: string;
}

export interface BuildOptions {
  /** A `terraform show -json` plan of this environment. */
  readonly plan?: string;
  readonly policy: PreviewPolicy;
  readonly commit?: string;
  readonly now: Date;
}

/** The model and page; the exit code (after printing why) when the config or a construct is invalid. */
export function buildReport(env: string, options: BuildOptions): BuiltReport | number {
  const config = cliEnvironment(env, REPORT_USAGE);
  if (typeof config === "number") return config;
  const stack = cliStack(config);
  if (typeof stack === "number") return stack;
  // What cdktf's synth does before it writes cdk.tf.json: the stack's aspects (they add resources and
  // deploy-readiness annotations), then its validations; the deploy refuses any error annotation.
  invokeAspects(stack);
  stack.runAllValidations();
  const errors = errorAnnotations(stack);
  if (errors.length > 0) {
    console.error(`${env}: the stack has errors; the deploy would refuse it:\n${errors.map((e) => `  - ${e}`).join("\n")}`);
    return 1;
  }
  const json = stack.toTerraform() as SynthesizedJson;
  const plan = options.plan
    ? planModel({ stack: env, file: options.plan, text: fs.existsSync(options.plan) ? fs.readFileSync(options.plan, "utf8") : "", synthesized: json as SynthesizedStack, policy: options.policy, env: process.env, now: options.now })
    : undefined;
  const model = collectReport(config, stack, json, { now: options.now, commit: options.commit, plan });
  return { model, html: reportPage(model) };
}
