/**
 * `npm run test:terraform`: the synthesized stacks through real Terraform and checkov.
 *
 * Per stack in `<out>/stacks/<id>/cdk.tf.json`, in a scratch copy (cdktf.out stays untouched):
 *   validate  `terraform init -backend=false` + `terraform validate -json` (errors fail; warnings are listed)
 *   test      `terraform test -json` with test/terraform/<id>/ (and test/terraform/cloud/ for Google stacks)
 *   checkov   `checkov --framework terraform_json --skip-download`, minus test/terraform/checkov-suppressions.json
 *   plan      Google stacks: `terraform plan -refresh=false` with the real providers and a dummy token, which
 *             must succeed; the Docker stack is planned and applied for real by `npm run test:e2e`.
 * then, for staging, the release steps as targeted plans against a converged state (release-plans.ts).
 * Providers come the Terraform way (see lib/terraform.ts). A step that needs something this machine lacks
 * (Terraform, a provider, checkov) is skipped with the reason; the others still run.
 */
import fs from "node:fs";
import path from "node:path";
import { CheckovScan, checkovInput, constructPathOf, ensureCheckov, loadSuppressions, parseCheckov, Suppression } from "./lib/checkov";
import { failed, formatResults, passed, skipped, StepResult, tally } from "./lib/report";
import { releasePlanChecks } from "./release-plans";
import { firstError, indent, run } from "./lib/run";
import { findTerraform, probeProviders, ProviderSource, providerAddress, providerSource, requiredProviders, TerraformCli, workDirectory } from "./lib/terraform";

const REPO = path.resolve(__dirname, "..", "..");

interface Options {
  synth: boolean;
  out: string;
  stacks?: string[];
  tests: string;
  suppressions: string;
  keep: boolean;
  verbose: boolean;
}

const HELP = `usage: npm run test:terraform -- [options]
  --no-synth           use the existing <out> instead of synthesizing first
  --out DIR            cdktf output dir (default: cdktf.out)
  --stacks a,b         only these stack ids
  --keep               keep the scratch directory (its path is printed)
  -v, --verbose        print full tool output
Providers: the registry by default; offline, TF_CLI_CONFIG_FILE=<CLI config with a filesystem_mirror>
or TANDEM_PROVIDER_MIRROR=<dir written by \`terraform providers mirror\`>. TF_PLUGIN_CACHE_DIR is honoured.
Tools: TANDEM_TERRAFORM (default terraform on PATH, >= 1.11), TANDEM_CHECKOV (default: pip-installed into
$TANDEM_CACHE_DIR, ~/.cache/tandem).`;

function parseArgs(argv: string[]): Options {
  const o: Options = {
    synth: true,
    out: path.join(REPO, "cdktf.out"),
    tests: path.join(REPO, "test", "terraform"),
    suppressions: path.join(REPO, "test", "terraform", "checkov-suppressions.json"),
    keep: false,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const next = () => argv[++i] ?? die(`missing value for ${argv[i - 1]}`);
    switch (argv[i]) {
      case "--synth":
        o.synth = true;
        break;
      case "--no-synth":
        o.synth = false;
        break;
      case "--out":
        o.out = path.resolve(next());
        break;
      case "--stacks":
        o.stacks = next().split(",").filter(Boolean);
        break;
      case "--keep":
        o.keep = true;
        break;
      case "-v":
      case "--verbose":
        o.verbose = true;
        break;
      case "-h":
      case "--help":
        console.log(HELP);
        process.exit(0);
        break;
      default:
        die(`unknown argument ${argv[i]}\n${HELP}`);
    }
  }
  return o;
}

function die(message: string): never {
  console.error(`test:terraform: ${message}`);
  process.exit(2);
}

type StackJson = Parameters<typeof parseCheckov>[3] & Parameters<typeof requiredProviders>[0];

