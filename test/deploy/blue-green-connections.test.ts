/**
 * BlueGreenService.connectsTo: the workload side of connections by intent. What it connects to says what that takes;
 * the service gets exactly that on its NetworkPolicy, its colours' environment and its Google identity.
 */
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TerraformStack } from "cdktf";
import { Memorystore } from "../../src/cache";
import { CloudSqlDb, CloudSqlDbProps } from "../../src/database";
import { BlueGreenService, BlueGreenServiceProps } from "../../src/deploy";
import { GkeCluster } from "../../src/gke";
import { Network, PRIVATE_GOOGLE_APIS_CIDR } from "../../src/network";
import { googleStack, resourcesOf, synth, TerraformJson } from "../helpers";
import { testNetwork } from "../network/fixtures";

type Rule = { to: { ip_block?: { cidr: string; except?: string[] } }[]; ports: { port: string; protocol: string }[] };
type Env = { name: string; value?: string; value_from?: { secret_key_ref: { name: string; key: string } } };
type Deployment = { metadata: { name: string }; spec: { template: { spec: { container: { env: Env[] }[] } } } };

function parts(db: Partial<CloudSqlDbProps> = {}) {
  const { stack } = googleStack();
  new KubernetesProvider(stack, "k8s", {});
  const network = testNetwork(stack);
  const database = new CloudSqlDb(stack, "db", { project: "p-test", region: "europe-west1", name: "pg", network, privateServiceRange: network.privateServiceRanges.sql.name, tier: "db-custom-2-7680", diskSizeGb: 20, highAvailability: false, deletionProtection: true, maintenanceWindow: { day: "SUNDAY", hourUtc: 4 }, databases: ["platform"], ...db });
  const cache = new Memorystore(stack, "cache", { project: "p-test", region: "europe-west1", name: "redis", network, privateServiceRange: network.privateServiceRanges.redis.name, tier: "STANDARD_HA", memorySizeGb: 5, maintenanceWindow: { day: "SUNDAY", hourUtc: 5 } });
  return { stack, network, database, cache };
}

const props = (over: Partial<BlueGreenServiceProps> = {}): BlueGreenServiceProps => ({ name: "api", namespace: "new-platform", project: "p-test", blue: { image: "example/api:1.4.0" }, green: { image: "example/api:1.5.0" }, activeColor: "blue", containerPort: 8080, ...over });

/** The policy's ipBlock rules as [cidr, ports] (DNS left out). */
const ipRules = (json: TerraformJson) =>
  ((resourcesOf(json, "kubernetes_network_policy_v1")[0] as { spec: { egress: Rule[] } }).spec.egress)
    .filter((r) => r.to[0].ip_block)
    .map((r) => [r.to[0].ip_block!.cidr, r.ports.map((p) => `${p.port}/${p.protocol}`)]);
const envOf = (json: TerraformJson, name: string) => (resourcesOf(json, "kubernetes_deployment_v1") as Deployment[]).find((d) => d.metadata.name === name)!.spec.template.spec.container[0].env;
const DB_IP = expect.stringMatching(/^\$\{google_sql_database_instance\.db_[0-9A-F]+\.private_ip_address\}\/32$/);
const CACHE_HOST = expect.stringMatching(/^\$\{google_redis_instance\.cache_[0-9A-F]+\.host\}\/32$/);

