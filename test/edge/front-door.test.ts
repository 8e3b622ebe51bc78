import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Aspects, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { IConstruct } from "constructs";
import { Bootstrap } from "../../src/bootstrap";
import { FRONT_DOOR_DEFAULTS, FRONT_DOOR_NAME_MAX, FrontDoor, frontDoorHostsProblems, frontDoorProblems, FrontDoorProps } from "../../src/edge";
import { frontDoorNames } from "../../src/edge/private/names";
import { GkeCluster, GkeClusterProps } from "../../src/gke";
import { Network } from "../../src/network";
import { DeployReadiness } from "../../src/policy";
import { EnableApis } from "../../src/project/apis";
import { googleStack, onlyResource, resourcesOf, synth, TerraformJson } from "../helpers";
import { testNetwork } from "../network/fixtures";

const ZONES = ["europe-west1-b", "europe-west1-c"];
const HOSTS = ["app.example.com", "new.example.com"];

function cluster(stack: TerraformStack, network: Network, overrides: Partial<GkeClusterProps> = {}): GkeCluster {
  return new GkeCluster(stack, "gke", {
    project: "p-test",
    region: "europe-west1",
    name: "gke",
    network,
    masterCidr: "172.16.0.0/28",
    deletionProtection: false,
    maintenanceWindow: { startTimeUtc: "02:00" },
    nodePools: { general: { machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3 }, spot: { machineType: "e2-standard-4", minNodesPerZone: 0, maxNodesPerZone: 2, spot: true } },
    binaryAuthorization: false,
    nodeLocations: ZONES,
    ...overrides,
  });
}

/** A network, a cluster with two pools in two fixed zones, and a front door; override any front-door prop. */
function frontDoor(overrides: Partial<FrontDoorProps> = {}, clusterOverrides: Partial<GkeClusterProps> = {}) {
  const { stack } = googleStack();
  const network = testNetwork(stack);
  const gke = cluster(stack, network, clusterOverrides);
  const build = () => new FrontDoor(stack, "edge", { project: "p-test", name: "edge", hosts: HOSTS, nodePort: 30064, network, cluster: gke, ...overrides });
  return { stack, network, gke, build };
}

function built(overrides: Partial<FrontDoorProps> = {}): { json: TerraformJson; edge: FrontDoor; gke: GkeCluster; stack: TerraformStack } {
  const f = frontDoor(overrides);
  const edge = f.build();
  return { json: synth(f.stack), edge, gke: f.gke, stack: f.stack };
}

/** The Terraform reference to a construct's resource attribute: `${type.id.attr}`. */
function ref(r: { terraformResourceType: string; friendlyUniqueId: string }, attribute: string): string {
  return `\${${r.terraformResourceType}.${r.friendlyUniqueId}.${attribute}}`;
}

const byName = (json: TerraformJson, type: string, name: string) => resourcesOf(json, type).find((r) => r.name === name);

