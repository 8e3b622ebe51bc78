/**
 * DeployReadiness on stacks built from the provider bindings alone (not our stacks): each rule finds the mistake
 * that would otherwise stop an apply on an empty project, says where and how to fix it, and stays quiet once fixed.
 */
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { Aspects, TerraformStack, Testing } from "cdktf";
import { IConstruct } from "constructs";
import { DeployReadiness, suppressRule } from "../../src/policy";
import { apisFor, EnableApis } from "../../src/project/apis";
import { googleStack, resourcesOf, synth } from "../helpers";

interface Message {
  level: "error" | "warning";
  path: string;
  text: string;
}

/** Runs the aspects (as synth does) and returns every error and warning annotation in the stack. */
function findings(stack: TerraformStack): Message[] {
  Testing.synth(stack, true);
  return stack.node.findAll().flatMap((c: IConstruct) =>
    c.node.metadata
      .filter((m) => m.type === "@cdktf/error" || m.type === "@cdktf/warn")
      .map((m) => ({ level: m.type === "@cdktf/error" ? ("error" as const) : ("warning" as const), path: c.node.path, text: String(m.data) })),
  );
}

function checked(withApis = false): TerraformStack {
  const { stack } = googleStack();
  if (withApis) Aspects.of(stack).add(new EnableApis({ project: "p-test" }));
  Aspects.of(stack).add(new DeployReadiness());
  return stack;
}

