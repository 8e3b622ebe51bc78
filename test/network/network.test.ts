import { Testing } from "cdktf";
import { googleStack, onlyResource, resourcesOf, synth } from "../helpers";
import { testNetwork } from "./fixtures";

describe("Network", () => {
  test("custom-mode VPC", () => {
    const { stack } = googleStack();
    testNetwork(stack);
    const vpc = onlyResource(synth(stack), "google_compute_network");
    expect(vpc).toMatchObject({ name: "vpc", auto_create_subnetworks: false });
  });

  test("subnet has private Google access, flow logs and typed secondary ranges", () => {
    const { stack } = googleStack();
    const network = testNetwork(stack, { flowLogSampling: 0.25 });
    const subnet = onlyResource(synth(stack), "google_compute_subnetwork");
    expect(subnet).toMatchObject({
      ip_cidr_range: "10.10.0.0/20",
      private_ip_google_access: true,
      log_config: { flow_sampling: 0.25, metadata: "INCLUDE_ALL_METADATA" },
      secondary_ip_range: [
        { range_name: "pods", ip_cidr_range: "10.20.0.0/14" },
        { range_name: "services", ip_cidr_range: "10.24.0.0/20" },
      ],
    });
    expect(network.podsRange).toEqual({ rangeName: "pods", cidr: "10.20.0.0/14" });
  });

  test("Cloud NAT logs errors", () => {
    const { stack } = googleStack();
    testNetwork(stack);
    expect(onlyResource(synth(stack), "google_compute_router_nat")).toMatchObject({ log_config: { enable: true, filter: "ERRORS_ONLY" } });
  });

  test("private service access: one peering with every reserved range", () => {
    const { stack } = googleStack();
    testNetwork(stack);
    const json = synth(stack);
    const addresses = resourcesOf(json, "google_compute_global_address");
    expect(addresses.map((a) => [a.address, a.prefix_length, a.purpose]).sort()).toEqual([
      ["10.30.0.0", 20, "VPC_PEERING"],
      ["10.31.0.0", 24, "VPC_PEERING"],
    ]);
    const peering = onlyResource(json, "google_service_networking_connection");
    expect(peering.reserved_peering_ranges).toHaveLength(2);
  });

  test("firewall denies ingress by default and allows only health checks and IAP", () => {
    const { stack } = googleStack();
    testNetwork(stack);
    const rules = resourcesOf(synth(stack), "google_compute_firewall");
    const deny = rules.find((r) => r.deny !== undefined);
    expect(deny).toMatchObject({ direction: "INGRESS", source_ranges: ["0.0.0.0/0"], deny: [{ protocol: "all" }] });
    const allowSources = rules.filter((r) => r.allow !== undefined).flatMap((r) => r.source_ranges as string[]);
    expect(allowSources.sort()).toEqual(["130.211.0.0/22", "35.191.0.0/16", "35.235.240.0/20"]);
    expect(allowSources).not.toContain("0.0.0.0/0");
  });

  test("overlapping ranges fail synth naming both", () => {
    const { stack } = googleStack();
    expect(() => testNetwork(stack, { servicesCidr: "10.10.8.0/21" })).toThrow(/servicesCidr = "10\.10\.8\.0\/21": primaryCidr \(10\.10\.0\.0\/20\) overlaps servicesCidr \(10\.10\.8\.0\/21\)/);
  });

  test("a range reserved by another construct is checked too", () => {
    const { stack } = googleStack();
    const network = testNetwork(stack);
    network.reserveRange("gke control plane", "10.31.0.16/28");
    expect(() => Testing.synth(stack, true)).toThrow(/private-service-access range "redis" \(10\.31\.0\.0\/24\) overlaps gke control plane \(10\.31\.0\.16\/28\)/);
  });

  test("allowIngress opens exactly the asked ports from the asked sources, to the asked service accounts, logged", () => {
    const { stack } = googleStack();
    const network = testNetwork(stack);
    const rule = network.allowIngress("allow-lb", { sourceRanges: ["35.191.0.0/16"], tcpPorts: [30064], targetServiceAccounts: ["nodes@p-test.iam.gserviceaccount.com"], description: "the load balancer" });
    const fw = resourcesOf(synth(stack), "google_compute_firewall").find((r) => r.name === "vpc-allow-lb");
    expect(fw).toEqual({
      project: "p-test",
      name: "vpc-allow-lb",
      network: `\${google_compute_network.${network.resource.friendlyUniqueId}.id}`,
      description: "the load balancer",
      direction: "INGRESS",
      priority: 1000,
      allow: [{ protocol: "tcp", ports: ["30064"] }],
      source_ranges: ["35.191.0.0/16"],
      target_service_accounts: ["nodes@p-test.iam.gserviceaccount.com"],
      log_config: { metadata: "INCLUDE_ALL_METADATA" },
    });
    expect(rule.node.path).toBe("test/network/allow-lb");
    const named = googleStack();
    testNetwork(named.stack).allowIngress("x", { name: "edge-to-nodes", sourceRanges: ["10.0.0.0/8"], tcpPorts: [80, 443], priority: 900 });
    expect(resourcesOf(synth(named.stack), "google_compute_firewall").find((r) => r.name === "edge-to-nodes")).toMatchObject({ priority: 900, allow: [{ protocol: "tcp", ports: ["80", "443"] }] });
  });

  test("allowIngress refuses, in one error, an empty port list, a bad port, a bad CIDR and a name over 63 characters", () => {
    const { stack } = googleStack();
    const network = testNetwork(stack);
    const call = () => network.allowIngress("a".repeat(60), { sourceRanges: ["35.191.0.1/16"], tcpPorts: [] });
    expect(call).toThrow(/allowIngress\.a{60}\.name = "vpc-a{60}": must be a lower-case RFC 1035 firewall rule name/);
    expect(call).toThrow(/allowIngress\.a{60}\.tcpPorts = \[\]: must name at least one port/);
    expect(call).toThrow(/allowIngress\.a{60}\.sourceRanges\.0 = "35\.191\.0\.1\/16": must be a canonical IPv4 CIDR/);
    expect(() => network.allowIngress("b", { sourceRanges: ["10.0.0.0/8"], tcpPorts: [70000] })).toThrow(/allowIngress\.b\.tcpPorts\.0 = 70000: must be a whole number 1-65535/);
  });

  test.each([
    [{ primaryCidr: "10.10.0.1/20" }, /primaryCidr = "10.10.0.1\/20": must be a canonical IPv4 CIDR \(host bits are set/],
    [{ flowLogSampling: 2 }, /flowLogSampling = 2: must be 0-1/],
    [{ privateServiceRanges: {} }, /privateServiceRanges = \{\}: must name at least one private-service-access range/],
    [{ privateServiceRanges: { sql: "10.30.0.0/25" } }, /privateServiceRanges\.sql = "10\.30\.0\.0\/25": must be \/24 or larger/],
    [{ name: "a-network-name-longer-than-43-characters-really" }, /name = "a-network-name-longer-than-43-characters-really": must be a lower-case RFC 1035 network name \(43 characters at most/],
  ])("bad props %j throw", (overrides, message) => {
    const { stack } = googleStack();
    expect(() => testNetwork(stack, overrides)).toThrow(message);
  });
});
