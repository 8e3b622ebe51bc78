/**
 * What each thing a workload connects to says it takes: egress, IAM and settings, derived from the construct.
 */
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Memorystore } from "../../src/cache";
import { ConnectionClient, mergeSettings, resolveConnections, SecretAccess, withEnvPrefix } from "../../src/connections";
import { CloudSqlDb, CloudSqlDbProps } from "../../src/database";
import { Network, PRIVATE_GOOGLE_APIS_CIDR } from "../../src/network";
import { googleStack, resourcesOf, synth, TerraformJson } from "../helpers";
import { testNetwork } from "../network/fixtures";

function parts(stack: TerraformStack, dbOverrides: Partial<CloudSqlDbProps> = {}, network: Network = testNetwork(stack)) {
  const db = new CloudSqlDb(stack, "db", {
    project: "p-test",
    region: "europe-west1",
    name: "pg",
    network,
    privateServiceRange: network.privateServiceRanges.sql.name,
    tier: "db-custom-2-7680",
    diskSizeGb: 20,
    highAvailability: false,
    deletionProtection: true,
    maintenanceWindow: { day: "SUNDAY", hourUtc: 4 },
    databases: ["platform"],
    ...dbOverrides,
  });
  const cache = new Memorystore(stack, "cache", { project: "p-test", region: "europe-west1", name: "redis", network, privateServiceRange: network.privateServiceRanges.redis.name, tier: "STANDARD_HA", memorySizeGb: 5, readReplicas: 1, maintenanceWindow: { day: "SUNDAY", hourUtc: 5 } });
  const client: ConnectionClient = { name: "api", serviceAccount: new ServiceAccount(stack, "api-sa", { project: "p-test", accountId: "api-workload" }) };
  return { db, cache, client, network };
}

/** Resolves a token-bearing value through a stack output, as Terraform will see it. */
let probes = 0;
function resolved(stack: TerraformStack, value: unknown): unknown {
  const id = `probe${probes++}`;
  new TerraformOutput(stack, id, { value });
  return (synth(stack) as TerraformJson).output![id].value;
}

describe("CloudSqlDb.connect", () => {
  test("client certificates required: the connector port 3307 to the instance's own IP, and Google APIs for the Admin API", () => {
    const { stack } = googleStack();
    const { db, client } = parts(stack);
    const all = resolveConnections(client, [db]);
    expect(all.map((c) => c.target.connectableName)).toEqual(["Cloud SQL pg", "Google APIs"]);
    const egress = all.flatMap((c) => c.connection.egress).map((e) => [resolved(stack, e.cidr), e.ports]);
    expect(egress).toEqual([
      [expect.stringMatching(/^\$\{google_sql_database_instance\.db_[0-9A-F]+\.private_ip_address\}\/32$/), [3307]],
      ["169.254.169.254/32", [80]],
      ["169.254.169.252/32", [988]],
      [PRIVATE_GOOGLE_APIS_CIDR, [443]],
    ]);
  });

  test("without client certificates: 5432", () => {
    const { stack } = googleStack();
    const { db, client } = parts(stack, { requireClientCertificates: false });
    expect(db.connect(client).egress.map((e) => e.ports)).toEqual([[5432]]);
    expect(db.connect(client).config.DB_PORT).toBe("5432");
  });

  test("IAM: client and instance user on this instance only, and the workload's identity as an IAM database user; once per client", () => {
    const { stack } = googleStack();
    const { db, client } = parts(stack);
    db.connect(client);
    db.connect(client);
    const json = synth(stack);
    const grants = resourcesOf(json, "google_project_iam_member");
    expect(grants.map((g) => [g.role, g.member, (g.condition as { expression: string }).expression])).toEqual([
      ["roles/cloudsql.client", "${google_service_account.api-sa.member}", 'resource.name == "projects/p-test/instances/pg"'],
      ["roles/cloudsql.instanceUser", "${google_service_account.api-sa.member}", 'resource.name == "projects/p-test/instances/pg"'],
    ]);
    const users = resourcesOf(json, "google_sql_user");
    expect(users).toEqual([expect.objectContaining({ type: "CLOUD_IAM_SERVICE_ACCOUNT", name: '${trimsuffix(google_service_account.api-sa.email, ".gserviceaccount.com")}' })]);
  });

  test("settings: connection name, private IP, port, IAM user, database; no password anywhere", () => {
    const { stack } = googleStack();
    const { db, client } = parts(stack);
    const c = db.connect(client);
    expect(Object.keys(c.config).sort()).toEqual(["DB_HOST", "DB_IAM_AUTH", "DB_INSTANCE_CONNECTION_NAME", "DB_NAME", "DB_PORT", "DB_USER"]);
    expect([c.config.DB_NAME, c.config.DB_IAM_AUTH, c.config.DB_PORT]).toEqual(["platform", "true", "3307"]);
    expect(resolved(stack, c.config.DB_INSTANCE_CONNECTION_NAME)).toMatch(/^\$\{google_sql_database_instance\.db_[0-9A-F]+\.connection_name\}$/);
    expect(c.secrets).toEqual({});
  });

  test("a database on a network from attributes reaches Google APIs over the internet, private ranges and metadata excepted", () => {
    const { stack } = googleStack();
    const { client } = parts(stack);
    const db = new CloudSqlDb(stack, "other-db", { project: "p-test", region: "europe-west1", name: "pg2", network: Network.fromAttributes({ networkId: "projects/p/global/networks/n" }), privateServiceRange: "psa", tier: "db-custom-2-7680", diskSizeGb: 20, highAvailability: false, deletionProtection: true, maintenanceWindow: { day: "SUNDAY", hourUtc: 4 }, databases: ["x"] });
    const apis = resolveConnections(client, [db])[1].connection.egress.find((e) => e.ports.includes(443))!;
    expect(apis).toMatchObject({ cidr: "0.0.0.0/0", except: expect.arrayContaining(["10.0.0.0/8", "169.254.0.0/16"]) });
  });
});

