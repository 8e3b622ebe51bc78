import { Testing, TerraformStack } from "cdktf";
import { GkeCluster, GkeClusterProps, NODE_SERVICE_ACCOUNT_ROLES } from "../../src/gke";
import { googleStack, onlyResource, resourcesOf, synth } from "../helpers";
import { testNetwork } from "../network/fixtures";

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

  test("the node service account gets only the monitoring, logging and image-pull roles", () => {
    const { stack } = googleStack();
    cluster(stack);
    const roles = resourcesOf(synth(stack), "google_project_iam_member").map((m) => m.role);
    expect(roles.sort()).toEqual([...NODE_SERVICE_ACCOUNT_ROLES].sort());
  });

  test("Google Groups for RBAC when a security group is given", () => {
    const { stack } = googleStack();
    cluster(stack, { rbacSecurityGroup: "gke-security-groups@example.com" });
    expect(onlyResource(synth(stack), "google_container_cluster").authenticator_groups_config).toEqual({ security_group: "gke-security-groups@example.com" });
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
    [{ name: "a-cluster-name-that-is-longer-than-forty-chars" }, /name = "a-cluster-name-that-is-longer-than-forty-chars": must be a lower-case RFC 1035 GKE cluster name.*at most 40 characters/],
  ])("bad props %j throw", (overrides, message) => {
    const { stack } = googleStack();
    expect(() => cluster(stack, overrides)).toThrow(message);
  });
});
