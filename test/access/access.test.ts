import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { App, Testing, TerraformStack } from "cdktf";
import { environments } from "../../environments";
import { ConfigError, GcpEnvironmentConfig, loadEnvironment } from "../../src/config";
import { addEnvironmentStacks } from "../../stacks";
import { resourcesOf, TerraformJson } from "../helpers";

const root = path.resolve(__dirname, "../..");

function cloud(env: "staging" | "production"): { config: GcpEnvironmentConfig; json: TerraformJson } {
  const config = loadEnvironment(env, environments[env]) as GcpEnvironmentConfig;
  const app: App = Testing.app();
  addEnvironmentStacks(app, [config]);
  return { config, json: JSON.parse(Testing.synth(app.node.findChild(env) as TerraformStack)) as TerraformJson };
}

type Rule = { api_groups: string[]; resources: string[]; verbs: string[]; resource_names?: string[] };
type Binding = { metadata: { name: string }; role_ref: { kind: string; name: string }; subject: { kind: string; name: string }[] };

describe.each(["staging", "production"] as const)("access in %s", (env) => {
  const { config, json } = cloud(env);
  const iam = resourcesOf(json, "google_project_iam_member") as { role: string; member: string }[];
  const accessIam = iam.filter((m) => !m.member.includes("nodes"));
  const roles = resourcesOf(json, "kubernetes_role_v1") as { metadata: { name: string }; rule: Rule[] }[];
  const bindings = resourcesOf(json, "kubernetes_role_binding_v1") as Binding[];
  const clusterBindings = resourcesOf(json, "kubernetes_cluster_role_binding_v1") as Binding[];

  test("IAM is additive only: no _iam_binding or _iam_policy resources anywhere", () => {
    expect(Object.keys(json.resource ?? {}).filter((t) => /_iam_(binding|policy)$/.test(t))).toEqual([]);
  });

  test("no primitive roles", () => {
    for (const m of iam) expect(m.role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
  });

  test("no wildcard verbs, resources or API groups, and no Secrets in any Role", () => {
    for (const r of roles.flatMap((role) => role.rule)) {
      expect([...r.verbs, ...r.resources, ...r.api_groups]).not.toContain("*");
      expect(r.resources).not.toContain("secrets");
    }
  });

  test("write verbs are always scoped to named workloads", () => {
    for (const r of roles.flatMap((role) => role.rule).filter((rule) => rule.verbs.some((v) => v !== "get" && v !== "list" && v !== "watch"))) {
      expect(r.resource_names?.length).toBeGreaterThan(0);
      expect(r.verbs).not.toContain("create");
    }
  });

  test("cluster-admin is bound to System Admin only", () => {
    const admins = clusterBindings.filter((b) => b.role_ref.name === "cluster-admin");
    expect(admins).toHaveLength(1);
    expect(admins[0].subject.map((s) => s.name)).toEqual(config.access.roles["system-admin"]!.members.map((m) => m.split(":")[1]));
  });

  test("Google groups are bound as Kubernetes Groups", () => {
    for (const s of bindings.flatMap((b) => b.subject)) expect(s.kind).toBe("Group");
  });

  test("the Product Owner has no access to the backend or the database", () => {
    const po = accessIam.filter((m) => m.member === "group:product-owners@example.com").map((m) => m.role);
    expect(po.sort()).toEqual(["roles/container.clusterViewer", "roles/monitoring.viewer"]);
    expect(bindings.filter((b) => b.metadata.name.startsWith("tandem-product-owner") && b.metadata.name.includes("write"))).toEqual([]);
  });

  test("the matrix: concrete roles per member match the config's table", () => {
    const byMember: Record<string, string[]> = {};
    for (const m of accessIam) (byMember[m.member] ??= []).push(m.role);
    expect(Object.keys(byMember).sort()).toEqual(Object.values(config.access.roles).flatMap((r) => r!.members).sort());
    expect(byMember["group:qa@example.com"].sort()).toEqual(["roles/cloudsql.viewer", "roles/container.clusterViewer", "roles/monitoring.viewer"]);
    expect(byMember["group:devops@example.com"].sort()).toEqual(["roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/container.clusterViewer", "roles/monitoring.editor"]);
  });
});

describe("per-environment differences come from config", () => {
  test("production gives Developer read-only on the database; staging gives more", () => {
    const dev = (env: "staging" | "production") =>
      (resourcesOf(cloud(env).json, "google_project_iam_member") as { role: string; member: string }[]).filter((m) => m.member === "group:developers@example.com").map((m) => m.role);
    expect(dev("production")).toContain("roles/cloudsql.viewer");
    expect(dev("production")).not.toContain("roles/cloudsql.client");
    expect(dev("production")).not.toContain("roles/cloudsql.instanceUser");
    expect(dev("staging")).toContain("roles/cloudsql.client");
  });
});

describe("access config validation", () => {
  const staging = environments.staging as unknown as Record<string, unknown>;
  const withAccess = (roles: unknown) => ({ ...structuredClone(staging), access: { roles } });
  const problem = (raw: unknown) => {
    try {
      loadEnvironment("staging", raw);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error("expected a ConfigError");
  };
  const grants = { legacy: "read", frontend: "read", backend: "read", database: "read", monitoring: "read" };

  test("an unknown role", () => {
    expect(problem(withAccess({ intern: { members: ["user:a@example.com"], grants } }))).toMatch(/access\.roles\.intern/);
  });
  test("an unknown area", () => {
    expect(problem(withAccess({ qa: { members: ["user:a@example.com"], grants: { ...grants, billing: "read" } } }))).toMatch(/access\.roles\.qa\.grants\.billing = "read": is not a known field/);
  });
  test("an unknown level", () => {
    expect(problem(withAccess({ qa: { members: ["user:a@example.com"], grants: { ...grants, database: "admin" } } }))).toMatch(/access\.roles\.qa\.grants\.database = "admin"/);
  });
  test("a malformed member", () => {
    expect(problem(withAccess({ qa: { members: ["qa-team"], grants } }))).toMatch(/access\.roles\.qa\.members\.0 = "qa-team": must be group:, user: or serviceAccount: followed by an e-mail address/);
  });
  test("Google groups without Google Groups for RBAC", () => {
    const raw = withAccess({ qa: { members: ["group:qa@example.com"], grants } });
    delete ((raw as Record<string, Record<string, unknown>>).gke).rbacSecurityGroup;
    expect(problem(raw)).toMatch(/access\.roles\.qa\.members\.0 = "group:qa@example\.com": Google groups need gke\.rbacSecurityGroup/);
  });
});

describe("npm run access", () => {
  test("prints the effective matrix for an environment", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/access.ts", "production"], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/developer\s+group:developers@example\.com\s+database\s+read\s+roles\/cloudsql\.viewer/);
    expect(r.stdout).toMatch(/system-admin\s+.*cluster-admin/);
  });
});
