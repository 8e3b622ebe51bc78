import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { App, TerraformResource, TerraformStack, Testing } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Bootstrap, BootstrapProps, bootstrapProblems, deployerRolesFor, onlyGrants, PLANNER_ROLES } from "../../src/bootstrap";
import { onlyResource, resourcesOf, synth, TerraformJson } from "../helpers";

/** An environment stack with a network, a database and grants in two projects, and its bootstrap. */
function build(overrides: Partial<BootstrapProps> = {}, extra?: (env: TerraformStack) => void): { json: TerraformJson; app: App; bootstrap: TerraformStack } {
  const app = Testing.app();
  const env = new TerraformStack(app, "staging");
  new GoogleProvider(env, "google", { project: "p-env" });
  new ComputeNetwork(env, "vpc", { name: "vpc" });
  new SqlDatabaseInstance(env, "db", { name: "pg", databaseVersion: "POSTGRES_16", settings: { tier: "db-f1-micro" } });
  new ProjectIamMember(env, "a", { project: "p-env", role: "roles/cloudsql.client", member: "group:a@tandem.io" });
  new ProjectIamMember(env, "b", { project: "p-env", role: "roles/monitoring.viewer", member: "group:a@tandem.io" });
  new ProjectIamMember(env, "pull", { project: "p-images", role: "roles/artifactregistry.reader", member: "serviceAccount:n@p-env.iam.gserviceaccount.com" });
  extra?.(env);
  const bootstrap = new TerraformStack(app, "staging-bootstrap");
  new GoogleProvider(bootstrap, "google", { project: "p-env" });
  new Bootstrap(bootstrap, "bootstrap", { environment: "staging", project: "p-env", region: "europe-west1", stateBucket: "p-env-tfstate", repository: "tandem-platform/tandem", deploys: env, ...overrides });
  return { json: synth(bootstrap), app, bootstrap };
}

function rolesOf(json: TerraformJson, who: "planner" | "deployer"): string[] {
  return resourcesOf(json, "google_project_iam_member")
    .filter((m) => String(m.member).includes(`bootstrap_${who}_`) && m.condition === undefined)
    .map((m) => String(m.role))
    .sort();
}

