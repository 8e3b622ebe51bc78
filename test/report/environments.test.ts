import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { environments } from "../../environments";
import { ACCESS_AREAS } from "../../src/access";
import { EnvironmentConfig } from "../../src/config";
import { DEFAULT_POLICY, PREVIEW_MARKER } from "../../src/preview";
import { parseReportArgs } from "../../scripts/report";
import { buildReport } from "../../scripts/report/build";
import { cliEnvironment, cliStack } from "../../scripts/lib/environment";
import { change, plan } from "../preview/fixtures";

const now = new Date("2025-05-01T12:00:00Z");
const root = path.resolve(__dirname, "../..");
const built = new Map<string, Exclude<ReturnType<typeof buildReport>, number>>();
/** One build per environment and plan: each builds the stack as the deploy does, which takes a moment. */
const build = (env: string, planFile?: string) => {
  const key = `${env} ${planFile ?? ""}`;
  if (!built.has(key)) {
    const b = buildReport(env, { policy: DEFAULT_POLICY, now, plan: planFile });
    if (typeof b === "number") throw new Error(`exit ${b}`);
    built.set(key, b);
  }
  return built.get(key)!;
};
const configOf = (env: string) => cliEnvironment(env, "x") as EnvironmentConfig;

describe.each(Object.keys(environments))("the report of %s", (env) => {
  const { model, html } = build(env);
  const config = configOf(env);
  const stack = cliStack(config);
  if (typeof stack === "number") throw new Error("no stack");
  // As synth does (and the report): aspects, then validations.
  invokeAspects(stack);
  stack.runAllValidations();

  test("holds every port of the platform's plan with the target `npm run ports` prints", () => {
    expect(model.ports.rows.map((r) => [r.service, r.port])).toEqual(stack.platform.portPlan.assignments.map((a) => [a.service, a.port]));
    const printed = stack.platform.formatPlan();
    for (const r of model.ports.rows) {
      expect(printed).toMatch(new RegExp(`^${r.service}\\s+${r.category}\\s+${r.port}\\s+${r.target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s`, "m"));
      expect(html).toContain(`<strong>${r.port}</strong>`);
    }
    for (const port of Object.values(config.legacy.reservedPorts)) expect(model.ports.legacy.map((l) => l.port)).toContain(port);
  });

  test("the routing is what the router's nginx.conf does, in the configured phase", () => {
    expect(model.traffic.phase).toBe(config.platform.router.phase);
    expect(model.traffic.routing.length).toBeGreaterThan(0);
    for (const r of model.traffic.routing) expect(stack.platform.routerConfig).toContain(`location ${r.path} {`);
    for (const route of stack.platform.plan.routerConfig.routes ?? []) expect(html).toContain(route.path);
  });

  test("every warning annotation of the stack is listed", () => {
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn"));
    expect(model.warnings).toHaveLength(warnings.length);
  });

  test("resource counts add up to the synthesized stack", () => {
    const json = stack.toTerraform() as { resource: Record<string, Record<string, unknown>> };
    const total = Object.values(json.resource).reduce((n, r) => n + Object.keys(r).length, 0);
    expect(model.resources.total).toBe(total);
    expect(model.resources.groups.reduce((n, g) => n + g.total, 0)).toBe(total);
  });
});

describe.each(["staging", "production"])("the cloud report of %s", (env) => {
  const { model, html } = build(env);
  const config = configOf(env);
  if (config.target !== "gcp") throw new Error("not a cloud environment");
  const stack = cliStack(config);
  if (typeof stack === "number" || !("monitoring" in stack)) throw new Error("no cloud stack");

  test("the access matrix has every role and area of the config, at the configured level", () => {
    const access = model.access!;
    expect(access.roles.map((r) => r.role)).toEqual(Object.keys(config.access.roles));
    for (const r of access.roles) {
      for (const area of ACCESS_AREAS) expect(r.cells[area].level).toBe(config.access.roles[r.role as keyof typeof config.access.roles]!.grants[area]);
    }
    expect(access.roles.find((r) => r.role === "system-admin")!.cluster[0]).toMatch(/cluster-admin/);
    // Namespaces are references to the namespace resource in the plan; the page shows the name.
    expect(html).not.toContain("${");
    expect(html).toContain("in new-platform");
  });

  test("blue-green: live colour, canary share and both images, read from the synthesized Deployments", () => {
    const [api] = model.traffic.blueGreen;
    expect(api.activeColor).toBe("blue");
    expect(api.colors.map((c) => c.image)).toEqual(["europe-west1-docker.pkg.dev/tandem-shared/platform/api:1.4.0", "europe-west1-docker.pkg.dev/tandem-shared/platform/api:1.5.0"]);
    expect(api.effectiveCanaryPercent).toBe(0);
    expect(api.promote).toMatch(/switch is immediate/);
  });

  test("alerts and uptime checks: every policy of the Monitoring construct, with its severity and channels", () => {
    const m = model.monitoring!;
    const policies = Object.values(stack.monitoring.alertPolicies);
    expect(m.alerts.map((a) => a.name).sort()).toEqual(Object.keys(stack.monitoring.alertPolicies).sort());
    expect(m.alerts.filter((a) => a.severity === "P0").length).toBe(policies.filter((p) => p.userLabelsInput?.severity === "p0").length);
    expect(m.alerts.filter((a) => a.severity === "P0").length).toBeGreaterThanOrEqual(5);
    // Log-based metrics are named, not references, on the page.
    expect(m.alerts.some((a) => /logging\.googleapis\.com\/user\/[a-z]/.test(a.condition))).toBe(true);
    expect(m.alerts.every((a) => !a.condition.includes("${"))).toBe(true);
    for (const a of m.alerts) expect(a.channels.length).toBeGreaterThan(0);
    // The environment's own hosts, as its config names them (staging and production share none).
    const domain = env === "staging" ? "staging.example.com" : "example.com";
    expect(m.uptime.map((u) => u.url)).toEqual([`https://app.${domain}/health`, `https://new.${domain}/health`]);
    expect(m.uptime.every((u) => u.alert?.startsWith("service-down-"))).toBe(true);
  });

  test("the placeholders still in the config (documentation ranges, example.com) are deploy-readiness warnings", () => {
    expect(model.warnings.some((w) => w.placeholder)).toBe(true);
    expect(html).toContain("⚠ placeholder");
  });
});