describe("BlueGreenService.connectsTo", () => {
  test("egress is exactly what the connections take: the connector port, the metadata server, Google APIs, the cache's TLS port", () => {
    const { stack, database, cache } = parts();
    new BlueGreenService(stack, "bg", props()).connectsTo(database, cache);
    expect(ipRules(synth(stack))).toEqual([
      [DB_IP, ["3307/TCP"]],
      ["169.254.169.254/32", ["80/TCP"]],
      ["169.254.169.252/32", ["988/TCP"]],
      [PRIVATE_GOOGLE_APIS_CIDR, ["443/TCP"]],
      [CACHE_HOST, ["6378/TCP"]],
    ]);
  });

  test("without client certificates the database is 5432 and not 3307", () => {
    const { stack, database } = parts({ requireClientCertificates: false });
    new BlueGreenService(stack, "bg", props()).connectsTo(database);
    expect(ipRules(synth(stack))[0]).toEqual([DB_IP, ["5432/TCP"]]);
  });

  test("the cache alone needs no Google identity: no metadata server, no Google APIs", () => {
    const { stack, cache } = parts();
    new BlueGreenService(stack, "bg", props()).connectsTo(cache);
    expect(ipRules(synth(stack))).toEqual([[CACHE_HOST, ["6378/TCP"]]]);
  });

  test("nothing connected: DNS only", () => {
    const { stack } = parts();
    new BlueGreenService(stack, "bg", props());
    expect(ipRules(synth(stack))).toEqual([]);
  });

  test("the hand-written egress escape hatch stays next to the connections", () => {
    const { stack, cache } = parts();
    new BlueGreenService(stack, "bg", props({ egress: [{ cidr: "203.0.113.0/24", ports: [443] }] })).connectsTo(cache);
    expect(ipRules(synth(stack))).toEqual([["203.0.113.0/24", ["443/TCP"]], [CACHE_HOST, ["6378/TCP"]]]);
  });

  test("settings in both colours' environment, sorted; the AUTH string from the service's own Kubernetes Secret", () => {
    const { stack, database, cache } = parts();
    new BlueGreenService(stack, "bg", props()).connectsTo(database, cache);
    const json = synth(stack);
    for (const name of ["api-blue", "api-green"]) {
      const env = envOf(json, name);
      expect(env.map((e) => e.name)).toEqual(["PORT", "TANDEM_COLOR", "DB_HOST", "DB_IAM_AUTH", "DB_INSTANCE_CONNECTION_NAME", "DB_NAME", "DB_PORT", "DB_USER", "REDIS_CA_CERT", "REDIS_HOST", "REDIS_PORT", "REDIS_TLS", "REDIS_AUTH"]);
      expect(env.find((e) => e.name === "DB_PORT")!.value).toBe("3307");
      expect(env.find((e) => e.name === "REDIS_AUTH")).toEqual({ name: "REDIS_AUTH", value_from: { secret_key_ref: { name: expect.stringMatching(/^\$\{kubernetes_secret_v1\.bg_connection-secrets_\w+\.metadata\[0\]\.name\}$/), key: "REDIS_AUTH" } } });
    }
    const [secret] = resourcesOf(json, "kubernetes_secret_v1") as { metadata: { name: string; namespace: string }; data: Record<string, string> }[];
    expect(secret.metadata).toMatchObject({ name: "api-connections", namespace: "new-platform" });
    expect(secret.data).toEqual({ REDIS_AUTH: expect.stringMatching(/^\$\{google_redis_instance\.cache_[0-9A-F]+\.auth_string\}$/) });
  });

  test("no secret settings, no Kubernetes Secret", () => {
    const { stack, database } = parts();
    new BlueGreenService(stack, "bg", props()).connectsTo(database);
    expect(resourcesOf(synth(stack), "kubernetes_secret_v1")).toEqual([]);
  });

  test("IAM from the database's connect, for the service's own Google service account: client, instance user, IAM database user", () => {
    const { stack, database } = parts();
    new BlueGreenService(stack, "bg", props()).connectsTo(database);
    const json = synth(stack);
    expect(resourcesOf(json, "google_project_iam_member").map((g) => [g.role, g.member])).toEqual([
      ["roles/cloudsql.client", expect.stringMatching(/^\$\{google_service_account\.bg_gsa_\w+\.member\}$/)],
      ["roles/cloudsql.instanceUser", expect.stringMatching(/^\$\{google_service_account\.bg_gsa_\w+\.member\}$/)],
    ]);
    expect(resourcesOf(json, "google_sql_user")).toEqual([expect.objectContaining({ type: "CLOUD_IAM_SERVICE_ACCOUNT" })]);
  });

  test("the connections prop is the same as connectsTo, and connecting twice changes nothing", () => {
    const a = parts();
    new BlueGreenService(a.stack, "bg", props({ connections: [a.database, a.cache] }));
    const b = parts();
    const bg = new BlueGreenService(b.stack, "bg", props());
    bg.connectsTo(b.database);
    bg.connectsTo(b.cache, b.database);
    expect(synth(b.stack)).toEqual(synth(a.stack));
  });

  test("two settings of the same name from two targets fail, naming both", () => {
    const { stack, network, cache } = parts();
    const other = new Memorystore(stack, "cache2", { project: "p-test", region: "europe-west1", name: "redis2", network: network as Network, privateServiceRange: network.privateServiceRanges.redis.name, tier: "BASIC", memorySizeGb: 1, maintenanceWindow: { day: "SUNDAY", hourUtc: 5 } });
    expect(() => new BlueGreenService(stack, "bg", props()).connectsTo(cache, other)).toThrow(/REDIS_HOST is set by both Memorystore redis and Memorystore redis2/);
  });
});

describe("Workload Identity pool", () => {
  const member = (stack: TerraformStack) => resourcesOf(synth(stack), "google_service_account_iam_member")[0].member;

  test("a cluster in another project: the binding is in that cluster's pool, the service account stays in the service's project", () => {
    const { stack, network } = parts();
    const cluster = new GkeCluster(stack, "gke", { project: "team-cluster", region: "europe-west1", name: "gke", network, masterCidr: "172.16.0.0/28", deletionProtection: true, maintenanceWindow: { startTimeUtc: "02:00" }, nodePools: { general: { machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3 } }, binaryAuthorization: false });
    const bg = new BlueGreenService(stack, "bg", props({ workloadIdentityPool: cluster.workloadPool }));
    expect(member(stack)).toBe("serviceAccount:team-cluster.svc.id.goog[new-platform/api]");
    expect(bg.googleServiceAccount.projectInput).toBe("p-test");
  });

  test("without a pool: the service's project's", () => {
    const { stack } = parts();
    new BlueGreenService(stack, "bg", props());
    expect(member(stack)).toBe("serviceAccount:p-test.svc.id.goog[new-platform/api]");
  });
});
