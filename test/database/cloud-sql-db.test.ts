import { TerraformStack } from "cdktf";
import { CloudSqlDb, CloudSqlDbProps } from "../../src/database";
import { Network } from "../../src/network";
import { googleStack, onlyResource, resourcesOf, synth, TerraformJson } from "../helpers";
import { testNetwork } from "../network/fixtures";

function db(stack: TerraformStack, overrides: Partial<CloudSqlDbProps> = {}): CloudSqlDb {
  const network = testNetwork(stack);
  return new CloudSqlDb(stack, "db", {
    project: "p-test",
    region: "europe-west1",
    name: "pg",
    network,
    privateServiceRange: network.privateServiceRanges.sql.name,
    tier: "db-custom-4-16384",
    diskSizeGb: 100,
    highAvailability: true,
    deletionProtection: true,
    maintenanceWindow: { day: "SUNDAY", hourUtc: 4 },
    databases: ["platform"],
    users: { app: { type: "built-in" } },
    ...overrides,
  });
}

function primary(json: TerraformJson): Record<string, unknown> & { settings: Record<string, unknown> } {
  const instances = resourcesOf(json, "google_sql_database_instance").filter((i) => i.master_instance_name === undefined);
  expect(instances).toHaveLength(1);
  return instances[0] as Record<string, unknown> & { settings: Record<string, unknown> };
}