function main(): number {
  const opt = parseArgs(process.argv.slice(2));
  const work = workDirectory("tandem-tf-");
  const results: StepResult[] = [];
  const log = (line = "") => console.log(line);

  if (opt.synth) {
    log(`==> synthesize into ${path.relative(REPO, opt.out) || opt.out}`);
    const s = run(process.execPath, ["scripts/run-ts.cjs", "main.ts"], { cwd: REPO, env: { CDKTF_OUTDIR: opt.out }, timeoutSeconds: 300 });
    process.stdout.write(s.stdout);
    if (s.code !== 0) {
      process.stderr.write(s.stderr);
      die(`synth failed (exit ${s.code})`);
    }
  }
  const stacksRoot = path.join(opt.out, "stacks");
  if (!fs.existsSync(stacksRoot)) die(`${stacksRoot} does not exist; synthesize first`);
  let stacks = fs
    .readdirSync(stacksRoot)
    .filter((s) => fs.existsSync(path.join(stacksRoot, s, "cdk.tf.json")))
    .sort();
  if (opt.stacks) {
    const missing = opt.stacks.filter((s) => !stacks.includes(s));
    if (missing.length > 0) die(`no such stack: ${missing.join(", ")} (have ${stacks.join(", ")})`);
    stacks = opt.stacks;
  }

  // Tools and providers, once for all stacks.
  const tf = findTerraform();
  const source = providerSource(work);
  for (const note of source.notes) log(`note: ${note}`);
  const docs = new Map<string, StackJson>(stacks.map((s) => [s, JSON.parse(fs.readFileSync(path.join(stacksRoot, s, "cdk.tf.json"), "utf8")) as StackJson]));
  let unavailable = new Map<string, string | undefined>();
  if ("binary" in tf) {
    log(`==> Terraform ${tf.version} (${tf.binary}); providers from the ${source.description}`);
    const all = Object.assign({}, ...[...docs.values()].map((d) => requiredProviders(d)));
    unavailable = probeProviders(tf, source, all, work);
    for (const [provider, reason] of unavailable) log(`  ${provider}: ${reason === undefined ? "available" : `not available: ${reason}`}`);
  } else log(`==> no usable Terraform: ${tf.missing}`);

  const checkov = ensureCheckov();
  if ("missing" in checkov) log(`==> checkov unavailable: ${checkov.missing}`);
  const supp = loadSuppressions(opt.suppressions);
  const used = new Set<number>();
  if (supp.problems.length > 0) results.push(failed("checkov", "suppressions", supp.problems.join(" | ")));

  for (const stack of stacks) {
    log(`\n==> [${stack}]`);
    const doc = docs.get(stack)!;
    const dir = path.join(work, stack);
    fs.cpSync(path.join(stacksRoot, stack), dir, {
      recursive: true,
      // Nothing left by a `cdktf deploy` in cdktf.out: working dir, state, lock file.
      filter: (p) => !/(^|\/)(\.terraform|\.terraform\.lock\.hcl|[^/]*\.tfstate(\.backup)?)$/.test(p),
    });
    const providers = requiredProviders(doc);
    const isGoogle = Object.values(providers).some((p) => /(^|\/)google$/.test(p.source));
    const missing = Object.values(providers)
      .map(providerAddress)
      .filter((p) => unavailable.get(p) !== undefined);
    const blocker =
      "missing" in tf
        ? tf.missing
        : missing.length > 0
          ? `providers not available from the ${source.description}: ${missing.join(", ")} (${[...new Set(missing.map((p) => unavailable.get(p)))].join("; ")}); offline, set TANDEM_PROVIDER_MIRROR or TF_CLI_CONFIG_FILE`
          : undefined;

    const tfSteps = isGoogle ? ["validate", "test", "plan"] : ["validate", "test"];
    if (blocker !== undefined) {
      for (const step of tfSteps) results.push(skipped(stack, step, blocker));
      log(`  validate/test${isGoogle ? "/plan" : ""}: skipped (${blocker})`);
    } else {
      const cli = tf as TerraformCli;
      const testFiles = copyTests(opt.tests, stack, isGoogle, dir);
      const ok = validate(cli, source, stack, dir, doc, results, log, opt.verbose);
      if (!ok) {
        results.push(failed(stack, "test", "not run: validate failed"));
        if (isGoogle) results.push(failed(stack, "plan", "not run: validate failed"));
      } else {
        results.push(terraformTest(cli, source, stack, dir, testFiles, log));
        if (isGoogle) results.push(plan(cli, source, stack, dir, log));
      }
    }

    if ("missing" in checkov) results.push(skipped(stack, "checkov", checkov.missing));
    else {
      // checkov's terraform_json runner reads *.tf.json only; a directory of its own keeps Terraform off this copy.
      const input = path.join(dir, "checkov", "cdk.tf.json");
      fs.mkdirSync(path.dirname(input), { recursive: true });
      fs.writeFileSync(input, JSON.stringify(checkovInput(doc as Record<string, unknown>)));
      const r = run(checkov.binary, ["-f", input, "--framework", "terraform_json", "-o", "json", "--skip-download", "--skip-results-upload"], {
        cwd: dir,
        env: { LOG_LEVEL: "WARNING" },
        timeoutSeconds: 900,
      });
      let scan: CheckovScan | undefined;
      try {
        scan = parseCheckov(r.stdout, r.stderr, stack, doc, supp.entries);
      } catch (e) {
        results.push(failed(stack, "checkov", `could not read checkov's report (${r.error ?? `exit ${r.code}`}): ${String(e)}`));
        log(indent(r.stderr.split("\n").slice(-20).join("\n")));
      }
      if (scan) {
        scan.usedSuppressions.forEach((i) => used.add(i));
        results.push(...checkovResults(stack, scan, r.seconds, log));
      }
    }
  }

  if (stacks.includes("staging")) {
    log("\n==> [staging] release steps on real plans (targeted)");
    results.push(...releasePlanChecks({ tf, source, unavailable, work, log }));
  }

  const stale = supp.entries.map((e, i): [Suppression, number] => [e, i]).filter(([, i]) => !used.has(i));
  if (!("missing" in checkov) && stale.length > 0 && !opt.stacks) {
    log(`\nnote: ${stale.length} checkov suppression(s) matched nothing (stale; remove them): ${stale.map(([e]) => `${e.check} ${e.resource}`).join(", ")}`);
  }
  log(`\n${formatResults("terraform", results)}`);
  if (opt.keep) log(`scratch directory kept: ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
  return tally(results).failed > 0 ? 1 : 0;
}

function copyTests(root: string, stack: string, isGoogle: boolean, dir: string): string[] {
  // Test files must be in place before `terraform init`, which installs what they use.
  // Shared tests: cloud/ for every Google environment stack, bootstrap/ for every <env>-bootstrap stack.
  const shared = stack.endsWith("-bootstrap") ? "bootstrap" : isGoogle ? "cloud" : undefined;
  for (const src of [path.join(root, stack), ...(shared ? [path.join(root, shared)] : [])]) {
    if (fs.existsSync(src)) fs.cpSync(src, path.join(dir, "tests"), { recursive: true });
  }
  const tests = path.join(dir, "tests");
  return fs.existsSync(tests) ? fs.readdirSync(tests).filter((f) => f.endsWith(".tftest.hcl")) : [];
}

interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
}

function validate(tf: TerraformCli, source: ProviderSource, stack: string, dir: string, doc: StackJson, results: StepResult[], log: (l?: string) => void, verbose: boolean): boolean {
  const init = run(tf.binary, ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env: source.env });
  if (init.code !== 0) {
    results.push(failed(stack, "validate", `init failed: ${init.error ?? firstError(init.stderr || init.stdout)}`));
    log(indent(init.stderr || init.stdout));
    return false;
  }
  if (verbose) log(indent(init.stdout));
  const v = run(tf.binary, ["validate", "-json", "-no-color"], { cwd: dir, env: source.env });
  let report: { valid: boolean; diagnostics?: Diagnostic[] };
  try {
    report = JSON.parse(v.stdout) as typeof report;
  } catch {
    results.push(failed(stack, "validate", `no JSON from terraform validate (exit ${v.code}): ${firstError(v.stderr)}`));
    return false;
  }
  const diagnostics = report.diagnostics ?? [];
  const errors = diagnostics.filter((d) => d.severity === "error");
  for (const d of diagnostics) {
    const where = d.address ? ` ${d.address}${constructPathOf(doc, d.address) ? ` (${constructPathOf(doc, d.address)})` : ""}` : "";
    log(`  ${d.severity.toUpperCase()}: ${d.summary}${where}${d.detail ? `\n${indent(d.detail, "      ")}` : ""}`);
  }
  const summary = `${errors.length} error(s), ${diagnostics.length - errors.length} warning(s)`;
  log(`  validate: ${summary} (${v.seconds.toFixed(1)} s)`);
  results.push(report.valid && errors.length === 0 ? passed(stack, "validate", summary) : failed(stack, "validate", summary));
  return report.valid && errors.length === 0;
}

function terraformTest(tf: TerraformCli, source: ProviderSource, stack: string, dir: string, files: string[], log: (l?: string) => void): StepResult {
  if (files.length === 0) return skipped(stack, "test", `no test files in test/terraform/${stack}/`);
  const t = run(tf.binary, ["test", "-json", "-no-color"], { cwd: dir, env: source.env, timeoutSeconds: 1800 });
  let summary: { status: string; passed: number; failed: number; errored: number; skipped: number } | undefined;
  const problems: string[] = [];
  for (const line of t.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as { type?: string; "@message"?: string; "@level"?: string; test_summary?: typeof summary; diagnostic?: { summary: string } };
    if (event.type === "test_summary") summary = event.test_summary;
    if (event["@level"] === "error" || event.type === "diagnostic") problems.push(event.diagnostic?.summary ?? event["@message"] ?? line);
  }
  if (!summary) return failed(stack, "test", `terraform test gave no summary (exit ${t.code}): ${t.error ?? firstError(t.stderr)}`);
  const text = `${summary.passed} passed, ${summary.failed} failed, ${summary.errored} errored, ${summary.skipped} skipped in ${files.length} file(s)`;
  log(`  test: ${text} (${t.seconds.toFixed(1)} s)`);
  for (const p of problems) log(`    ${p}`);
  return t.code === 0 && summary.status === "pass" ? passed(stack, "test", text) : failed(stack, "test", `${text}${problems.length ? `: ${problems.slice(0, 2).join(" | ")}` : ""}`);
}

function plan(tf: TerraformCli, source: ProviderSource, stack: string, dir: string, log: (l?: string) => void): StepResult {
  // An *_override.tf.json swaps the stack's GCS backend for local state in the scratch dir.
  fs.writeFileSync(path.join(dir, "zz_tandem_backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }));
  const env = { ...source.env, GOOGLE_OAUTH_ACCESS_TOKEN: "offline-dummy-token", GOOGLE_APPLICATION_CREDENTIALS: undefined, GOOGLE_CREDENTIALS: undefined };
  const init = run(tf.binary, ["init", "-input=false", "-reconfigure", "-no-color"], { cwd: dir, env });
  if (init.code !== 0) return failed(stack, "plan", `init failed: ${firstError(init.stderr || init.stdout)}`);
  const p = run(tf.binary, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.out"], { cwd: dir, env, timeoutSeconds: 600 });
  if (p.code !== 0) {
    log(indent(p.stderr || p.stdout));
    return failed(stack, "plan", p.error ?? firstError(p.stderr || p.stdout));
  }
  const show = run(tf.binary, ["show", "-json", "plan.out"], { cwd: dir, env });
  const json = JSON.parse(show.stdout) as { errored?: boolean; resource_changes?: { change: { actions: string[] } }[] };
  const adds = (json.resource_changes ?? []).filter((c) => c.change.actions.includes("create")).length;
  const others = (json.resource_changes ?? []).filter((c) => !c.change.actions.every((a) => a === "create" || a === "no-op")).length;
  const text = `${adds} to add, ${others} other change(s) on an empty state`;
  log(`  plan: ${text} (${p.seconds.toFixed(1)} s)`);
  return json.errored || others > 0 ? failed(stack, "plan", text) : passed(stack, "plan", text);
}

function checkovResults(stack: string, scan: CheckovScan, seconds: number, log: (l?: string) => void): StepResult[] {
  const out: StepResult[] = [];
  log(`  checkov: ${scan.passed} passed, ${scan.failed.length} failed, ${scan.suppressed.length} suppressed, ${scan.crashed.length} crashed (${seconds.toFixed(1)} s)`);
  for (const f of scan.failed) log(`    FAIL ${f.check} ${f.address}${f.constructPath ? ` (${f.constructPath})` : ""}: ${f.name}`);
  for (const c of scan.crashed) log(`    CRASHED ${c.check} ${c.address}: ${c.error} (a checkov bug: this check was not evaluated)`);
  const counts = `${scan.passed} passed, ${scan.failed.length} failed, ${scan.suppressed.length} suppressed`;
  if (scan.parsingErrors > 0) out.push(failed(stack, "checkov", `${scan.parsingErrors} parsing error(s); ${counts}`));
  else if (scan.failed.length > 0) out.push(failed(stack, "checkov", `${counts}: ${scan.failed.map((f) => `${f.check} ${f.address}`).join(", ")}`));
  else if (scan.passed + scan.suppressed.length === 0) log(`    no checks: checkov has no check for this stack's resource types (not counted as passed)`);
  else out.push(passed(stack, "checkov", counts));
  if (scan.crashed.length > 0) {
    out.push(skipped(stack, "checkov crashed checks", `checkov ${[...new Set(scan.crashed.map((c) => c.check))].join(", ")} crashed (${scan.crashed[0].error}); not evaluated`));
  }
  return out;
}

process.exitCode = main();
