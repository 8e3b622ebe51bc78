import { App, Testing, TerraformStack } from "cdktf";
import { environments } from "../../environments";
import { errorAnnotations } from "../../src/app";
import { EnvironmentConfig, loadEnvironment } from "../../src/config";
import { publicHosts } from "../../src/platform";
import { addEnvironmentStacks } from "../../stacks";
import { onlyResource, resourcesOf, TerraformJson } from "../helpers";

const configs: EnvironmentConfig[] = Object.entries(environments).map(([name, raw]) => loadEnvironment(name, raw));

function synthAll(): { app: App; json: Record<string, TerraformJson> } {
  const app = Testing.app();
  addEnvironmentStacks(app, configs);
  const json: Record<string, TerraformJson> = {};
  for (const stack of app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack)) {
    json[stack.node.id] = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
  }
  return { app, json };
}

const { app, json } = synthAll();

describe("environment stacks", () => {
  test("stack ids are exactly dev, staging and production, and a bootstrap stack per cloud environment", () => {
    expect(Object.keys(json).sort()).toEqual(["dev", "production", "production-bootstrap", "staging", "staging-bootstrap"]);
  });

  test.each(["dev", "staging", "production"])("%s requires Terraform >= 1.11 (write-only attributes)", (env) => {
    expect(json[env].terraform?.required_version).toBe(">= 1.11");
  });

  test("no stack has an error annotation", () => {
    expect(errorAnnotations(app)).toEqual([]);
  });

  test.each(["staging", "production"])("%s creates its workloads only once nodes exist: the namespace (which everything else needs) waits for every node pool", (env) => {
    const pools = Object.keys(json[env].resource!.google_container_node_pool).map((k) => `google_container_node_pool.${k}`);
    expect(pools.length).toBeGreaterThan(0);
    expect(onlyResource(json[env], "kubernetes_namespace_v1").depends_on).toEqual(pools);
  });

  test.each(["staging", "production"])("%s enables every API it uses, and each resource waits for its API", (env) => {
    const services = Object.entries(json[env].resource!.google_project_service).map(([k, v]) => [v.service as string, `google_project_service.${k}`]);
    expect(services.map(([api]) => api)).toEqual(expect.arrayContaining(["compute.googleapis.com", "container.googleapis.com", "sqladmin.googleapis.com", "servicenetworking.googleapis.com", "redis.googleapis.com", "monitoring.googleapis.com", "secretmanager.googleapis.com", "iam.googleapis.com", "binaryauthorization.googleapis.com"]));
    const compute = services.find(([api]) => api === "compute.googleapis.com")![1];
    expect(onlyResource(json[env], "google_compute_network").depends_on).toEqual([compute]);
  });

  test.each(["staging", "production"])("%s holds network, cluster, node pool, database, cache and monitoring", (env) => {
    const tf = json[env];
    for (const type of [
      "google_compute_network",
      "google_compute_subnetwork",
      "google_compute_router_nat",
      "google_service_networking_connection",
      "google_container_cluster",
      "google_container_node_pool",
      "google_sql_database_instance",
      "google_redis_instance",
      "google_monitoring_alert_policy",
      "google_monitoring_dashboard",
    ]) {
      expect(resourcesOf(tf, type).length).toBeGreaterThan(0);
    }
  });

  test.each([
    ["staging", { bucket: "tandem-tfstate-staging", prefix: "tandem/staging" }],
    ["production", { bucket: "tandem-tfstate-production", prefix: "tandem/production" }],
  ])("%s keeps state in GCS", (env, gcs) => {
    expect(json[env].terraform).toMatchObject({ backend: { gcs } });
  });

  test("dev keeps local state at the project root and uses Docker", () => {
    expect(json.dev.terraform).toMatchObject({ backend: { local: { path: "../../../terraform.dev.tfstate" } }, required_providers: { docker: {} } });
    expect(json.dev.resource?.google_container_cluster).toBeUndefined();
  });

  test.each([
    ["staging", false, "ZONAL", 0],
    ["production", true, "REGIONAL", 1],
  ])("%s: deletion protection %s, %s database, %d read replica", (env, protection, availability, replicas) => {
    const tf = json[env];
    const instances = resourcesOf(tf, "google_sql_database_instance") as { master_instance_name?: string; deletion_protection: boolean; settings: { availability_type: string } }[];
    const primary = instances.filter((i) => i.master_instance_name === undefined);
    expect(primary).toHaveLength(1);
    expect(primary[0].deletion_protection).toBe(protection);
    expect(primary[0].settings.availability_type).toBe(availability);
    expect(instances.length - 1).toBe(replicas);
    expect(onlyResource(tf, "google_container_cluster").deletion_protection).toBe(protection);
  });

  test("production sizes come from seed 003", () => {
    const tf = json.production;
    const primary = resourcesOf(tf, "google_sql_database_instance").find((i) => i.master_instance_name === undefined) as { settings: Record<string, unknown> };
    expect(primary.settings).toMatchObject({ tier: "db-custom-4-16384", disk_size: 100, backup_configuration: { start_time: "03:00", backup_retention_settings: { retained_backups: 30 } } });
    expect(onlyResource(tf, "google_redis_instance")).toMatchObject({ tier: "STANDARD_HA", memory_size_gb: 8, read_replicas_mode: "READ_REPLICAS_ENABLED" });
  });

  test.each(["staging", "production"])("%s configures Kubernetes from the cluster's own DNS endpoint (reachable from any runner, IAM-authenticated)", (env) => {
    const provider = (json[env].provider?.kubernetes as Record<string, string>[])[0];
    expect(provider.host).toMatch(/^https:\/\/\$\{google_container_cluster\.gke_\w+\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/);
    // The DNS endpoint serves a publicly trusted certificate: pinning the cluster CA would refuse it.
    expect(provider.cluster_ca_certificate).toBeUndefined();
    expect(provider.token).toMatch(/data\.google_client_config\.client\.access_token/);
  });

  test.each(["staging", "production"])("%s publishes the outputs other teams read; secrets only as sensitive", (env) => {
    const outputs = json[env].output ?? {};
    for (const name of ["network_self_link", "cluster_name", "cluster_endpoint", "database_connection_name", "database_private_ip", "cache_host", "cache_port"]) {
      expect(outputs).toHaveProperty(name);
    }
    expect(outputs.cluster_endpoint.sensitive).toBe(true);
    expect(outputs.cluster_ca_certificate.sensitive).toBe(true);
    expect(Object.keys(outputs).filter((o) => /password|secret|auth_string/.test(o))).toEqual([]);
  });

  test.each(["staging", "production"])("%s runs the new platform and the blue-green API in the new-platform namespace", (env) => {
    const tf = json[env];
    const namespaces = resourcesOf(tf, "kubernetes_namespace_v1") as { metadata: { name: string } }[];
    expect(namespaces.map((n) => n.metadata.name)).toEqual(["new-platform"]);
    const deployments = resourcesOf(tf, "kubernetes_deployment_v1") as { metadata: { name: string; namespace: string } }[];
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["api-blue", "api-green", "tandem-api-gateway", "tandem-router", "tandem-web", "tandem-websocket"]);
    for (const d of deployments) expect(d.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.platform_k8s_namespace_\w+\.metadata\[0\]\.name\}$|^new-platform$/);
  });

  test("dev runs the new platform's containers next to legacy, never on a legacy port", () => {
    const containers = resourcesOf(json.dev, "docker_container") as { name: string; ports: { external: number }[] }[];
    expect(containers.map((c) => c.name.replace(/-[0-9a-f]{12}$/, "-<hash>")).sort()).toEqual([
      "tandem-api-gateway",
      "tandem-coordinator",
      "tandem-graphql",
      "tandem-prometheus",
      "tandem-redis-new",
      "tandem-router",
      "tandem-router-config-<hash>",
      "tandem-web",
      "tandem-websocket",
    ]);
    const ports = containers.flatMap((c) => (c.ports ?? []).map((p) => p.external));
    for (const legacyPort of [8000, 5432, 6379]) expect(ports).not.toContain(legacyPort);
  });

  test("dev reaches legacy NetBox at the port it listens on inside its container (8080), not the host's 8000", () => {
    const containers = resourcesOf(json.dev, "docker_container") as { name: string; env?: string[] }[];
    const gateway = containers.find((c) => c.name === "tandem-api-gateway")!;
    expect(gateway.env).toContain("LEGACY_URL=http://netbox-docker-netbox-1:8080");
    const writer = containers.find((c) => c.name.startsWith("tandem-router-config-"))!;
    expect(writer.env?.[0]).toContain('set $tandem_upstream "netbox-docker-netbox-1:8080";');
  });

  describe.each(["staging", "production"])("%s's front door", (env) => {
    const config = configs.find((c) => c.name === env)!;
    if (config.target !== "gcp") throw new Error(`${env} is not a cloud environment`);
    const tf = json[env];
    const hosts = publicHosts(config.legacy, config.platform.router);

    test("certifies exactly the environment's public hosts (legacy's and new.<domain>, its own domain), the same hosts the uptime checks probe over HTTPS", () => {
      const certified = resourcesOf(tf, "google_certificate_manager_certificate").flatMap((c) => (c.managed as { domains: string[] }).domains);
      expect(certified.sort()).toEqual([hosts.legacy, hosts.new].sort());
      expect(hosts.new).toBe(`new.${config.platform.router.domain}`);
      const checks = resourcesOf(tf, "google_monitoring_uptime_check_config") as { monitored_resource: { labels: { host: string } }; http_check: { port: number; use_ssl: boolean; validate_ssl: boolean } }[];
      expect(checks.map((c) => c.monitored_resource.labels.host).sort()).toEqual(certified.sort());
      for (const c of checks) expect(c.http_check).toMatchObject({ port: 443, use_ssl: true, validate_ssl: true });
    });

    test("the router's Service is the front door's backend: NodePort = named port = health check port = firewall port, ClusterIP 80 kept", () => {
      const nodePort = config.frontDoor!.nodePort;
      const router = (resourcesOf(tf, "kubernetes_service_v1") as { metadata: { name: string }; spec: Record<string, unknown> }[]).find((s) => s.metadata.name === "tandem-router")!;
      expect(router.spec).toMatchObject({ type: "NodePort", external_traffic_policy: "Local", port: [{ port: 80, node_port: nodePort }] });
      expect(new Set(resourcesOf(tf, "google_compute_instance_group_named_port").map((n) => n.port))).toEqual(new Set([nodePort]));
      expect(resourcesOf(tf, "google_compute_instance_group_named_port")).toHaveLength(config.gke.nodeLocations!.length * Object.keys(config.gke.nodePools).length);
      expect((onlyResource(tf, "google_compute_health_check").http_health_check as { port: number }).port).toBe(nodePort);
      const firewall = resourcesOf(tf, "google_compute_firewall").find((f) => f.name === `${config.frontDoor!.name}-to-nodes`)!;
      expect(firewall.allow).toEqual([{ protocol: "tcp", ports: [String(nodePort)] }]);
    });

    test("the router believes X-Forwarded-For / -Proto from Google's front ends and the front door's own address only, and forwards the scheme they received", () => {
      const map = resourcesOf(tf, "kubernetes_config_map_v1").find((c) => (c.data as Record<string, string>)["nginx.conf"])!;
      const data = map.data as Record<string, string>;
      expect(data["nginx.conf"]).toContain("  set_real_ip_from 35.191.0.0/16;\n  set_real_ip_from 130.211.0.0/22;\n  include /etc/nginx/tandem/*.conf;\n  real_ip_header X-Forwarded-For;\n  real_ip_recursive on;\n");
      expect(data["nginx.conf"]).toContain('"1:https" https;');
      expect(data["trusted-proxies.conf"]).toMatch(/^set_real_ip_from \$\{google_compute_global_address\.front-door_address_\w+\.address\};\n$/);
    });

    test("publishes the front door's address and, per host, the DNS authorization record to create", () => {
      const outputs = tf.output!;
      expect(outputs.front_door_address.value).toMatch(/^\$\{google_compute_global_address\.front-door_address_\w+\.address\}$/);
      const records = outputs.front_door_dns_authorizations.value as Record<string, { name: string; type: string; data: string }>;
      expect(Object.keys(records).sort()).toEqual([hosts.legacy, hosts.new].sort());
      for (const r of Object.values(records)) {
        expect(r.name).toMatch(/dns_resource_record\[0\]\.name\}$/);
        expect(r.type).toMatch(/dns_resource_record\[0\]\.type\}$/);
        expect(r.data).toMatch(/dns_resource_record\[0\]\.data\}$/);
      }
    });
  });

  test("no stack uses kubernetes_manifest", () => {
    for (const tf of Object.values(json)) expect(tf.resource?.kubernetes_manifest).toBeUndefined();
  });
});
