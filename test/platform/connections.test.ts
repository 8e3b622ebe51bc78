/**
 * The platform's services connect by intent (`PlatformTarget.connections`): each gets the egress, IAM and settings
 * of what it uses and nothing else; only a service whose connections use a Google identity gets one.
 */
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Memorystore } from "../../src/cache";
import { IConnectable } from "../../src/connections";
import { CloudSqlDb } from "../../src/database";
import { PRIVATE_GOOGLE_APIS_CIDR } from "../../src/network";
import { ParallelPlatform, WorkloadIdentity } from "../../src/platform";
import { googleStack, resourcesOf, synth, TerraformJson } from "../helpers";
import { testNetwork } from "../network/fixtures";

type Rule = { to?: { ip_block?: { cidr: string } }[]; ports?: { port: string; protocol: string }[] };
type Policy = { metadata: { name: string }; spec: { egress?: Rule[] } };
type Deployment = { metadata: { name: string }; spec: { template: { spec: { service_account_name?: string; automount_service_account_token: boolean; container: { env: { name: string; value?: string; value_from?: unknown }[] }[] } } } };

const POOL: WorkloadIdentity = { project: "p-test", pool: "p-cluster.svc.id.goog" };

function build(connect: (parts: { db: CloudSqlDb; cache: Memorystore }) => Record<string, IConnectable[]>, withIdentity = true) {
  const { stack } = googleStack();
  new KubernetesProvider(stack, "k8s", {});
  const network = testNetwork(stack);
  const db = new CloudSqlDb(stack, "db", { project: "p-test", region: "europe-west1", name: "pg", network, privateServiceRange: network.privateServiceRanges.sql.name, tier: "db-custom-2-7680", diskSizeGb: 20, highAvailability: false, deletionProtection: true, maintenanceWindow: { day: "SUNDAY", hourUtc: 4 }, databases: ["platform"] });
  const cache = new Memorystore(stack, "cache", { project: "p-test", region: "europe-west1", name: "redis", network, privateServiceRange: network.privateServiceRanges.redis.name, tier: "BASIC", memorySizeGb: 1, maintenanceWindow: { day: "SUNDAY", hourUtc: 5 } });
  new ParallelPlatform(stack, "platform", {
    name: "tandem",
    legacy: { name: "netbox", baseUrl: "https://app.example.com", reservedPorts: { web: 8000 }, upstream: "legacy-origin.example.com:443" },
    services: {
      web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true },
      api: { image: "example/api:1.0.0", category: "backend", containerPort: 9000 },
    },
    ports: { strategy: "blocks" },
    router: { domain: "example.com", phase: "path" },
    target: { kind: "kubernetes", connections: connect({ db, cache }), workloadIdentity: withIdentity ? POOL : undefined },
  });
  return synth(stack);
}

const ipRules = (json: TerraformJson, name: string) =>
  ((resourcesOf(json, "kubernetes_network_policy_v1") as Policy[]).find((p) => p.metadata.name === name)!.spec.egress ?? [])
    .filter((r) => r.to?.[0]?.ip_block)
    .map((r) => [r.to![0].ip_block!.cidr, (r.ports ?? []).map((p) => p.port)]);
const pod = (json: TerraformJson, name: string) => (resourcesOf(json, "kubernetes_deployment_v1") as Deployment[]).find((d) => d.metadata.name === name)!.spec.template.spec;

describe("platform services connect by intent", () => {
  test("a service using the database: the connector port, the metadata server and Google APIs; the others get nothing of it", () => {
    const json = build(({ db }) => ({ api: [db] }));
    expect(ipRules(json, "tandem-api")).toEqual([
      [expect.stringMatching(/^\$\{google_sql_database_instance\.db_\w+\.private_ip_address\}\/32$/), ["3307"]],
      ["169.254.169.254/32", ["80"]],
      ["169.254.169.252/32", ["988"]],
      [PRIVATE_GOOGLE_APIS_CIDR, ["443"]],
    ]);
    expect(ipRules(json, "tandem-web")).toEqual([]);
  });

  test("it gets its own Google service account, a Kubernetes service account bound in the cluster's pool, and the database's IAM", () => {
    const json = build(({ db }) => ({ api: [db] }));
    expect(resourcesOf(json, "google_service_account")).toEqual([expect.objectContaining({ account_id: "tandem-api-wl", project: "p-test" })]);
    expect(resourcesOf(json, "kubernetes_service_account_v1")).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ name: "tandem-api", annotations: { "iam.gke.io/gcp-service-account": expect.stringMatching(/^\$\{google_service_account\.platform_k8s_gsa-api_\w+\.email\}$/) } }), automount_service_account_token: false }),
    ]);
    expect(resourcesOf(json, "google_service_account_iam_member")).toEqual([expect.objectContaining({ role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p-cluster.svc.id.goog[new-platform/tandem-api]" })]);
    expect(resourcesOf(json, "google_project_iam_member").map((g) => g.role)).toEqual(["roles/cloudsql.client", "roles/cloudsql.instanceUser"]);
    expect(pod(json, "tandem-api").service_account_name).toMatch(/^\$\{kubernetes_service_account_v1\.platform_k8s_ksa-api_\w+\.metadata\[0\]\.name\}$/);
    expect(pod(json, "tandem-api").automount_service_account_token).toBe(false);
    expect(pod(json, "tandem-web").service_account_name).toBeUndefined();
  });

  test("the cache alone needs no Google identity: its TLS port, settings inline, the AUTH string from a Secret; no service account", () => {
    const json = build(({ cache }) => ({ api: [cache] }));
    expect(ipRules(json, "tandem-api")).toEqual([[expect.stringMatching(/^\$\{google_redis_instance\.cache_\w+\.host\}\/32$/), ["6378"]]]);
    expect(resourcesOf(json, "google_service_account")).toEqual([]);
    expect(resourcesOf(json, "kubernetes_service_account_v1")).toEqual([]);
    const env = pod(json, "tandem-api").container[0].env;
    expect(env.map((e) => e.name)).toEqual(["PORT", "REDIS_CA_CERT", "REDIS_HOST", "REDIS_PORT", "REDIS_TLS", "REDIS_AUTH"]);
    expect(env.at(-1)!.value_from).toEqual({ secret_key_ref: { name: expect.stringMatching(/^\$\{kubernetes_secret_v1\.platform_k8s_connections-api_\w+\.metadata\[0\]\.name\}$/), key: "REDIS_AUTH" } });
    expect(resourcesOf(json, "kubernetes_secret_v1")).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: "tandem-api-connections" }), data: { REDIS_AUTH: expect.stringMatching(/auth_string\}$/) } })]);
  });

  test("a connection that uses a Google identity without workloadIdentity fails, saying what to pass", () => {
    expect(() => build(({ db }) => ({ api: [db] }), false)).toThrow(/service "api" connects to Cloud SQL pg, which uses a Google identity; pass target\.workloadIdentity/);
  });

  test("a connection for a service that does not exist fails, naming the services", () => {
    expect(() => build(({ cache }) => ({ apii: [cache] }))).toThrow(/connections name "apii", which is no service of the platform \(web, api\)/);
  });
});