describe("protection as each environment configures it", () => {
  const sql = (env: string) => build(env).model.resources.stateful.find((s) => s.type === "google_sql_database_instance" && !s.name.endsWith("-replica"))!;
  const state = (env: string, label: string) => sql(env).protections.find((p) => p.label === label)!.state;

  test("production: deletion protection, backups, PITR and HA on; staging: no deletion protection, no HA", () => {
    expect(["deletion protection", "backups", "PITR", "HA"].map((l) => state("production", l))).toEqual(["on", "on", "on", "on"]);
    expect(["deletion protection", "backups", "PITR", "HA"].map((l) => state("staging", l))).toEqual(["off", "on", "on", "off"]);
  });
});

describe("--plan: the PR preview's summary and guard", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-report-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const destroyDb = (env: string) => {
    const address = build(env).model.resources.stateful.find((s) => s.type === "google_sql_database_instance")!.address;
    const file = path.join(dir, `plan-${env}.json`);
    fs.writeFileSync(file, JSON.stringify(plan(change(address, ["delete"], { before: { name: "db", deletion_protection: true }, after: null }))));
    return { file, address };
  };

  test("production: the destroy is blocked, as in the PR comment, with the construct it belongs to", () => {
    const { file, address } = destroyDb("production");
    const p = build("production", file).model.plan!;
    expect(p.counts.destroy).toBe(1);
    expect(p.blocked).toBe(true);
    expect(p.findings.map((f) => [f.level, f.action])).toEqual([
      ["data-loss", "block"],
      ["will-fail", "block"],
    ]);
    expect(p.changes[0]).toMatchObject({ kind: "destroy", address, construct: "database" });
    expect(p.comment.startsWith(PREVIEW_MARKER)).toBe(true);
    expect(p.comment).toContain(`/tandem ack ${p.hash}`);
  });

  test("staging warns instead; a file that is not a complete plan is refused and said so", () => {
    const { file } = destroyDb("staging");
    const p = build("staging", file).model.plan!;
    expect(p.blocked).toBe(false);
    expect(p.findings.every((f) => f.action === "warn")).toBe(true);
    const bad = path.join(dir, "state.json");
    fs.writeFileSync(bad, JSON.stringify({ format_version: "1.0", values: {} }));
    const refused = build("staging", bad);
    expect(refused.model.plan!.refused).toMatch(/state\.json/);
    expect(refused.html).toContain("The plan was refused");
  });
});

describe("npm run report", () => {
  const run = (args: string[]) => spawnSync(process.execPath, ["scripts/run-ts.cjs", "scripts/report.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

  test("writes one page to --out, or every environment and an index to --out-dir", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-report-cli-"));
    try {
      const one = run(["dev", "--out", path.join(dir, "one", "dev.html"), "--commit", "abc123"]);
      expect(one.status).toBe(0);
      expect(fs.readFileSync(path.join(dir, "one", "dev.html"), "utf8")).toContain("<code>abc123</code>");
      const all = run(["--out-dir", path.join(dir, "all")]);
      expect(all.status).toBe(0);
      expect(fs.readdirSync(path.join(dir, "all")).sort()).toEqual(["dev.html", "index.html", "production.html", "staging.html"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("usage errors exit 2", () => {
    expect(run(["qa"]).status).toBe(2);
    expect(run(["dev", "--bogus", "x"]).status).toBe(2);
    expect(parseReportArgs(["--plan", "p.json"])).toMatch(/needs an environment/);
    expect(parseReportArgs(["--out", "x.html"])).toMatch(/name the environment/);
    expect(parseReportArgs(["staging", "--plan", "p.json"])).toMatchObject({ env: "staging", plans: { staging: "p.json" } });
  });
});