describe("CloudSqlDb", () => {
  test.each([
    [undefined, "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"],
    [false, "ENCRYPTED_ONLY"],
  ])("TLS is always enforced; client certificates unless requireClientCertificates is %s", (requireClientCertificates, mode) => {
    const { stack } = googleStack();
    db(stack, { requireClientCertificates });
    expect((primary(synth(stack)).settings.ip_configuration as Record<string, unknown>).ssl_mode).toBe(mode);
  });

  test("private IP only, on our VPC", () => {
    const { stack } = googleStack();
    db(stack);
    expect(primary(synth(stack)).settings.ip_configuration).toMatchObject({
      ipv4_enabled: false,
      private_network: "${google_compute_network.network_39EEAA36.id}",
      allocated_ip_range: "vpc-psa-sql",
    });
  });

  test("backups daily at 03:00 UTC, 30 kept, point-in-time recovery", () => {
    const { stack } = googleStack();
    db(stack);
    expect(primary(synth(stack)).settings.backup_configuration).toEqual({
      enabled: true,
      start_time: "03:00",
      point_in_time_recovery_enabled: true,
      transaction_log_retention_days: 7,
      backup_retention_settings: { retained_backups: 30, retention_unit: "COUNT" },
    });
  });

  test.each([
    [true, "REGIONAL"],
    [false, "ZONAL"],
  ])("highAvailability %s gives %s", (ha, availability) => {
    const { stack } = googleStack();
    db(stack, { highAvailability: ha });
    expect(primary(synth(stack)).settings.availability_type).toBe(availability);
  });

  test.each([true, false])("deletion protection %s is set in Terraform and in the API", (on) => {
    const { stack } = googleStack();
    db(stack, { deletionProtection: on });
    const instance = primary(synth(stack));
    expect(instance.deletion_protection).toBe(on);
    expect(instance.settings.deletion_protection_enabled).toBe(on);
  });

  test("SSD with autoresize, Query Insights, maintenance window, ENTERPRISE edition", () => {
    const { stack } = googleStack();
    db(stack);
    expect(primary(synth(stack)).settings).toMatchObject({
      tier: "db-custom-4-16384",
      edition: "ENTERPRISE",
      disk_type: "PD_SSD",
      disk_size: 100,
      disk_autoresize: true,
      insights_config: { query_insights_enabled: true },
      maintenance_window: { day: 7, hour: 4 },
    });
  });

  test("CIS logging flags, IAM authentication and max_connections", () => {
    const { stack } = googleStack();
    db(stack, { maxConnections: 400 });
    const flags = Object.fromEntries((primary(synth(stack)).settings.database_flags as { name: string; value: string }[]).map((f) => [f.name, f.value]));
    expect(flags).toMatchObject({
      log_checkpoints: "on",
      log_connections: "on",
      log_disconnections: "on",
      log_duration: "on",
      log_lock_waits: "on",
      log_min_messages: "warning",
      log_temp_files: "0",
      log_min_duration_statement: "-1",
      "cloudsql.iam_authentication": "on",
      max_connections: "400",
    });
  });

  test("read replica follows the primary, without backups of its own", () => {
    const { stack } = googleStack();
    db(stack, { readReplica: true });
    const replicas = resourcesOf(synth(stack), "google_sql_database_instance").filter((i) => i.master_instance_name !== undefined);
    expect(replicas).toHaveLength(1);
    expect(replicas[0]).toMatchObject({ name: "pg-replica", settings: { backup_configuration: { enabled: false }, ip_configuration: { ipv4_enabled: false } } });
  });

  test("a disk grown by autoresize is not shrunk back by the next deploy (primary and replica)", () => {
    const { stack } = googleStack();
    db(stack, { readReplica: true });
    for (const instance of resourcesOf(synth(stack), "google_sql_database_instance")) {
      expect(instance.lifecycle).toEqual({ ignore_changes: ["settings[0].disk_size"] });
    }
  });

  test("databases and users wait for the replica (Cloud SQL runs one operation per instance at a time)", () => {
    const { stack } = googleStack();
    const made = db(stack, { readReplica: true, users: { app: { type: "built-in" }, svc: { type: "iam-service-account", serviceAccountEmail: "svc@p-test.iam.gserviceaccount.com" } } });
    const json = synth(stack);
    const replica = `google_sql_database_instance.${made.replica!.friendlyUniqueId}`;
    const waiting = [...resourcesOf(json, "google_sql_database"), ...resourcesOf(json, "google_sql_user")];
    expect(waiting).toHaveLength(3);
    for (const r of waiting) expect(r.depends_on).toEqual([replica]);
    const single = googleStack();
    db(single.stack);
    for (const r of resourcesOf(synth(single.stack), "google_sql_user")) expect(r.depends_on).toBeUndefined();
  });

  test("built-in user's password only flows into write-only attributes and Secret Manager", () => {
    const { stack } = googleStack();
    db(stack);
    const json = synth(stack);
    const user = onlyResource(json, "google_sql_user");
    expect(user).toMatchObject({ name: "app", type: "BUILT_IN", password_wo_version: 1 });
    expect(user.password).toBeUndefined();
    expect(user.password_wo).toMatch(/^\$\{local\.db_password-app_/);
    const version = onlyResource(json, "google_secret_manager_secret_version");
    expect(version.secret_data).toBeUndefined();
    expect(version.secret_data_wo).toBe(user.password_wo);
    expect(JSON.stringify(json.output ?? {})).not.toMatch(/password/);
  });

  test("IAM service-account users have no password at all", () => {
    const { stack } = googleStack();
    db(stack, { users: { api: { type: "iam-service-account", serviceAccountEmail: "api@p-test.iam.gserviceaccount.com" } } });
    const json = synth(stack);
    expect(onlyResource(json, "google_sql_user")).toMatchObject({ type: "CLOUD_IAM_SERVICE_ACCOUNT", name: '${trimsuffix("api@p-test.iam.gserviceaccount.com", ".gserviceaccount.com")}' });
    expect(resourcesOf(json, "google_secret_manager_secret")).toHaveLength(0);
  });

  test.each([
    [{ diskSizeGb: 5 }, /test\/db: invalid props:\n {2}- diskSizeGb = 5: must be a whole number 10-65536 \(Cloud SQL limits\)/],
    [{ backupRetentionDays: 0 }, /backupRetentionDays = 0: must be a whole number 1-365/],
    [{ transactionLogRetentionDays: 9 }, /transactionLogRetentionDays = 9: must be a whole number 1-7/],
    [{ databases: [] }, /databases = \[\]: must name at least one database/],
    [{ maintenanceWindow: { day: "SUNDAY" as const, hourUtc: 24 } }, /maintenanceWindow\.hourUtc = 24: must be a whole number 0-23/],
    [{ tier: "db-custom-3-1024" }, /tier = "db-custom-3-1024": is not a possible Cloud SQL machine: vCPUs must be 1 or an even number/],
  ])("bad props %j throw", (overrides, message) => {
    const { stack } = googleStack();
    expect(() => db(stack, overrides)).toThrow(message);
  });
});

describe("CloudSqlDb on a VPC owned by another stack", () => {
  test("takes a network reference by id and does not depend on a peering it cannot see", () => {
    const { stack } = googleStack();
    new CloudSqlDb(stack, "db", {
      project: "p-test",
      region: "europe-west1",
      name: "orders-pg",
      network: Network.fromAttributes({ networkId: "projects/p-test/global/networks/tandem-staging" }),
      privateServiceRange: "tandem-staging-psa-sql",
      tier: "db-custom-2-7680",
      diskSizeGb: 20,
      highAvailability: false,
      deletionProtection: true,
      maintenanceWindow: { day: "MONDAY", hourUtc: 3 },
      databases: ["orders"],
    });
    const instance = primary(synth(stack));
    expect((instance.settings.ip_configuration as Record<string, unknown>).private_network).toBe("projects/p-test/global/networks/tandem-staging");
    expect(instance.depends_on).toBeUndefined();
  });
});