describe("Bootstrap", () => {
  test("the deployer gets the roles of the resource types its stack holds, no more", () => {
    const { json } = build();
    expect(rolesOf(json, "deployer")).toEqual(["roles/cloudsql.admin", "roles/compute.networkAdmin", "roles/serviceusage.serviceUsageAdmin"]);
  });

  test("project IAM: in each project the stack grants in, an IAM admin that may grant only those roles", () => {
    const { json } = build();
    const grants = resourcesOf(json, "google_project_iam_member").filter((m) => m.condition !== undefined);
    expect(grants.map((g) => [g.project, g.role, (g.condition as { expression: string }).expression])).toEqual([
      ["p-env", "roles/resourcemanager.projectIamAdmin", "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/cloudsql.client', 'roles/monitoring.viewer'])"],
      ["p-images", "roles/resourcemanager.projectIamAdmin", "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/artifactregistry.reader'])"],
    ]);
  });

  test("a resource type with no known deployer role is an error naming it, not a deploy that fails on permissions", () => {
    const app = Testing.app();
    const env = new TerraformStack(app, "staging");
    new GoogleProvider(env, "google", { project: "p-env" });
    // A type the table does not know, as a new provider resource would be.
    new TerraformResource(env, "odd", { terraformResourceType: "google_workbench_instance" });
    const bootstrap = new TerraformStack(app, "staging-bootstrap");
    new GoogleProvider(bootstrap, "google", { project: "p-env" });
    new Bootstrap(bootstrap, "bootstrap", { environment: "staging", project: "p-env", region: "europe-west1", stateBucket: "p-env-tfstate", repository: "tandem-platform/tandem", deploys: env });
    const errors = bootstrap.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data)));
    expect(errors).toEqual([expect.stringMatching(/^no deployer role is known for google_workbench_instance \(in stack staging\); add it to DEPLOYER_ROLE_BY_RESOURCE_PREFIX/)]);
  });

  test("the planner is read-only: viewer roles and state objects read, nothing that writes", () => {
    const { json } = build();
    expect(rolesOf(json, "planner")).toEqual([...PLANNER_ROLES].sort());
    for (const role of rolesOf(json, "planner")) expect(role).not.toMatch(/admin|editor|owner|user|writer|creator/i);
    const state = resourcesOf(json, "google_storage_bucket_iam_member").map((m) => [String(m.member).includes("planner") ? "planner" : "deployer", m.role]);
    expect(state.sort()).toEqual([["deployer", "roles/storage.objectAdmin"], ["planner", "roles/storage.objectViewer"]]);
  });

  test("only two GitHub jobs exchange tokens: the repository's plan and deploy environments, each for its own identity", () => {
    const { json } = build();
    const provider = onlyResource(json, "google_iam_workload_identity_pool_provider");
    expect(provider.attribute_condition).toBe("assertion.sub == 'repo:tandem-platform/tandem:environment:staging-plan' || assertion.sub == 'repo:tandem-platform/tandem:environment:staging'");
    const members = Object.fromEntries(resourcesOf(json, "google_service_account_iam_member").map((m) => [String(m.service_account_id).includes("planner") ? "planner" : "deployer", m]));
    expect(members.planner.member).toMatch(/^principal:\/\/iam\.googleapis\.com\/\$\{google_iam_workload_identity_pool\.bootstrap_pool_\w+\.name\}\/subject\/repo:tandem-platform\/tandem:environment:staging-plan$/);
    expect(members.deployer.member).toMatch(/\/subject\/repo:tandem-platform\/tandem:environment:staging$/);
    expect([members.planner.role, members.deployer.role]).toEqual(["roles/iam.workloadIdentityUser", "roles/iam.workloadIdentityUser"]);
  });

  test("the state bucket: versioned, old versions kept and then deleted, private, never destroyed with its objects", () => {
    const { json } = build({ stateVersionsKept: 10 });
    expect(onlyResource(json, "google_storage_bucket")).toMatchObject({
      name: "p-env-tfstate",
      location: "europe-west1",
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
      lifecycle_rule: [{ action: { type: "Delete" }, condition: { num_newer_versions: 10, with_state: "ARCHIVED" } }],
    });
    expect(onlyResource(json, "google_project_iam_audit_config")).toMatchObject({ service: "storage.googleapis.com", audit_log_config: [{ log_type: "DATA_READ" }, { log_type: "DATA_WRITE" }] });
  });

  test("rules: repository as owner/name, GitHub environment names, plan and deploy environments apart", () => {
    expect(bootstrapProblems({ repository: "tandem" }, "staging").map((p) => p.path.join("."))).toEqual(["repository"]);
    expect(bootstrapProblems({ repository: "o/r", deployEnvironment: "a:b" }, "staging").map((p) => [p.path.join("."), p.value])).toEqual([["deployEnvironment", "a:b"]]);
    // The default plan environment is <env>-plan: naming the deploy environment so is caught too.
    expect(bootstrapProblems({ repository: "o/r", deployEnvironment: "staging-plan" }, "staging")[0]).toMatchObject({ path: ["planEnvironment"], value: "staging-plan", rule: expect.stringMatching(/must differ from the deploy environment/) });
    expect(bootstrapProblems({ repository: "o/r", stateVersionsKept: 0 }, "staging").map((p) => p.path.join("."))).toEqual(["stateVersionsKept"]);
    expect(bootstrapProblems({ repository: "tandem-platform/tandem" }, "staging")).toEqual([]);
  });

  test("role lookup: longest prefix, Terraform's own types need nothing, unknown types are undefined", () => {
    expect(deployerRolesFor("google_container_node_pool")).toEqual(["roles/container.admin", "roles/iam.serviceAccountUser"]);
    expect(deployerRolesFor("google_container_cluster")).toEqual(["roles/container.admin"]);
    expect(deployerRolesFor("kubernetes_deployment_v1")).toEqual(["roles/container.admin"]);
    expect(deployerRolesFor("terraform_data")).toEqual([]);
    expect(deployerRolesFor("google_workbench_instance")).toBeUndefined();
    expect(onlyGrants(["roles/b", "roles/a"])).toBe("api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/a', 'roles/b'])");
  });
});