describe("Memorystore.connect", () => {
  test("the TLS port to the primary and the read endpoint; host, CA and the AUTH string as a secret", () => {
    const { stack } = googleStack();
    const { cache, client } = parts(stack);
    const c = cache.connect(client);
    expect(c.egress.map((e) => [resolved(stack, e.cidr), e.ports])).toEqual([
      [expect.stringMatching(/^\$\{google_redis_instance\.cache_[0-9A-F]+\.host\}\/32$/), [6378]],
      [expect.stringMatching(/^\$\{google_redis_instance\.cache_[0-9A-F]+\.read_endpoint\}\/32$/), [6378]],
    ]);
    expect(Object.keys(c.config).sort()).toEqual(["REDIS_CA_CERT", "REDIS_HOST", "REDIS_PORT", "REDIS_READ_HOST", "REDIS_TLS"]);
    expect(resolved(stack, c.config.REDIS_CA_CERT)).toMatch(/^\$\{google_redis_instance\.cache_[0-9A-F]+\.server_ca_certs\[0\]\.cert\}$/);
    expect(resolved(stack, c.secrets.REDIS_AUTH)).toMatch(/^\$\{google_redis_instance\.cache_[0-9A-F]+\.auth_string\}$/);
    expect(resourcesOf(synth(stack), "google_project_iam_member")).toEqual([]);
  });
});

describe("Google APIs and secrets", () => {
  test("Private Google Access: a private googleapis.com zone on the VPC, private.googleapis.com's four addresses, a route", () => {
    const { stack } = googleStack();
    testNetwork(stack);
    const json = synth(stack);
    expect(resourcesOf(json, "google_dns_managed_zone")).toEqual([expect.objectContaining({ name: "vpc-googleapis", dns_name: "googleapis.com.", visibility: "private", private_visibility_config: { networks: [{ network_url: expect.stringMatching(/^\$\{google_compute_network\.network_[0-9A-F]+\.id\}$/) }] } })]);
    expect(resourcesOf(json, "google_dns_record_set").map((r) => [r.name, r.type, r.rrdatas])).toEqual([
      ["private.googleapis.com.", "A", ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]],
      ["*.googleapis.com.", "CNAME", ["private.googleapis.com."]],
    ]);
    expect(resourcesOf(json, "google_compute_route")).toEqual([expect.objectContaining({ dest_range: "199.36.153.8/30", next_hop_gateway: "default-internet-gateway" })]);
  });

  test("privateGoogleApis off: no zone, and Google APIs egress is 443 outside private ranges", () => {
    const { stack } = googleStack();
    const network = testNetwork(stack, { privateGoogleApis: false });
    expect(resourcesOf(synth(stack), "google_dns_managed_zone")).toEqual([]);
    expect(network.googleApis.connect().egress.at(-1)).toMatchObject({ cidr: "0.0.0.0/0", ports: [443] });
  });

  test("a secret: accessor on that secret only, its latest version named in the settings, Google APIs required", () => {
    const { stack } = googleStack();
    const { client, network } = parts(stack);
    const secret = new SecretManagerSecret(stack, "key", { secretId: "payment-key", replication: { auto: {} } });
    const access = new SecretAccess(stack, "payment-key-access", { secret, env: "payment-key", googleApis: network.googleApis });
    const all = resolveConnections(client, [access]);
    expect(all.map((c) => c.target.connectableName)).toEqual(["secret payment-key", "Google APIs"]);
    expect(resolved(stack, all[0].connection.config.PAYMENT_KEY_SECRET)).toBe("${google_secret_manager_secret.key.id}/versions/latest");
    expect(resourcesOf(synth(stack), "google_secret_manager_secret_iam_member")).toEqual([expect.objectContaining({ role: "roles/secretmanager.secretAccessor", member: "${google_service_account.api-sa.member}", secret_id: "${google_secret_manager_secret.key.id}" })]);
  });

  test("two databases: the same setting twice is an error naming both; a prefix keeps them apart", () => {
    const { stack } = googleStack();
    const { db, client, network } = parts(stack);
    const other = new CloudSqlDb(stack, "db2", { project: "p-test", region: "europe-west1", name: "pg2", network, privateServiceRange: network.privateServiceRanges.sql.name, tier: "db-custom-2-7680", diskSizeGb: 20, highAvailability: false, deletionProtection: true, maintenanceWindow: { day: "SUNDAY", hourUtc: 4 }, databases: ["orders"] });
    const settings = (targets: Parameters<typeof resolveConnections>[1]) => mergeSettings(resolveConnections(client, targets).map((c) => ({ from: c.target.connectableName, values: c.connection.config })));
    expect(() => settings([db, other])).toThrow(/DB_INSTANCE_CONNECTION_NAME is set by both Cloud SQL pg and Cloud SQL pg2; give one of the connections a prefix/);
    expect(Object.keys(settings([db, withEnvPrefix(other, "orders")]))).toEqual(expect.arrayContaining(["DB_NAME", "ORDERS_DB_NAME"]));
  });
});