describe("TANDEM-API-1: every API is enabled before the resources that need it", () => {
  test("a network in a stack that enables nothing is an error at the network, naming the API and the fix", () => {
    const stack = checked();
    new ComputeNetwork(stack, "vpc", { name: "vpc", autoCreateSubnetworks: false });
    expect(findings(stack)).toEqual([
      { level: "error", path: "test/vpc", text: expect.stringMatching(/^TANDEM-API-1: google_compute_network\.vpc needs compute\.googleapis\.com, which the stack does not enable before it .*EnableApis/) },
    ]);
  });

  test("with EnableApis: one project service per API, never disabled on destroy, and the resource depends on it", () => {
    const stack = checked(true);
    new ComputeNetwork(stack, "vpc", { name: "vpc", autoCreateSubnetworks: false });
    new ServiceAccount(stack, "sa", { accountId: "workload-sa" });
    expect(findings(stack)).toEqual([]);
    const json = synth(stack);
    expect(resourcesOf(json, "google_project_service").map((s) => [s.service, s.disable_on_destroy])).toEqual([
      ["compute.googleapis.com", false],
      ["iam.googleapis.com", false],
    ]);
    expect(json.resource!.google_compute_network.vpc.depends_on).toEqual([expect.stringMatching(/^google_project_service\.apis_computegoogleapiscom_[A-F0-9]+$/)]);
  });

  test("an API enabled but not depended on is still an error: Terraform may create the resource first", () => {
    const stack = checked(true);
    const vpc = new ComputeNetwork(stack, "vpc", { name: "vpc", autoCreateSubnetworks: false });
    // Another aspect (or an override) dropping the dependency is caught.
    Aspects.of(stack).add({ visit: (n) => { if (n === vpc) vpc.dependsOn = []; } });
    expect(findings(stack).map((f) => f.text)).toEqual([expect.stringMatching(/^TANDEM-API-1: google_compute_network\.vpc needs compute\.googleapis\.com/)]);
  });

  test("the longest resource-type prefix decides; unknown types need nothing", () => {
    expect(apisFor("google_service_networking_connection")).toEqual(["servicenetworking.googleapis.com"]);
    expect(apisFor("google_service_account_iam_member")).toEqual(["iam.googleapis.com"]);
    expect(apisFor("google_compute_global_address")).toEqual(["compute.googleapis.com"]);
    expect(apisFor("google_something_new")).toEqual([]);
  });

  test("a cluster enforcing Binary Authorization also needs its API", () => {
    const stack = checked(true);
    new ContainerCluster(stack, "gke", { name: "gke", location: "europe-west1", initialNodeCount: 1, binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" } });
    const services = resourcesOf(synth(stack), "google_project_service").map((s) => s.service);
    expect(services).toEqual(expect.arrayContaining(["container.googleapis.com", "binaryauthorization.googleapis.com"]));
  });
});

describe("TANDEM-IMG-1: nodes may read every registry the workloads' images come from", () => {
  function cluster(stack: TerraformStack, grantIn?: string): void {
    const sa = new ServiceAccount(stack, "nodes", { accountId: "gke-nodes" });
    const gke = new ContainerCluster(stack, "gke", { name: "gke", location: "europe-west1", initialNodeCount: 1 });
    new ContainerNodePool(stack, "pool", { cluster: gke.id, nodeConfig: { serviceAccount: sa.email } });
    if (grantIn) new ProjectIamMember(stack, "pull", { project: grantIn, role: "roles/artifactregistry.reader", member: sa.member });
    new KubernetesProvider(stack, "k8s", {});
    new DeploymentV1(stack, "api", {
      metadata: { name: "api" },
      spec: {
        selector: { matchLabels: { app: "api" } },
        template: {
          metadata: { labels: { app: "api" } },
          spec: { container: [{ name: "api", image: "europe-west1-docker.pkg.dev/p-images/apps/api:1.0" }, { name: "sidecar", image: "nginx:1.27" }] },
        },
      },
    });
  }

  test("an image from another project's Artifact Registry with no read grant there is an error at the workload", () => {
    const stack = checked(true);
    cluster(stack);
    expect(findings(stack)).toEqual([
      { level: "error", path: "test/api", text: expect.stringMatching(/^TANDEM-IMG-1: kubernetes_deployment_v1\.api \(template\.spec\.container\[0\]\.image\) pulls from project p-images, where the node service account has no read access .*"europe-west1-docker\.pkg\.dev\/p-images\/apps\/api:1\.0".*grant roles\/artifactregistry\.reader in p-images/) },
    ]);
  });

  test("the reader grant in the image's project, for the nodes' account, satisfies it; another project's does not", () => {
    const ok = checked(true);
    cluster(ok, "p-images");
    expect(findings(ok)).toEqual([]);
    const wrong = checked(true);
    cluster(wrong, "p-other");
    expect(findings(wrong).map((f) => f.text)).toEqual([expect.stringMatching(/^TANDEM-IMG-1: .*pulls from project p-images/)]);
  });

  test("a suppression needs a reason in a sentence, and then silences the rule below it", () => {
    const stack = checked(true);
    cluster(stack);
    expect(() => suppressRule(stack, "TANDEM-IMG-1", "mirror")).toThrow(/needs a reason in a sentence/);
    suppressRule(stack.node.findChild("api"), "TANDEM-IMG-1", "Pulled through the registry mirror, see PLAT-7.");
    expect(findings(stack)).toEqual([]);
  });
});

describe("TANDEM-NAME-1: names fit Google's limits", () => {
  test("a 41-character cluster name and a 2-character service account id are errors, each at its resource", () => {
    const stack = checked(true);
    new ContainerCluster(stack, "gke", { name: "a".repeat(41), location: "europe-west1", initialNodeCount: 1 });
    new ServiceAccount(stack, "sa", { accountId: "ab" });
    expect(findings(stack)).toEqual([
      { level: "error", path: "test/gke", text: expect.stringMatching(/^TANDEM-NAME-1: GKE cluster names must be lower-case RFC 1035 names of at most 40 characters \(this one has 41\)/) },
      { level: "error", path: "test/sa", text: expect.stringMatching(/^TANDEM-NAME-1: service account ids are 6-30 characters.*\(value "ab"\); use serviceAccountId/) },
    ]);
  });

  test("names from references are not judged at synth (their value is not known yet)", () => {
    const stack = checked(true);
    const vpc = new ComputeNetwork(stack, "vpc", { name: "vpc", autoCreateSubnetworks: false });
    new ContainerCluster(stack, "gke", { name: `${vpc.name}-${"x".repeat(60)}`, location: "europe-west1", initialNodeCount: 1 });
    expect(findings(stack)).toEqual([]);
  });
});

describe("TANDEM-PLACEHOLDER-1/2: placeholders left in the stack are warnings, one per rule, a line per value", () => {
  test("documentation ranges and example hosts are listed with where they are used; 0.0.0.0/0 is not a placeholder", () => {
    const stack = checked(true);
    new ComputeNetwork(stack, "vpc", { name: "vpc", autoCreateSubnetworks: false, description: "office 198.51.100.7, all 0.0.0.0/0" });
    for (const r of ["viewer", "editor"]) new ProjectIamMember(stack, r, { project: "p-test", role: `roles/${r}`, member: "group:devops@example.com" });
    const all = findings(stack);
    expect(all.every((f) => f.level === "warning" && f.path === "test")).toBe(true);
    expect(all.map((f) => f.text)).toEqual([
      expect.stringMatching(/^TANDEM-PLACEHOLDER-1: documentation ranges .*:\n {4}198\.51\.100\.7: test\/vpc$/),
      expect.stringMatching(/^TANDEM-PLACEHOLDER-2: example host names .*:\n {4}devops@example\.com: 2 resources \(test\/viewer, test\/editor\)$/),
    ]);
  });

  test("real names and ranges give nothing", () => {
    const stack = checked(true);
    new ComputeNetwork(stack, "vpc", { name: "vpc", autoCreateSubnetworks: false, description: "office 10.20.0.0/16" });
    new ProjectIamMember(stack, "viewer", { project: "p-test", role: "roles/viewer", member: "group:devops@tandem.io" });
    expect(findings(stack)).toEqual([]);
  });
});
