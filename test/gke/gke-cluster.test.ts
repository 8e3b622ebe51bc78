import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { GkeCluster, GkeClusterProps, googleRegistries, IMAGE_PULL_ROLE, NODE_SERVICE_ACCOUNT_ROLES } from "../../src/gke";
import { serviceAccountId } from "../../src/validation/ids";
import { googleStack, onlyResource, resourcesOf, synth } from "../helpers";
import { testNetwork } from "../network/fixtures";

/** Images from two projects' registries and one from Docker Hub (no grant, no allowlist entry for that one). */
const IMAGES = ["europe-west1-docker.pkg.dev/p-images/apps/api:1.0", "europe-west1-docker.pkg.dev/p-images/apps/web:1.0", "eu.gcr.io/p-legacy-images/router:2", "nginx:1.27"];

function cluster(stack: TerraformStack, overrides: Partial<GkeClusterProps> = {}): GkeCluster {
  return new GkeCluster(stack, "gke", {
    project: "p-test",
    region: "europe-west1",
    name: "gke",
    network: testNetwork(stack),
    masterCidr: "172.16.0.0/28",
    deletionProtection: true,
    maintenanceWindow: { startTimeUtc: "02:00" },
    nodePools: { general: { machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3 } },
    imageRegistries: googleRegistries(IMAGES),
    ...overrides,
  });
}

