/**
 * The shipped environments, synthesized whole: the least-privilege rules hold for EVERY IAM and RBAC resource of
 * the stack (not only the access construct's), and each environment's matrix is seed 002's table.
 */
import { App, TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { GcpEnvironmentConfig, loadEnvironment } from "../../src/config";
import { addEnvironmentStacks } from "../../stacks";
import { GcpStack } from "../../stacks/gcp-stack";
import { resourcesOf, TerraformJson } from "../helpers";

type Env = "staging" | "production";
type Rule = { api_groups: string[]; resources: string[]; verbs: string[]; resource_names?: string[] };
type Subject = { kind: string; name: string };
type Binding = { metadata: { name: string; namespace?: string }; role_ref: { kind: string; name: string }; subject: Subject[] };
type IamMember = { role: string; member: string; condition?: { expression: string } };

const built: Partial<Record<Env, { config: GcpEnvironmentConfig; stack: GcpStack; json: TerraformJson }>> = {};
function cloud(env: Env) {
  if (!built[env]) {
    const config = loadEnvironment(env, environments[env]) as GcpEnvironmentConfig;
    const app: App = Testing.app();
    addEnvironmentStacks(app, [config]);
    const stack = app.node.findChild(env) as GcpStack;
    built[env] = { config, stack, json: JSON.parse(Testing.synth(stack as TerraformStack)) as TerraformJson };
  }
  return built[env]!;
}

/** Every resource of every `google_*_iam_member` type in the stack. */
function iamMembers(json: TerraformJson): IamMember[] {
  return Object.keys(json.resource ?? {})
    .filter((t) => /^google_.*_iam_member$/.test(t))
    .flatMap((t) => resourcesOf(json, t) as IamMember[]);
}

/** The Role (by name) each RoleBinding of a subject uses, plus ClusterRoles. */
function rbacOf(json: TerraformJson, email: string): string[] {
  const roleNames = Object.fromEntries(Object.entries(json.resource?.kubernetes_role_v1 ?? {}).map(([id, r]) => [`\${kubernetes_role_v1.${id}.metadata[0].name}`, (r as { metadata: { name: string } }).metadata.name]));
  const bound = (type: string) => (resourcesOf(json, type) as Binding[]).filter((b) => b.subject.some((s) => s.name === email));
  return [...bound("kubernetes_role_binding_v1").map((b) => roleNames[b.role_ref.name] ?? b.role_ref.name), ...bound("kubernetes_cluster_role_binding_v1").map((b) => `ClusterRole ${b.role_ref.name}`)].sort();
}

const ESCALATING_RESOURCES = ["secrets", "pods/exec", "pods/attach", "pods/portforward", "serviceaccounts/token", "roles", "rolebindings", "clusterroles", "clusterrolebindings", "nodes/proxy"];
const ESCALATING_VERBS = ["*", "create", "delete", "deletecollection", "escalate", "bind", "impersonate"];

describe.each(["staging", "production"] as const)("every IAM and RBAC resource of %s", (env) => {
  test("IAM is additive only: no _iam_binding or _iam_policy resources", () => {
    expect(Object.keys(cloud(env).json.resource ?? {}).filter((t) => /_iam_(binding|policy)$/.test(t))).toEqual([]);
  });

  test("no primitive roles", () => {
    const members = iamMembers(cloud(env).json);
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) expect(m.role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
  });

  test("no wildcards, no escalating verbs and nothing that reads Secrets or execs into pods in any Role", () => {
    const rules = (resourcesOf(cloud(env).json, "kubernetes_role_v1") as { rule: Rule[] }[]).flatMap((r) => r.rule);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect([...r.api_groups, ...r.resources, ...(r.resource_names ?? [])]).not.toContain("*");
      for (const v of ESCALATING_VERBS) expect(r.verbs).not.toContain(v);
      for (const res of ESCALATING_RESOURCES) expect(r.resources).not.toContain(res);
    }
    expect(resourcesOf(cloud(env).json, "kubernetes_cluster_role_v1")).toEqual([]);
  });

  test("every write rule and every named rule lists names, and each names an object the stack creates", () => {
    const { json } = cloud(env);
    const objects = new Set(Object.keys(json.resource ?? {}).filter((t) => t.startsWith("kubernetes_")).flatMap((t) => resourcesOf(json, t).map((r) => (r as { metadata?: { name?: string } }).metadata?.name)));
    for (const r of (resourcesOf(json, "kubernetes_role_v1") as { rule: Rule[] }[]).flatMap((role) => role.rule)) {
      if (r.verbs.some((v) => !["get", "list", "watch"].includes(v))) expect(r.resource_names?.length).toBeGreaterThan(0);
      if (r.resource_names) {
        expect(r.resource_names.length).toBeGreaterThan(0);
        for (const name of r.resource_names) expect(objects).toContain(name);
      }
    }
  });

  test("cluster-admin is bound to System Admin's members only, and it is the only cluster-wide binding", () => {
    const { config, json } = cloud(env);
    const clusterBindings = resourcesOf(json, "kubernetes_cluster_role_binding_v1") as Binding[];
    expect(clusterBindings.map((b) => b.role_ref.name)).toEqual(["cluster-admin"]);
    expect(clusterBindings[0].subject.map((s) => s.name)).toEqual(config.access.roles["system-admin"]!.members.map((m) => m.split(":")[1]));
  });

  test("every RBAC subject is a member of the table, with the kind GKE matches", () => {
    const { config, json } = cloud(env);
    const members = new Set(Object.values(config.access.roles).flatMap((r) => r!.members));
    const subjects = [...resourcesOf(json, "kubernetes_role_binding_v1"), ...resourcesOf(json, "kubernetes_cluster_role_binding_v1")].flatMap((b) => (b as Binding).subject);
    for (const s of subjects) expect(members).toContain(`${s.kind === "Group" ? "group" : "user"}:${s.name}`);
  });

  test("the Cloud SQL connect roles are limited to this environment's instances, the ones the stack creates", () => {
    const { json } = cloud(env);
    const instances = (resourcesOf(json, "google_sql_database_instance") as { name: string }[]).map((i) => i.name).sort();
    expect([...cloud(env).stack.database.instanceNames].sort()).toEqual(instances);
    const connect = iamMembers(json).filter((m) => m.role === "roles/cloudsql.client" || m.role === "roles/cloudsql.instanceUser");
    expect(connect.length).toBeGreaterThan(0);
    // An instance by its name or by reference to it.
    const allowed = [...instances, ...Object.keys(json.resource?.google_sql_database_instance ?? {}).map((id) => `\${google_sql_database_instance.${id}.name}`)];
    // People's roles name every instance; a workload's (CloudSqlDb.connect) the primary it connects to: never another's.
    for (const m of connect) {
      const named = [...(m.condition?.expression ?? "").matchAll(/resource\.name == ["']projects\/[^/]+\/instances\/([^"']+)["']/g)].map((x) => x[1]);
      expect(named.length).toBeGreaterThan(0);
      for (const n of named) expect(allowed).toContain(n);
    }
  });

});

