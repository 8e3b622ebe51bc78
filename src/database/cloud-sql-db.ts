import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { SqlDatabase } from "@cdktf/provider-google/lib/sql-database";
import { SqlDatabaseInstance, SqlDatabaseInstanceSettings } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { Fn, ITerraformDependable, TerraformLocal, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Connection, ConnectionClient, GOOGLE_APIS_OVER_INTERNET, IConnectable, PerClient } from "../connections/connection";
import { INetworkRef } from "../network/network";
import { withDefaults } from "../validation/defaults";
import { applyProblems } from "../validation/problem";
import { cloudSqlDbProblems } from "./rules";

/** Day names accepted for maintenance windows. */
export type Weekday = "MONDAY" | "TUESDAY" | "WEDNESDAY" | "THURSDAY" | "FRIDAY" | "SATURDAY" | "SUNDAY";

/** A weekly maintenance window in UTC. */
export interface MaintenanceWindow {
  readonly day: Weekday;
  readonly hourUtc: number;
}

/**
 * A database user. Keyed by user name in {@link CloudSqlDbOptions.users}.
 * - `iam-service-account`: logs in with IAM database authentication; no password exists anywhere.
 * - `built-in`: a PostgreSQL password generated at apply time, written to Cloud SQL and to Secret Manager
 *   through write-only attributes, so it is in neither the plan, the state nor any output.
 */
export type SqlUserSpec =
  | { readonly type: "iam-service-account"; readonly serviceAccountEmail: string }
  | {
      readonly type: "built-in";
      /**
       * Bump to rotate the password (write-only attributes are only re-sent when their version changes).
       * @default 1
       */
      readonly passwordVersion?: number;
    };

/** What a {@link CloudSqlDb} is made of; an environment's `database` section has exactly this shape. */
export interface CloudSqlDbOptions {
  /** Instance name (Cloud SQL does not reuse a name for a week after deletion). */
  readonly name: string;
  /** @default "POSTGRES_16" */
  readonly version?: "POSTGRES_15" | "POSTGRES_16" | "POSTGRES_17";
  /** Machine tier, e.g. `db-custom-4-16384`. */
  readonly tier: string;
  /** SSD size; grows automatically. */
  readonly diskSizeGb: number;
  /** REGIONAL (synchronous standby in a second zone) instead of ZONAL. */
  readonly highAvailability: boolean;
  /**
   * A read replica in the same region.
   * @default false
   */
  readonly readReplica?: boolean;
  /** Refuse deletion, both in Terraform and in the Cloud SQL API. */
  readonly deletionProtection: boolean;
  /** @default "03:00" */
  readonly backupStartTimeUtc?: string;
  /** @default 30 */
  readonly backupRetentionDays?: number;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
  /** @default 7 */
  readonly transactionLogRetentionDays?: number;
  readonly maintenanceWindow: MaintenanceWindow;
  /** Databases to create. */
  readonly databases: string[];
  /** @default {} */
  readonly users?: Record<string, SqlUserSpec>;
  /**
   * Require client certificates on top of TLS (the Cloud SQL Auth Proxy and connectors provide them).
   * `false` still enforces TLS (`ENCRYPTED_ONLY`) but lets plain TLS clients in.
   * @default true
   */
  readonly requireClientCertificates?: boolean;
  /**
   * The `max_connections` flag (explicit, so alerts can be a share of it).
   * @default 200
   */
  readonly maxConnections?: number;
}

