import { AccessArea, AccessLevel, AccessPlanInput, AccessRoleSpec, planAccess, subject } from "../../src/access";

const all = (level: AccessLevel): Record<AccessArea, AccessLevel> => ({ legacy: level, frontend: level, backend: level, database: level, monitoring: level });
const row = (members: string[], grants: Partial<Record<AccessArea, AccessLevel>>): AccessRoleSpec => ({ members, grants: { ...all("none"), ...grants } });
const oneNamespace = { legacy: "new-platform", frontend: "new-platform", backend: "new-platform" };
const workloads = { legacy: ["tandem-router", "legacy"], frontend: ["tandem-web"], backend: ["tandem-api"] };
const input = (over: Partial<AccessPlanInput>): AccessPlanInput => ({ project: "p-test", roles: {}, workloads, namespaces: oneNamespace, ...over });

/** The Roles bound to a member, as `<Role> in <namespace>`. */
function boundRoles(plan: ReturnType<typeof planAccess>, member: string): string[] {
  const name = member.split(":")[1];
  return Object.values(plan.roleBindings)
    .filter((b) => b.subjects.some((s) => s.name === name))
    .map((b) => `${plan.roles[b.roleId!].name} in ${b.namespace}`)
    .sort();
}

describe("each cell maps to concrete project IAM roles", () => {
  test.each<[AccessArea, AccessLevel, string[]]>([
    ["legacy", "read", ["roles/container.clusterViewer"]],
    ["legacy", "read-write", ["roles/container.clusterViewer"]],
    ["frontend", "read", ["roles/container.clusterViewer"]],
    ["frontend", "read-write", ["roles/container.clusterViewer"]],
    ["backend", "read", ["roles/container.clusterViewer"]],
    ["backend", "read-write", ["roles/container.clusterViewer"]],
    ["database", "read", ["roles/cloudsql.viewer"]],
    ["database", "read-write", ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]],
    ["monitoring", "read", ["roles/monitoring.viewer"]],
    ["monitoring", "read-write", ["roles/monitoring.editor"]],
    ["database", "none", []],
  ])("%s %s", (area, level, roles) => {
    const plan = planAccess(input({ roles: { qa: row(["user:q@example.com"], { [area]: level }) } }));
    expect(Object.values(plan.projectGrants).map((g) => g.role).sort()).toEqual(roles);
  });
});

describe("Kubernetes RBAC", () => {
  test("a role that reads every area of the namespace reads all of it, pods and logs included", () => {
    const plan = planAccess(input({ roles: { qa: row(["group:qa@example.com"], { legacy: "read", frontend: "read", backend: "read" }) } }));
    expect(boundRoles(plan, "group:qa@example.com")).toEqual(["tandem-namespace-read in new-platform"]);
    expect(plan.roles["namespace-read-legacy"].rules.flatMap((r) => r.resources)).toEqual(expect.arrayContaining(["pods", "pods/log"]));
  });

  test("a role with no access to one area of a shared namespace reads only its areas' objects, by name", () => {
    const plan = planAccess(input({ roles: { "product-owner": row(["group:po@example.com"], { legacy: "read", frontend: "read", backend: "none" }) } }));
    expect(boundRoles(plan, "group:po@example.com")).toEqual(["tandem-frontend-read in new-platform", "tandem-legacy-read in new-platform"]);
    const names = Object.values(plan.roles).flatMap((r) => r.rules.flatMap((rule) => rule.resourceNames ?? ["<every object>"]));
    expect(names).not.toContain("tandem-api");
    expect(names).not.toContain("<every object>");
  });

  test("areas in namespaces of their own are read namespace-wide where the role reads everything", () => {
    const plan = planAccess(
      input({
        namespaces: { legacy: "edge", frontend: "edge", backend: "api" },
        roles: { "product-owner": row(["group:po@example.com"], { legacy: "read", frontend: "read", backend: "none" }) },
      }),
    );
    expect(boundRoles(plan, "group:po@example.com")).toEqual(["tandem-namespace-read in edge"]);
  });

  test("read-write adds update/patch on the area's objects by name, never create or delete", () => {
    const plan = planAccess(input({ roles: { qa: row(["group:qa@example.com"], { frontend: "read-write" }) } }));
    const write = plan.roles["write-frontend"];
    expect(write.rules.map((r) => r.verbs)).toEqual(write.rules.map(() => ["update", "patch"]));
    expect(write.rules.map((r) => r.resourceNames)).toEqual(write.rules.map(() => ["tandem-web"]));
  });

  test("an area without objects gets no Role (an empty resourceNames would mean every object) and a warning", () => {
    const plan = planAccess(input({ workloads: { ...workloads, frontend: [] }, roles: { qa: row(["group:qa@example.com"], { frontend: "read-write" }) } }));
    expect(Object.keys(plan.roles)).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringMatching(/qa may read frontend, but frontend has no objects/), expect.stringMatching(/qa may write frontend, but frontend has no objects/)]);
  });

  test.each([
    ["group:devs@example.com", { kind: "Group", name: "devs@example.com" }],
    ["user:ana@example.com", { kind: "User", name: "ana@example.com" }],
    ["serviceAccount:ci@p.iam.gserviceaccount.com", { kind: "User", name: "ci@p.iam.gserviceaccount.com" }],
  ])("GKE subject for %s", (member, expected) => {
    expect(subject(member)).toEqual({ ...expected, apiGroup: "rbac.authorization.k8s.io" });
  });
});