describe("FrontDoor", () => {
  test("HTTP on 80 only redirects to HTTPS: 301, query kept, same reserved address as 443", () => {
    const { json, edge } = built();
    const redirect = byName(json, "google_compute_url_map", "edge-redirect")!;
    expect(redirect.default_url_redirect).toEqual({ https_redirect: true, redirect_response_code: "MOVED_PERMANENTLY_DEFAULT", strip_query: false });
    expect(redirect).not.toHaveProperty("default_service");
    const httpProxy = onlyResource(json, "google_compute_target_http_proxy");
    expect(httpProxy.url_map).toBe(ref(edge.redirectUrlMap, "id"));
    const rules = Object.fromEntries(resourcesOf(json, "google_compute_global_forwarding_rule").map((r) => [r.port_range, r]));
    expect(Object.keys(rules).sort()).toEqual(["443", "80"]);
    expect(rules["80"]).toMatchObject({ target: expect.stringMatching(/^\$\{google_compute_target_http_proxy\./), load_balancing_scheme: "EXTERNAL_MANAGED", ip_protocol: "TCP" });
    expect(rules["80"].ip_address).toBe(rules["443"].ip_address);
    expect(rules["443"].ip_address).toBe(ref(edge.globalAddress, "address"));
    expect(byName(json, "google_compute_global_address", "edge-ip")).toMatchObject({ address_type: "EXTERNAL", ip_version: "IPV4" });
  });

  test("443 serves the certificate map, whose entries are exactly the hosts, each with its own DNS-authorized certificate", () => {
    const { json, edge } = built();
    const rule = resourcesOf(json, "google_compute_global_forwarding_rule").find((r) => r.port_range === "443")!;
    expect(rule).toMatchObject({ load_balancing_scheme: "EXTERNAL_MANAGED", target: expect.stringMatching(/^\$\{google_compute_target_https_proxy\./) });
    const proxy = onlyResource(json, "google_compute_target_https_proxy");
    expect(proxy.certificate_map).toBe(`//certificatemanager.googleapis.com/${ref(edge.certificateMap, "id")}`);
    expect(proxy).not.toHaveProperty("ssl_certificates");
    expect(resourcesOf(json, "google_compute_managed_ssl_certificate")).toEqual([]);

    const entries = resourcesOf(json, "google_certificate_manager_certificate_map_entry");
    expect(entries.map((e) => e.hostname).sort()).toEqual(HOSTS);
    const authorizations = resourcesOf(json, "google_certificate_manager_dns_authorization");
    expect(authorizations.map((a) => [a.domain, a.type]).sort()).toEqual(HOSTS.map((h) => [h, "PER_PROJECT_RECORD"]));
    for (const host of HOSTS) {
      const certificate = edge.certificates[host];
      const entry = entries.find((e) => e.hostname === host)!;
      expect(entry).toMatchObject({ map: ref(edge.certificateMap, "name"), certificates: [ref(certificate, "id")] });
      const body = resourcesOf(json, "google_certificate_manager_certificate").find((c) => (c.managed as { domains: string[] }).domains.includes(host))!;
      expect(body.managed).toEqual({ domains: [host], dns_authorizations: [expect.stringMatching(/^\$\{google_certificate_manager_dns_authorization\.edge_dns-authorization-.*\.id\}$/)] });
      const auth = (body.managed as { dns_authorizations: string[] }).dns_authorizations[0];
      const authBody = json.resource!.google_certificate_manager_dns_authorization[auth.split(".")[1]];
      expect(authBody.domain).toBe(host);
    }
    expect(resourcesOf(json, "google_certificate_manager_certificate")).toHaveLength(HOSTS.length);
    // The proxy serves 443 only once every entry is in the map.
    expect((proxy.depends_on as string[]).filter((d) => d.startsWith("google_certificate_manager_certificate_map_entry.")).length).toBe(HOSTS.length);
  });

  test("each host's DNS authorization record is exposed (name, type, data) for the stack to output", () => {
    const f = frontDoor();
    const edge = f.build();
    HOSTS.forEach((host, i) => new TerraformOutput(f.stack, `dns_${i}`, { value: edge.dnsAuthorizationRecords[host] }));
    const outputs = synth(f.stack).output!;
    expect(outputs.dns_0.value).toEqual({
      name: expect.stringMatching(/^\$\{google_certificate_manager_dns_authorization\.edge_dns-authorization-appexamplecom_[A-F0-9]+\.dns_resource_record\[0\]\.name\}$/),
      type: expect.stringMatching(/\.dns_resource_record\[0\]\.type\}$/),
      data: expect.stringMatching(/\.dns_resource_record\[0\]\.data\}$/),
    });
    expect(Object.keys(edge.dnsAuthorizationRecords).sort()).toEqual(HOSTS);
  });

  test.each([
    [undefined, "MODERN"],
    ["RESTRICTED" as const, "RESTRICTED"],
  ])("TLS policy: TLS 1.2 minimum, profile %s -> %s, on the HTTPS proxy", (profile, expected) => {
    const { json, edge } = built(profile ? { tlsProfile: profile } : {});
    expect(onlyResource(json, "google_compute_ssl_policy")).toMatchObject({ name: "edge-tls", min_tls_version: "TLS_1_2", profile: expected });
    expect(onlyResource(json, "google_compute_target_https_proxy").ssl_policy).toBe(ref(edge.sslPolicy, "id"));
  });

  test("backend service: EXTERNAL_MANAGED over HTTP to the named port, one-hour timeout, every request logged, Cloud Armor attached", () => {
    const { json, edge } = built();
    expect(onlyResource(json, "google_compute_backend_service")).toMatchObject({
      name: "edge-backend",
      load_balancing_scheme: "EXTERNAL_MANAGED",
      protocol: "HTTP",
      port_name: "http-30064",
      timeout_sec: 3600,
      connection_draining_timeout_sec: 300,
      log_config: { enable: true, sample_rate: 1 },
      security_policy: ref(edge.securityPolicy, "id"),
      health_checks: [ref(edge.healthCheck, "id")],
    });
    expect(byName(json, "google_compute_url_map", "edge-https")!.default_service).toBe(ref(edge.backendService, "id"));
    const custom = built({ backendTimeoutSec: 600, connectionDrainingTimeoutSec: 30 });
    expect(onlyResource(custom.json, "google_compute_backend_service")).toMatchObject({ timeout_sec: 600, connection_draining_timeout_sec: 30 });
  });

  test("HSTS: every response of the backend service (HTTPS only) carries Strict-Transport-Security for a year with subdomains", () => {
    expect(onlyResource(built().json, "google_compute_backend_service").custom_response_headers).toEqual(["Strict-Transport-Security: max-age=31536000; includeSubDomains"]);
    expect(onlyResource(built({ hstsMaxAgeSec: 63072000 }).json, "google_compute_backend_service").custom_response_headers).toEqual(["Strict-Transport-Security: max-age=63072000; includeSubDomains"]);
    // The redirect map never reaches the backend service, so HSTS is never sent over plain HTTP.
    expect(byName(built().json, "google_compute_url_map", "edge-redirect")).not.toHaveProperty("default_service");
  });

  test("backends: a dynamic block over every pool's managed_instance_group_urls (the groups, not their managers; unknown until the pools exist)", () => {
    const { json, gke } = built();
    const backend = onlyResource(json, "google_compute_backend_service") as { dynamic: { backend: { for_each: string; iterator: string; content: Record<string, unknown> } }; backend?: unknown };
    expect(backend.backend).toBeUndefined();
    const pools = Object.values(gke.nodePools).map((p) => `google_container_node_pool.${p.friendlyUniqueId}.managed_instance_group_urls`);
    expect(backend.dynamic.backend.for_each).toBe(`\${toset(flatten([${pools.join(", ")}]))}`);
    expect(backend.dynamic.backend.content).toEqual({ group: `\${${backend.dynamic.backend.iterator}.value}`, balancing_mode: "UTILIZATION", max_utilization: 0.8, capacity_scaler: 1 });
  });

  test("Cloud Armor: a throttle per client IP at the default rate (429 above it), then the default allow rule; adaptive protection off", () => {
    const { json } = built();
    const policy = onlyResource(json, "google_compute_security_policy") as { rule: Record<string, unknown>[]; type: string };
    expect(policy.type).toBe("CLOUD_ARMOR");
    expect(policy.rule).toEqual([
      {
        priority: 1000,
        action: "throttle",
        description: "1200 requests per minute per client IP",
        match: { versioned_expr: "SRC_IPS_V1", config: { src_ip_ranges: ["*"] } },
        rate_limit_options: { conform_action: "allow", exceed_action: "deny(429)", enforce_on_key: "IP", rate_limit_threshold: { count: 1200, interval_sec: 60 } },
      },
      { priority: 2147483647, action: "allow", description: expect.any(String), match: { versioned_expr: "SRC_IPS_V1", config: { src_ip_ranges: ["*"] } } },
    ]);
    expect(policy).not.toHaveProperty("adaptive_protection_config");
    expect(FRONT_DOOR_DEFAULTS.rateLimit).toEqual({ requestsPerMinute: 1200, windowSec: 60 });
  });

  test.each([
    [{ requestsPerMinute: 120, windowSec: 10 }, { count: 20, interval_sec: 10 }],
    [{ requestsPerMinute: 300 }, { count: 300, interval_sec: 60 }],
    [{ requestsPerMinute: 90, windowSec: 600 }, { count: 900, interval_sec: 600 }],
  ])("throttle %j counts %j", (rateLimit, threshold) => {
    const { json } = built({ rateLimit });
    const rule = (onlyResource(json, "google_compute_security_policy").rule as { action: string; rate_limit_options: { rate_limit_threshold: unknown } }[])[0];
    expect(rule.rate_limit_options.rate_limit_threshold).toEqual(threshold);
  });

  test("rateLimit false leaves only the default rule; adaptive protection when asked", () => {
    const { json } = built({ rateLimit: false, adaptiveProtection: true });
    const policy = onlyResource(json, "google_compute_security_policy");
    expect((policy.rule as { action: string }[]).map((r) => r.action)).toEqual(["allow"]);
    expect(policy.adaptive_protection_config).toEqual({ layer_7_ddos_defense_config: { enable: true } });
  });

  test.each([30064, 31999])("NodePort %d: health check port = named port = firewall port = the backend's port name", (nodePort) => {
    const { json } = built({ nodePort });
    const health = onlyResource(json, "google_compute_health_check");
    expect(health).toMatchObject({ name: "edge-health", http_health_check: { port: nodePort, port_specification: "USE_FIXED_PORT", request_path: "/tandem/health/router" }, log_config: { enable: true } });
    const named = resourcesOf(json, "google_compute_instance_group_named_port");
    expect(new Set(named.map((n) => n.port))).toEqual(new Set([nodePort]));
    expect(new Set(named.map((n) => n.name))).toEqual(new Set([onlyResource(json, "google_compute_backend_service").port_name]));
    const firewall = byName(json, "google_compute_firewall", "edge-to-nodes")!;
    expect(firewall.allow).toEqual([{ protocol: "tcp", ports: [String(nodePort)] }]);
  });

  test("the health check path is a prop", () => {
    const { json } = built({ healthCheckPath: "/healthz" });
    expect(onlyResource(json, "google_compute_health_check").http_health_check).toMatchObject({ request_path: "/healthz" });
  });

  test("firewall: exactly Google's front-end and health-check ranges, to the cluster's nodes only, logged", () => {
    const { json, gke } = built();
    const firewall = byName(json, "google_compute_firewall", "edge-to-nodes")!;
    expect(firewall).toMatchObject({
      direction: "INGRESS",
      source_ranges: ["35.191.0.0/16", "130.211.0.0/22"],
      target_service_accounts: [ref(gke.nodeServiceAccount, "email")],
      log_config: { metadata: "INCLUDE_ALL_METADATA" },
    });
    expect(firewall).not.toHaveProperty("deny");
  });

  test("named ports: one per node pool and zone, on that pool's instance group in that zone", () => {
    const { json, gke, edge } = built();
    const named = resourcesOf(json, "google_compute_instance_group_named_port");
    expect(named.map((n) => n.zone).sort()).toEqual([...ZONES, ...ZONES].sort());
    expect(Object.keys(edge.namedPorts).sort()).toEqual(["general/europe-west1-b", "general/europe-west1-c", "spot/europe-west1-b", "spot/europe-west1-c"]);
    for (const [key, port] of Object.entries(edge.namedPorts)) {
      const [pool, zone] = key.split("/");
      const body = json.resource!.google_compute_instance_group_named_port[port.friendlyUniqueId];
      expect(body.zone).toBe(zone);
      expect(body.group).toBe(`\${element(regex("zones/${zone}/instanceGroups/([-a-z0-9]+)", join(" ", google_container_node_pool.${gke.nodePools[pool].friendlyUniqueId}.managed_instance_group_urls)), 0)}`);
    }
    // The load balancer sends to the port only once every group has it.
    expect((onlyResource(json, "google_compute_backend_service").depends_on as string[]).sort()).toEqual(Object.values(edge.namedPorts).map((p) => `google_compute_instance_group_named_port.${p.friendlyUniqueId}`).sort());
  });

  test("zones given explicitly must equal the cluster's node locations; without either, it says how to fix it", () => {
    expect(() => frontDoor({ zones: ["europe-west1-b", "europe-west1-d"] }).build()).toThrow(/zones = \["europe-west1-b","europe-west1-d"\]: must equal the cluster's nodeLocations \["europe-west1-b","europe-west1-c"\]/);
    expect(() => frontDoor({}, { nodeLocations: undefined }).build()).toThrow(/zones = \(missing\): are unknown: the cluster's node pools have no fixed zones.*set nodeLocations on the GkeCluster/);
    const same = frontDoor({ zones: ["europe-west1-c", "europe-west1-b"] });
    same.build();
    expect(resourcesOf(synth(same.stack), "google_compute_instance_group_named_port")).toHaveLength(4);
  });

  test("bad props: every problem in one error, each with its prop path, the value and the rule", () => {
    const tooLong = "e".repeat(FRONT_DOOR_NAME_MAX + 1);
    const call = () => frontDoor({ name: tooLong, hosts: ["app.example.com", "App.Example.com", "*.example.com", "app.example.com", "10.0.0.1"], nodePort: 8080, rateLimit: { requestsPerMinute: 1, windowSec: 10 }, healthCheckPath: "health" }).build();
    let message = "";
    try {
      call();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^test\/edge: invalid props:/);
    expect(message).toContain(`name = "${tooLong}": must be a lower-case RFC 1035 front door name (${FRONT_DOOR_NAME_MAX} characters at most, so that every "<name>-..." resource name fits Google's 63)`);
    expect(message).toMatch(/hosts\.1 = "App\.Example\.com": must be a fully qualified host name such as app\.example\.com.*\(write it in lower case\)/);
    expect(message).toMatch(/hosts\.2 = "\*\.example\.com": must be a fully qualified host name.*no wildcard/);
    expect(message).toMatch(/hosts = "app\.example\.com": names app\.example\.com twice/);
    expect(message).toMatch(/hosts\.4 = "10\.0\.0\.1": must be a host name, not an IP address/);
    expect(message).toMatch(/nodePort = 8080: must be a whole number 30000-32767 \(Kubernetes' NodePort range\)/);
    expect(message).toMatch(/rateLimit\.requestsPerMinute = 1: allows less than one request per 10-second window; raise it or use a longer windowSec/);
    expect(message).toMatch(/healthCheckPath = "health": must be a path starting with '\/'/);
    expect(message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(8);
  });

  test.each([
    [{ hosts: [] }, /hosts = \[\]: must name at least one host/],
    [{ rateLimit: { requestsPerMinute: 100, windowSec: 45 } }, /rateLimit\.windowSec = 45: must be one of Cloud Armor's windows: 10, 30, 60/],
    [{ backendTimeoutSec: 0 }, /backendTimeoutSec = 0: must be a whole number 1-86400/],
    [{ name: "Edge" }, /name = "Edge": must be a lower-case RFC 1035 front door name/],
    [{ labels: { Env: "x" } }, /labels\.Env = "Env": label keys must be lower-case/],
    [{ hstsMaxAgeSec: 86400 }, /hstsMaxAgeSec = 86400: must be a whole number 31536000-63072000 \(Strict-Transport-Security max-age: one year at least/],
  ])("bad props %j throw", (overrides, message) => {
    expect(() => frontDoor(overrides as Partial<FrontDoorProps>).build()).toThrow(message);
  });

  test("the longest valid name with long hosts: every derived resource name is a lower-case RFC 1035 name of at most 63, and two long hosts never share one", () => {
    const name = "e".repeat(FRONT_DOOR_NAME_MAX);
    const hosts = [`${"a".repeat(60)}.one.example.com`, `${"a".repeat(60)}.two.example.com`, "x.io"];
    expect(frontDoorProblems({ name, nodePort: 30064 })).toEqual([]);
    expect(frontDoorHostsProblems(hosts)).toEqual([]);
    const names = frontDoorNames(name, hosts);
    for (const n of names) expect(n.name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    const perHost = names.filter((n) => n.from.startsWith("host ")).map((n) => n.name);
    expect(new Set(perHost).size).toBe(hosts.length);
    expect(perHost[2]).toBe(`${name}-x-io`);
    const { json } = built({ name, hosts });
    for (const type of ["google_certificate_manager_dns_authorization", "google_certificate_manager_certificate", "google_certificate_manager_certificate_map_entry", "google_compute_url_map", "google_compute_backend_service", "google_compute_firewall"]) {
      for (const r of resourcesOf(json, type)) expect(String(r.name).length).toBeLessThanOrEqual(63);
    }
  });

  test("attributes: the address, the backend service, the URL map, the security policy, and the proxies a router trusts", () => {
    const f = frontDoor();
    const edge = f.build();
    new TerraformOutput(f.stack, "address", { value: edge.address });
    expect(synth(f.stack).output!.address.value).toBe(ref(edge.globalAddress, "address"));
    expect(edge.backendService.terraformResourceType).toBe("google_compute_backend_service");
    expect(edge.urlMap.terraformResourceType).toBe("google_compute_url_map");
    expect(edge.securityPolicy.terraformResourceType).toBe("google_compute_security_policy");
    expect(edge.trustedProxyRanges).toEqual(["35.191.0.0/16", "130.211.0.0/22"]);
    expect(edge.resource.terraformResourceType).toBe("google_compute_global_forwarding_rule");
    expect([edge.nodePort, edge.portName, edge.hosts]).toEqual([30064, "http-30064", HOSTS]);
  });

  test("a stack with a front door passes deploy readiness (APIs enabled first, names), and its bootstrap knows every resource type", () => {
    const app = Testing.app();
    const env = new TerraformStack(app, "staging");
    new GoogleProvider(env, "google", { project: "p-test", region: "europe-west1" });
    Aspects.of(env).add(new EnableApis({ project: "p-test" }));
    Aspects.of(env).add(new DeployReadiness());
    const network = testNetwork(env);
    new FrontDoor(env, "edge", { project: "p-test", name: "tandem-staging", hosts: ["app.tandem.io", "new.tandem.io"], nodePort: 30064, network, cluster: cluster(env, network) });
    const boot = new TerraformStack(app, "staging-bootstrap");
    new GoogleProvider(boot, "google", { project: "p-test" });
    new Bootstrap(boot, "bootstrap", { environment: "staging", project: "p-test", region: "europe-west1", stateBucket: "p-test-tfstate", repository: "tandem-platform/tandem", deploys: env });
    const json = synth(env);
    const messages = (stack: TerraformStack) => stack.node.findAll().flatMap((c: IConstruct) => c.node.metadata.filter((m) => m.type === "@cdktf/error" || m.type === "@cdktf/warn").map((m) => `${c.node.path}: ${String(m.data)}`));
    expect(messages(env)).toEqual([]);
    const bootJson = synth(boot);
    expect(messages(boot)).toEqual([]);
    const apis = resourcesOf(json, "google_project_service").map((s) => s.service);
    expect(apis).toEqual(expect.arrayContaining(["compute.googleapis.com", "certificatemanager.googleapis.com"]));
    const deployerRoles = resourcesOf(bootJson, "google_project_iam_member").filter((m) => String(m.member).includes("bootstrap_deployer_") && m.condition === undefined).map((m) => m.role);
    // Owner, not editor: the editor role cannot delete, so removing a host would fail.
    expect(deployerRoles).toEqual(expect.arrayContaining(["roles/certificatemanager.owner", "roles/compute.loadBalancerAdmin", "roles/compute.securityAdmin"]));
    expect(deployerRoles).not.toContain("roles/certificatemanager.editor");
  });
});