describe("GkeCluster", () => {
  test("regional, private nodes, default pool removed", () => {
    const { stack } = googleStack();
    cluster(stack);
    expect(onlyResource(synth(stack), "google_container_cluster")).toMatchObject({
      location: "europe-west1",
      remove_default_node_pool: true,
      networking_mode: "VPC_NATIVE",
      private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: false, master_ipv4_cidr_block: "172.16.0.0/28" },
      ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" },
    });
  });

  test("Workload Identity, Shielded nodes, Dataplane V2, managed Prometheus, no client certificate, no legacy ABAC", () => {
    const { stack } = googleStack();
    cluster(stack);
    expect(onlyResource(synth(stack), "google_container_cluster")).toMatchObject({
      workload_identity_config: { workload_pool: "p-test.svc.id.goog" },
      enable_shielded_nodes: true,
      datapath_provider: "ADVANCED_DATAPATH",
      monitoring_config: { managed_prometheus: { enabled: true } },
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
      enable_legacy_abac: false,
      secret_manager_config: { enabled: true },
    });
  });

  test("Binary Authorization enforces the project policy unless turned off; Calico stays off under Dataplane V2", () => {
    const on = googleStack();
    cluster(on.stack);
    const json = onlyResource(synth(on.stack), "google_container_cluster");
    expect(json.binary_authorization).toEqual({ evaluation_mode: "PROJECT_SINGLETON_POLICY_ENFORCE" });
    expect(json.network_policy).toEqual({ enabled: false, provider: "PROVIDER_UNSPECIFIED" });
    const off = googleStack();
    cluster(off.stack, { binaryAuthorization: false });
    expect(onlyResource(synth(off.stack), "google_container_cluster").binary_authorization).toEqual({ evaluation_mode: "DISABLED" });
  });

  test.each([true, false])("deletion protection follows the prop (%s)", (on) => {
    const { stack } = googleStack();
    cluster(stack, { deletionProtection: on });
    expect(onlyResource(synth(stack), "google_container_cluster").deletion_protection).toBe(on);
  });

  test("maintenance window is a daily recurring window of the given length", () => {
    const { stack } = googleStack();
    cluster(stack, { maintenanceWindow: { startTimeUtc: "22:30", durationHours: 6 } });
    expect(onlyResource(synth(stack), "google_container_cluster").maintenance_policy).toEqual({
      recurring_window: { start_time: "2025-01-01T22:30:00Z", end_time: "2025-01-02T04:30:00Z", recurrence: "FREQ=DAILY" },
    });
  });

  test("node pools: autoscaling, auto repair/upgrade, secure boot, GKE metadata server, dedicated service account, spot", () => {
    const { stack } = googleStack();
    cluster(stack, { nodePools: { general: { machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3, spot: true } } });
    const json = synth(stack);
    const pool = onlyResource(json, "google_container_node_pool");
    expect(pool).toMatchObject({
      name: "general",
      autoscaling: { min_node_count: 1, max_node_count: 3 },
      management: { auto_repair: true, auto_upgrade: true },
      node_config: {
        machine_type: "e2-standard-4",
        spot: true,
        shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
        workload_metadata_config: { mode: "GKE_METADATA" },
        service_account: "${google_service_account.gke_nodes_6F9B140F.email}",
      },
    });
    expect(pool.cluster).toMatch(/google_container_cluster\.gke_.*\.id/);
  });

  test("the node service account gets GKE's node role in its project and image reads exactly where its images are", () => {
    const { stack } = googleStack();
    cluster(stack);
    const grants = resourcesOf(synth(stack), "google_project_iam_member").map((m) => `${m.project} ${m.role}`);
    expect(grants.sort()).toEqual([...NODE_SERVICE_ACCOUNT_ROLES.map((r) => `p-test ${r}`), `p-images ${IMAGE_PULL_ROLE}`, `p-legacy-images ${IMAGE_PULL_ROLE}`].sort());
    expect(NODE_SERVICE_ACCOUNT_ROLES).toEqual(["roles/container.defaultNodeServiceAccount"]);
  });

  test("node pools start only after their service account may write logs and pull images", () => {
    const { stack } = googleStack();
    cluster(stack);
    const json = synth(stack);
    const grants = Object.keys((json as { resource: Record<string, object> }).resource.google_project_iam_member).map((k) => `google_project_iam_member.${k}`);
    expect(grants).toHaveLength(3);
    expect([...(onlyResource(json, "google_container_node_pool").depends_on as string[])].sort()).toEqual(grants.sort());
  });

  test("Binary Authorization: the project policy admits only the images' registries and Google's system images", () => {
    const { stack } = googleStack();
    const gke = cluster(stack);
    const json = synth(stack);
    expect(onlyResource(json, "google_binary_authorization_policy")).toEqual({
      project: "p-test",
      global_policy_evaluation_mode: "ENABLE",
      admission_whitelist_patterns: [{ name_pattern: "eu.gcr.io/p-legacy-images/**" }, { name_pattern: "europe-west1-docker.pkg.dev/p-images/**" }],
      default_admission_rule: { evaluation_mode: "ALWAYS_DENY", enforcement_mode: "ENFORCED_BLOCK_AND_AUDIT_LOG" },
    });
    // The cluster enforces the policy only once it exists (else the first pods meet the default, allow-all policy).
    expect(onlyResource(json, "google_container_cluster").depends_on).toEqual([`google_binary_authorization_policy.${gke.binaryAuthorizationPolicy!.friendlyUniqueId}`]);
  });

  test("Binary Authorization enforced with no registries is an error, not a cluster that runs nothing", () => {
    const { stack } = googleStack();
    expect(() => cluster(stack, { imageRegistries: [] })).toThrow(/imageRegistries = \[\]: is empty while Binary Authorization is enforced.*pass googleRegistries/);
    const off = googleStack();
    cluster(off.stack, { imageRegistries: [], binaryAuthorization: false });
    expect(resourcesOf(synth(off.stack), "google_binary_authorization_policy")).toEqual([]);
  });

  test("the control plane's DNS endpoint is on by default and exposed; no Google-wide access to the IP endpoint", () => {
    const on = googleStack();
    const gke = cluster(on.stack);
    new TerraformOutput(on.stack, "dns", { value: gke.dnsEndpoint });
    const all = synth(on.stack);
    const json = onlyResource(all, "google_container_cluster");
    expect(json.control_plane_endpoints_config).toEqual({ dns_endpoint_config: { allow_external_traffic: true }, ip_endpoints_config: { enabled: true } });
    expect(json.master_authorized_networks_config).toMatchObject({ gcp_public_cidrs_access_enabled: false });
    expect((all as { output: Record<string, { value: string }> }).output.dns.value).toMatch(/^\$\{google_container_cluster\.gke_[A-Z0-9]+\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/);
    const off = googleStack();
    const ipOnly = cluster(off.stack, { dnsEndpoint: false });
    expect(onlyResource(synth(off.stack), "google_container_cluster").control_plane_endpoints_config).toMatchObject({ dns_endpoint_config: { allow_external_traffic: false } });
    expect(ipOnly.dnsEndpoint).toBeUndefined();
  });

  test("the second plan is empty: what the API reports differently after creation is ignored, not replaced", () => {
    const { stack } = googleStack();
    cluster(stack);
    expect(onlyResource(synth(stack), "google_container_cluster").lifecycle).toEqual({ ignore_changes: ["node_pool", "initial_node_count", "node_config"] });
  });

  test.each([
    ["gke", "nodes", "gke-nodes"],
    // Stable across runs and releases: a changed id would replace the account and drop its grants.
    ["tandem-production-platform", "nodes", "tandem-production-platf-dd83c3"],
    ["a", "b", "a-b-sa"],
  ])("service account ids fit Google's 6-30 characters (%s + %s)", (base, suffix, expected) => {
    expect(serviceAccountId(base, suffix)).toBe(expected);
    expect(expected).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
  });

  test("two long names with the same beginning get different service account ids", () => {
    const a = serviceAccountId("tandem-production-platform-eu", "nodes");
    const b = serviceAccountId("tandem-production-platform-us", "nodes");
    expect(a).not.toBe(b);
    expect([a.length, b.length]).toEqual([30, 30]);
  });

  test("Google Groups for RBAC when a security group is given", () => {
    const { stack } = googleStack();
    cluster(stack, { rbacSecurityGroup: "gke-security-groups@example.com" });
    expect(onlyResource(synth(stack), "google_container_cluster").authenticator_groups_config).toEqual({ security_group: "gke-security-groups@example.com" });
  });

  test("node locations, when fixed, go on the cluster and on every node pool; left out, GKE picks them", () => {
    const fixed = googleStack();
    const gke = cluster(fixed.stack, { nodeLocations: ["europe-west1-b", "europe-west1-c"], nodePools: { general: { machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3 }, batch: { machineType: "e2-standard-8", minNodesPerZone: 0, maxNodesPerZone: 2 } } });
    const json = synth(fixed.stack);
    expect(onlyResource(json, "google_container_cluster").node_locations).toEqual(["europe-west1-b", "europe-west1-c"]);
    expect(resourcesOf(json, "google_container_node_pool").map((p) => p.node_locations)).toEqual([["europe-west1-b", "europe-west1-c"], ["europe-west1-b", "europe-west1-c"]]);
    expect(gke.nodeLocations).toEqual(["europe-west1-b", "europe-west1-c"]);
    const picked = googleStack();
    const free = cluster(picked.stack);
    const pickedJson = synth(picked.stack);
    expect(onlyResource(pickedJson, "google_container_cluster")).not.toHaveProperty("node_locations");
    expect(onlyResource(pickedJson, "google_container_node_pool")).not.toHaveProperty("node_locations");
    expect(free.nodeLocations).toBeUndefined();
  });

  test("the control-plane range is checked against the network's ranges", () => {
    const { stack } = googleStack();
    cluster(stack, { masterCidr: "10.10.0.16/28" });
    expect(() => Testing.synth(stack, true)).toThrow(/subnet primary range \(10\.10\.0\.0\/20\) overlaps test\/gke control-plane range \(10\.10\.0\.16\/28\)/);
  });

  test.each([
    [{ masterCidr: "172.16.0.0/24" }, /masterCidr = "172.16.0.0\/24": must be a \/28/],
    [{ nodePools: {} }, /nodePools = \{\}: must name at least one node pool/],
    [{ nodePools: { a: { machineType: "e2-small", minNodesPerZone: 4, maxNodesPerZone: 2 } } }, /nodePools\.a\.minNodesPerZone = 4: must be <= maxNodesPerZone \(2\)/],
    [{ maintenanceWindow: { startTimeUtc: "02:00", durationHours: 2 } }, /maintenanceWindow\.durationHours = 2: must be a whole number 4-24/],
    [{ maintenanceWindow: { startTimeUtc: "25:00" } }, /maintenanceWindow\.startTimeUtc = "25:00": must be a 24-hour UTC time HH:MM/],
    [{ nodeLocations: [] }, /nodeLocations = \[\]: must name at least one zone/],
    [{ nodeLocations: ["europe-west1"] }, /nodeLocations\.0 = "europe-west1": must be a zone such as europe-west1-b/],
    [{ nodeLocations: ["europe-west1-b", "europe-west4-a"] }, /nodeLocations\.1 = "europe-west4-a": must be a zone of the cluster's region europe-west1/],
    [{ nodeLocations: ["europe-west1-b", "europe-west1-b"] }, /nodeLocations = \["europe-west1-b","europe-west1-b"\]: names europe-west1-b twice/],
    [{ name: "a-cluster-name-that-is-longer-than-forty-chars" }, /name = "a-cluster-name-that-is-longer-than-forty-chars": must be a lower-case RFC 1035 GKE cluster name.*at most 40 characters/],
  ])("bad props %j throw", (overrides, message) => {
    const { stack } = googleStack();
    expect(() => cluster(stack, overrides)).toThrow(message);
  });
});