// Seed 002's table in concrete grants; only the Developer's database cell differs, and only because the config does.
const clusterViewer = "roles/container.clusterViewer";
const fullRbac = ["tandem-backend-write", "tandem-frontend-write", "tandem-legacy-write", "tandem-namespace-read"];
const expected: Record<Env, Record<string, { iam: string[]; rbac: string[] }>> = {
  staging: {
    "group:developers@example.com": { iam: ["roles/cloudsql.client", "roles/cloudsql.instanceUser", clusterViewer, "roles/monitoring.viewer"], rbac: fullRbac },
    "group:devops@example.com": { iam: ["roles/cloudsql.client", "roles/cloudsql.instanceUser", clusterViewer, "roles/monitoring.editor"], rbac: fullRbac },
    "group:qa@example.com": { iam: ["roles/cloudsql.viewer", clusterViewer, "roles/monitoring.viewer"], rbac: ["tandem-frontend-write", "tandem-namespace-read"] },
    "group:product-owners@example.com": { iam: [clusterViewer, "roles/monitoring.viewer"], rbac: ["tandem-frontend-read", "tandem-legacy-read"] },
    "group:system-admins@example.com": { iam: ["roles/cloudsql.client", "roles/cloudsql.instanceUser", clusterViewer, "roles/monitoring.editor"], rbac: ["ClusterRole cluster-admin", ...fullRbac] },
  },
  production: {
    "group:developers@example.com": { iam: ["roles/cloudsql.viewer", clusterViewer, "roles/monitoring.viewer"], rbac: fullRbac },
    "group:devops@example.com": { iam: ["roles/cloudsql.client", "roles/cloudsql.instanceUser", clusterViewer, "roles/monitoring.editor"], rbac: fullRbac },
    "group:qa@example.com": { iam: ["roles/cloudsql.viewer", clusterViewer, "roles/monitoring.viewer"], rbac: ["tandem-frontend-write", "tandem-namespace-read"] },
    "group:product-owners@example.com": { iam: [clusterViewer, "roles/monitoring.viewer"], rbac: ["tandem-frontend-read", "tandem-legacy-read"] },
    "group:system-admins@example.com": { iam: ["roles/cloudsql.client", "roles/cloudsql.instanceUser", clusterViewer, "roles/monitoring.editor"], rbac: ["ClusterRole cluster-admin", ...fullRbac] },
  },
};

describe.each(["staging", "production"] as const)("the %s matrix", (env) => {
  const humans = (json: TerraformJson) => iamMembers(json).filter((m) => !m.member.includes("${"));

  test("grants exactly the table's members", () => {
    expect([...new Set(humans(cloud(env).json).map((m) => m.member))].sort()).toEqual(Object.keys(expected[env]).sort());
  });

  test.each(Object.keys(expected[env]))("%s", (member) => {
    const { json } = cloud(env);
    expect(humans(json).filter((m) => m.member === member).map((m) => m.role).sort()).toEqual(expected[env][member].iam);
    expect(rbacOf(json, member.split(":")[1])).toEqual(expected[env][member].rbac);
  });
});

test("production gives Developer no database write role, staging does: decided by config", () => {
  const roles = (env: Env) => iamMembers(cloud(env).json).filter((m) => m.member === "group:developers@example.com").map((m) => m.role);
  expect(roles("production")).not.toContain("roles/cloudsql.client");
  expect(roles("production")).not.toContain("roles/cloudsql.instanceUser");
  expect(roles("staging")).toContain("roles/cloudsql.client");
  expect(cloud("production").config.access.roles.developer!.grants.database).toBe("read");
  expect(cloud("staging").config.access.roles.developer!.grants.database).toBe("read-write");
});