/** Props for {@link CloudSqlDb}. */
export interface CloudSqlDbProps extends CloudSqlDbOptions {
  readonly project: string;
  readonly region: string;
  /** The VPC; the instance gets a private IP only, from `privateServiceRange`. */
  readonly network: INetworkRef;
  /** The private-service-access range name the instance's IP comes from (see `Network.privateServiceRanges`). */
  readonly privateServiceRange: string;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** The defaults of {@link CloudSqlDbOptions}, as documented there. */
export const CLOUD_SQL_DB_DEFAULTS = {
  version: "POSTGRES_16",
  readReplica: false,
  backupStartTimeUtc: "03:00",
  backupRetentionDays: 30,
  pointInTimeRecovery: true,
  transactionLogRetentionDays: 7,
  requireClientCertificates: true,
  maxConnections: 200,
} as const satisfies Partial<CloudSqlDbOptions>;

/** Write-only attributes (the passwords here) need Terraform 1.11; a stack with a CloudSqlDb says so. */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.11";

const WEEKDAY_NUMBER: Record<Weekday, number> = { MONDAY: 1, TUESDAY: 2, WEDNESDAY: 3, THURSDAY: 4, FRIDAY: 5, SATURDAY: 6, SUNDAY: 7 };

/** CIS PostgreSQL logging flags plus IAM authentication. */
export const CLOUD_SQL_POSTGRES_FLAGS: Record<string, string> = {
  "cloudsql.iam_authentication": "on",
  "cloudsql.enable_pgaudit": "on",
  "pgaudit.log": "ddl,role",
  log_checkpoints: "on",
  log_connections: "on",
  log_disconnections: "on",
  log_duration: "on",
  log_lock_waits: "on",
  log_hostname: "on",
  log_statement: "ddl",
  log_min_messages: "warning",
  log_min_error_statement: "error",
  log_min_duration_statement: "-1",
  log_temp_files: "0",
};

/**
 * Cloud SQL for PostgreSQL: private IP only, TLS enforced, daily backups with point-in-time recovery,
 * optional regional availability and read replica, CIS logging flags, Query Insights, a maintenance window,
 * disk autoresize, databases and users (passwords never in state or outputs).
 */
export class CloudSqlDb extends Construct implements IConnectable {
  /** The primary instance (escape hatch). */
  readonly resource: SqlDatabaseInstance;
  readonly replica?: SqlDatabaseInstance;
  readonly databases: Record<string, SqlDatabase>;
  readonly users: Record<string, SqlUser>;
  /** Secret Manager secret ids holding built-in users' passwords, by user name. */
  readonly passwordSecrets: Record<string, SecretManagerSecret>;
  readonly instanceName: string;
  /** The instances' names as written (primary, then the replica): for people, where a reference would not print. */
  readonly instanceNames: readonly string[];
  /** `project:region:instance`, for the Cloud SQL Auth Proxy and connectors. */
  readonly connectionName: string;
  readonly privateIpAddress: string;
  readonly maxConnections: number;
  readonly connectableName: string;
  private readonly connections = new PerClient();
  private readonly props: CloudSqlDbProps;
  private readonly afterReplica?: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: CloudSqlDbProps) {
    super(scope, id);
    applyProblems(this, cloudSqlDbProblems(props));
    TerraformStack.of(this).addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    const labels = props.labels ?? {};
    const o = withDefaults(CLOUD_SQL_DB_DEFAULTS, props);
    this.maxConnections = o.maxConnections;
    this.props = props;
    this.connectableName = `Cloud SQL ${props.name}`;

    const settings: SqlDatabaseInstanceSettings = {
      tier: props.tier,
      // POSTGRES_16+ defaults to ENTERPRISE_PLUS, which has no db-custom tiers.
      edition: "ENTERPRISE",
      availabilityType: props.highAvailability ? "REGIONAL" : "ZONAL",
      diskType: "PD_SSD",
      diskSize: props.diskSizeGb,
      diskAutoresize: true,
      diskAutoresizeLimit: 0,
      deletionProtectionEnabled: props.deletionProtection,
      ipConfiguration: {
        ipv4Enabled: false,
        privateNetwork: props.network.networkId,
        allocatedIpRange: props.privateServiceRange,
        // Client certificates: clients connect through the Cloud SQL Auth Proxy or a connector, which handle them.
        sslMode: !o.requireClientCertificates ? "ENCRYPTED_ONLY" : "TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
        enablePrivatePathForGoogleCloudServices: true,
      },
      backupConfiguration: {
        enabled: true,
        startTime: o.backupStartTimeUtc,
        pointInTimeRecoveryEnabled: o.pointInTimeRecovery,
        transactionLogRetentionDays: o.transactionLogRetentionDays,
        backupRetentionSettings: { retainedBackups: o.backupRetentionDays, retentionUnit: "COUNT" },
      },
      databaseFlags: Object.entries({ ...CLOUD_SQL_POSTGRES_FLAGS, max_connections: String(this.maxConnections) }).map(([name, value]) => ({ name, value })),
      insightsConfig: { queryInsightsEnabled: true, queryStringLength: 1024, recordApplicationTags: true, recordClientAddress: false },
      maintenanceWindow: { day: WEEKDAY_NUMBER[props.maintenanceWindow.day], hour: props.maintenanceWindow.hourUtc, updateTrack: "stable" },
      userLabels: labels,
    };

    this.resource = new SqlDatabaseInstance(this, "Resource", {
      project: props.project,
      region: props.region,
      name: props.name,
      databaseVersion: o.version,
      deletionProtection: props.deletionProtection,
      settings,
      // The private IP needs the service networking peering first.
      dependsOn: props.network.serviceNetworkingConnection ? [props.network.serviceNetworkingConnection] : undefined,
      // With autoresize the disk grows on its own; a later deploy must not try to shrink it back (it cannot).
      lifecycle: { ignoreChanges: ["settings[0].disk_size"] },
    });
    this.instanceName = this.resource.name;
    this.instanceNames = o.readReplica ? [props.name, replicaName(props.name)] : [props.name];
    this.connectionName = this.resource.connectionName;
    this.privateIpAddress = this.resource.privateIpAddress;

    if (o.readReplica) {
      this.replica = new SqlDatabaseInstance(this, "replica", {
        project: props.project,
        region: props.region,
        name: replicaName(props.name),
        databaseVersion: o.version,
        masterInstanceName: this.resource.name,
        deletionProtection: props.deletionProtection,
        replicaConfiguration: { failoverTarget: false },
        settings: {
          ...settings,
          availabilityType: "ZONAL",
          // Replicas take no backups of their own; the primary's cover them.
          backupConfiguration: { enabled: false },
        },
        lifecycle: { ignoreChanges: ["settings[0].disk_size"] },
      });
    }

    // Cloud SQL runs one operation at a time per instance: databases and users wait until the replica is made.
    const afterReplica = this.replica ? [this.replica] : undefined;
    this.afterReplica = afterReplica;
    this.databases = {};
    for (const db of props.databases) {
      this.databases[db] = new SqlDatabase(this, `db-${db}`, { project: props.project, instance: this.resource.name, name: db, dependsOn: afterReplica });
    }

    this.users = {};
    this.passwordSecrets = {};
    for (const [userName, spec] of Object.entries(props.users ?? {})) {
      if (spec.type === "iam-service-account") {
        this.users[userName] = new SqlUser(this, `user-${userName}`, {
          project: props.project,
          instance: this.resource.name,
          // Cloud SQL names IAM service-account users by the e-mail without the domain suffix.
          name: Fn.trimsuffix(spec.serviceAccountEmail, ".gserviceaccount.com"),
          type: "CLOUD_IAM_SERVICE_ACCOUNT",
          dependsOn: afterReplica,
        });
        continue;
      }
      const version = spec.passwordVersion ?? 1;
      // uuid() is evaluated once per run at apply time (122 random bits); the value only flows into write-only
      // attributes, so Terraform keeps it out of the plan and the state.
      const password = new TerraformLocal(this, `password-${userName}`, Fn.replace(Fn.uuid(), "-", ""));
      this.users[userName] = new SqlUser(this, `user-${userName}`, {
        project: props.project,
        instance: this.resource.name,
        name: userName,
        type: "BUILT_IN",
        passwordWo: password.asString,
        passwordWoVersion: version,
        dependsOn: afterReplica,
      });
      const secret = new SecretManagerSecret(this, `secret-${userName}`, {
        project: props.project,
        secretId: `${props.name}-${userName.replace(/_/g, "-")}-password`,
        replication: { auto: {} },
        labels,
      });
      new SecretManagerSecretVersion(this, `secret-${userName}-version`, {
        secret: secret.id,
        secretDataWo: password.asString,
        secretDataWoVersion: version,
      });
      this.passwordSecrets[userName] = secret;
    }
  }