describe("cluster-admin", () => {
  test("System Admin with read-write everywhere is bound to cluster-admin", () => {
    const plan = planAccess(input({ roles: { "system-admin": row(["group:admins@example.com"], all("read-write")) } }));
    expect(Object.values(plan.clusterRoleBindings)).toEqual([expect.objectContaining({ clusterRole: "cluster-admin", subjects: [subject("group:admins@example.com")] })]);
  });

  test("System Admin with less than read-write everywhere is not", () => {
    const plan = planAccess(input({ roles: { "system-admin": row(["group:admins@example.com"], { ...all("read-write"), monitoring: "read" }) } }));
    expect(plan.clusterRoleBindings).toEqual({});
  });

  test("no other role is, even with read-write everywhere", () => {
    const plan = planAccess(input({ roles: { devops: row(["group:ops@example.com"], all("read-write")) } }));
    expect(plan.clusterRoleBindings).toEqual({});
  });
});

describe("project IAM", () => {
  test("one member in two rows gets one binding per role", () => {
    const plan = planAccess(input({ roles: { devops: row(["user:a@example.com"], all("read")), "system-admin": row(["user:a@example.com"], all("read")) } }));
    const viewer = Object.values(plan.projectGrants).filter((g) => g.role === "roles/monitoring.viewer");
    expect(viewer).toEqual([expect.objectContaining({ member: "user:a@example.com", requestedBy: ["devops", "system-admin"] })]);
  });

  test("a group and a user with the same address are different members", () => {
    const plan = planAccess(input({ roles: { qa: row(["group:a@example.com", "user:a@example.com"], { monitoring: "read" }) } }));
    expect(Object.keys(plan.projectGrants)).toHaveLength(2);
  });

  test("database connect roles are limited to the named instances by an IAM condition; the viewer role is not", () => {
    const plan = planAccess(
      input({
        databaseInstances: ["pg", "pg-replica"],
        roles: { devops: row(["group:ops@example.com"], { database: "read-write" }), qa: row(["group:qa@example.com"], { database: "read" }) },
      }),
    );
    const byRole = Object.fromEntries(Object.values(plan.projectGrants).map((g) => [g.role, g.condition?.expression]));
    const expression = "resource.type == 'sqladmin.googleapis.com/Instance' && (resource.name == 'projects/p-test/instances/pg' || resource.name == 'projects/p-test/instances/pg-replica')";
    expect(byRole).toEqual({ "roles/cloudsql.client": expression, "roles/cloudsql.instanceUser": expression, "roles/cloudsql.viewer": undefined });
    expect(plan.databaseIam).toEqual({ "roles/cloudsql.client": ["group:ops@example.com"], "roles/cloudsql.instanceUser": ["group:ops@example.com"] });
  });

  test("extra bindings in Fabric's shape join the table's, deduplicated", () => {
    const plan = planAccess(
      input({
        roles: { qa: row(["group:qa@example.com"], { monitoring: "read" }) },
        iam: { "roles/monitoring.viewer": ["group:qa@example.com", "serviceAccount:ci@p-test.iam.gserviceaccount.com"], "roles/logging.viewer": ["group:qa@example.com"] },
      }),
    );
    expect(plan.iam).toEqual({
      "roles/logging.viewer": ["group:qa@example.com"],
      "roles/monitoring.viewer": ["group:qa@example.com", "serviceAccount:ci@p-test.iam.gserviceaccount.com"],
    });
  });
});
