import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TerraformStack } from "cdktf";
import { AccessArea, AccessLevel, AccessMatrix, AccessMatrixProps, AccessRoleSpec } from "../../src/access";
import { googleStack, resourcesOf, synth, TerraformJson } from "../helpers";

const all = (level: AccessLevel): Record<AccessArea, AccessLevel> => ({ legacy: level, frontend: level, backend: level, database: level, monitoring: level });
const row = (members: string[], grants: Partial<Record<AccessArea, AccessLevel>>): AccessRoleSpec => ({ members, grants: { ...all("none"), ...grants } });

const base: AccessMatrixProps = {
  project: "p-test",
  namespace: "new-platform",
  workloads: { legacy: ["tandem-router", "legacy"], frontend: ["tandem-web"], backend: ["tandem-api"] },
  googleGroupsRbac: true,
  roles: {
    developer: row(["group:devs@example.com"], { legacy: "read-write", frontend: "read-write", backend: "read-write", database: "read", monitoring: "read" }),
    "system-admin": row(["group:admins@example.com"], all("read-write")),
  },
};

function build(props: Partial<AccessMatrixProps> = {}): { stack: TerraformStack; matrix: AccessMatrix } {
  const { stack } = googleStack();
  new KubernetesProvider(stack, "k8s", {});
  return { stack, matrix: new AccessMatrix(stack, "access", { ...base, ...props }) };
}

const render = (props: Partial<AccessMatrixProps> = {}): TerraformJson => synth(build(props).stack);

describe("AccessMatrix", () => {
  test("grants project IAM with additive members only", () => {
    const json = render();
    expect(Object.keys(json.resource ?? {}).filter((t) => t.startsWith("google_"))).toEqual(["google_project_iam_member"]);
  });

  test("exposes the project bindings in Fabric's shape", () => {
    expect(build().matrix.iam).toEqual({
      "roles/cloudsql.client": ["group:admins@example.com"],
      "roles/cloudsql.instanceUser": ["group:admins@example.com"],
      "roles/cloudsql.viewer": ["group:devs@example.com"],
      "roles/container.clusterViewer": ["group:admins@example.com", "group:devs@example.com"],
      "roles/monitoring.editor": ["group:admins@example.com"],
      "roles/monitoring.viewer": ["group:devs@example.com"],
    });
  });

  test("puts the IAM condition of databaseInstances on the connect roles", () => {
    const json = render({ databaseInstances: ["pg"] });
    const client = resourcesOf(json, "google_project_iam_member").find((m) => m.role === "roles/cloudsql.client");
    expect(client?.condition).toEqual({
      title: "tandem-database-instances",
      description: "Only this environment's Cloud SQL instances",
      expression: "resource.type == 'sqladmin.googleapis.com/Instance' && (resource.name == 'projects/p-test/instances/pg')",
    });
  });

  test("binds each RoleBinding to a Role of its own plan, by reference", () => {
    const json = render();
    const bindings = resourcesOf(json, "kubernetes_role_binding_v1") as { role_ref: { kind: string; name: string } }[];
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) expect(b.role_ref).toMatchObject({ kind: "Role", name: expect.stringMatching(/^\$\{kubernetes_role_v1\.access_/) });
  });

  test("writes the rules as planned, resource names included", () => {
    const roles = resourcesOf(render(), "kubernetes_role_v1") as { metadata: { name: string; namespace: string }; rule: unknown[] }[];
    const write = roles.find((r) => r.metadata.name === "tandem-frontend-write");
    expect(write?.metadata.namespace).toBe("new-platform");
    expect(write?.rule).toContainEqual({ api_groups: ["apps"], resources: ["deployments", "deployments/scale"], verbs: ["update", "patch"], resource_names: ["tandem-web"] });
  });

  test("an area without objects grants nothing there and says so as a warning", () => {
    const { matrix } = build({ workloads: { ...base.workloads, frontend: [] } });
    const warnings = matrix.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toContainEqual(expect.stringMatching(/developer may write frontend, but frontend has no objects/));
    expect(Object.keys(matrix.roles)).not.toContain("write-frontend");
  });
});

describe("AccessMatrix validation", () => {
  const roles = (r: unknown) => ({ roles: r as AccessMatrixProps["roles"] });
  test.each<[string, Partial<AccessMatrixProps>, RegExp]>([
    ["an unknown role", roles({ intern: row(["user:a@example.com"], {}) }), /test\/access: invalid props:\n {2}- roles\.intern = "intern": is not a role of the access table; use one of: developer, devops, qa, product-owner, system-admin/],
    ["an unknown area", roles({ qa: { members: ["user:a@example.com"], grants: { ...all("read"), billing: "read" } } }), /roles\.qa\.grants\.billing = "billing": is not an area; use one of: legacy, frontend, backend, database, monitoring/],
    ["an unknown level", roles({ qa: { members: ["user:a@example.com"], grants: { ...all("read"), database: "admin" } } }), /roles\.qa\.grants\.database = "admin": must be one of: none, read, read-write/],
    ["a missing area", roles({ qa: { members: ["user:a@example.com"], grants: { legacy: "read" } } }), /roles\.qa\.grants\.frontend = \(missing\): every area needs a level/],
    ["a malformed member", roles({ qa: row(["qa-team"], { monitoring: "read" }) }), /roles\.qa\.members\.0 = "qa-team": must be group:, user: or serviceAccount: followed by an e-mail address/],
    ["a group in Kubernetes without Google Groups for RBAC", { googleGroupsRbac: false }, /roles\.developer\.members\.0 = "group:devs@example\.com": Google groups can be bound in Kubernetes only with GKE Google Groups for RBAC; set the cluster's rbacSecurityGroup/],
    ["a primitive role in iam", { iam: { "roles/editor": ["user:a@example.com"] } }, /iam\.roles\/editor = \["user:a@example\.com"\]: primitive roles span every service/],
    ["a malformed role in iam", { iam: { owner: ["user:a@example.com"] } }, /iam\.owner = "owner": is not an IAM role name/],
    ["no database instance", { databaseInstances: [] }, /databaseInstances = \[\]: must name at least one instance/],
    ["an unknown Kubernetes area in namespaces", { namespaces: { database: "db" } as never }, /namespaces\.database = "database": is not a Kubernetes area/],
  ])("rejects %s", (_, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test("accepts groups without Google Groups for RBAC when the role has no Kubernetes access", () => {
    expect(() => build({ googleGroupsRbac: false, roles: { "product-owner": row(["group:po@example.com"], { monitoring: "read" }) } })).not.toThrow();
  });
});