  /**
   * What a workload needs to use the database, with its IAM identity and no password: `roles/cloudsql.client` and
   * `roles/cloudsql.instanceUser` on this instance only, the workload's service account as an IAM database user,
   * egress to the instance's private IP on 3307 (the Cloud SQL connector / Auth Proxy, which client certificates
   * require) or 5432, Google APIs for the connector's Admin API calls, and the connection settings
   * (`DB_INSTANCE_CONNECTION_NAME`, `DB_HOST`, `DB_PORT`, `DB_USER`, `DB_NAME`, `DB_IAM_AUTH`). Table privileges are
   * the schema migration's to grant (Terraform cannot run SQL).
   */
  connect(client: ConnectionClient): Connection {
    return this.connections.get(client, () => {
      const props = this.props;
      const certificates = props.requireClientCertificates ?? CLOUD_SQL_DB_DEFAULTS.requireClientCertificates;
      const only = { title: `only ${props.name}`, description: `Cloud SQL instance ${props.name}`, expression: `resource.name == "projects/${props.project}/instances/${props.name}"` };
      for (const role of ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]) {
        new ProjectIamMember(this, `client-${client.name}-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, { project: props.project, role, member: client.serviceAccount.member, condition: only });
      }
      const user = new SqlUser(this, `iam-user-${client.name}`, {
        project: props.project,
        instance: this.resource.name,
        name: Fn.trimsuffix(client.serviceAccount.email, ".gserviceaccount.com"),
        type: "CLOUD_IAM_SERVICE_ACCOUNT",
        dependsOn: this.afterReplica,
      });
      const port = certificates ? 3307 : 5432;
      return {
        egress: [{ cidr: `${this.privateIpAddress}/32`, ports: [port], why: certificates ? `${this.connectableName} (connector, client certificates)` : this.connectableName }],
        config: {
          DB_INSTANCE_CONNECTION_NAME: this.connectionName,
          DB_HOST: this.privateIpAddress,
          DB_PORT: String(port),
          DB_USER: user.name,
          DB_NAME: props.databases[0] ?? "postgres",
          DB_IAM_AUTH: "true",
        },
        secrets: {},
        // The connector fetches its ephemeral certificate from the Cloud SQL Admin API.
        requires: [props.network.googleApis ?? GOOGLE_APIS_OVER_INTERNET],
      };
    });
  }
}

/** The read replica's name. */
export function replicaName(primary: string): string {
  return `${primary}-replica`;
}
