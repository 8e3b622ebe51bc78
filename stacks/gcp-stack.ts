import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn, GcsBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { TERRAFORM_REQUIRED_VERSION } from "../src/database";
import { AccessMatrix, AreaWorkloads } from "../src/access";
import { Memorystore } from "../src/cache";
import { GcpEnvironmentConfig } from "../src/config";
import { CloudSqlDb } from "../src/database";
import { GkeCluster } from "../src/gke";
import { Monitoring } from "../src/monitoring";
import { Network } from "../src/network";
import { PLATFORM_OUTPUTS, PlatformOutputKey } from "../src/outputs";
import { MEMORYSTORE_TLS_PORT } from "../src/cache";
import { BlueGreenService } from "../src/deploy";
import { ParallelPlatform, PART_OF_LABEL } from "../src/platform";
import { platformProps } from "./platform-props";

/** The workloads each Kubernetes area of the access table covers, by object name. */
export function accessWorkloads(config: GcpEnvironmentConfig): AreaWorkloads {
  const p = config.platform.name;
  const byCategory = (categories: string[]) =>
    Object.entries(config.platform.services)
      .filter(([, s]) => categories.includes(s.category))
      .map(([n]) => `${p}-${n}`);
  const blueGreen = Object.keys(config.blueGreen).flatMap((n) => [n, `${n}-blue`, `${n}-green`, `${n}-active`, `${n}-preview`, `${n}-config`]);
  return {
    legacy: [`${p}-router`, "legacy"],
    frontend: byCategory(["frontend", "public"]),
    backend: [...byCategory(["backend", "database", "cache", "queue", "integration", "monitoring", "dev"]), ...blueGreen],
  };
}

/** Props for {@link GcpStack}. */
export interface GcpStackProps {
  readonly config: GcpEnvironmentConfig;
}

/**
 * `staging` / `production`: one stack per environment, so `cdktf deploy <env>` creates all of it in one run:
 * VPC, GKE, Cloud SQL, Memorystore, monitoring, and the new platform's workloads on the cluster
 * (the Kubernetes provider is configured from the cluster's own attributes).
 */
export class GcpStack extends TerraformStack {
  readonly network: Network;
  readonly cluster: GkeCluster;
  readonly database: CloudSqlDb;
  readonly cache: Memorystore;
  readonly monitoring: Monitoring;
  readonly kubernetesProvider: KubernetesProvider;
  readonly platform: ParallelPlatform;
  readonly blueGreen: Record<string, BlueGreenService> = {};
  readonly access: AccessMatrix;
  private readonly config: GcpEnvironmentConfig;

  constructor(scope: Construct, id: string, props: GcpStackProps) {
    super(scope, id);
    // Every stack runs on the Terraform the tier checks with (write-only attributes need 1.11).
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    const { config } = props;
    this.config = config;
    const { project, region } = config.gcp;
    const labels = config.labels;

    if (config.state.backend === "gcs") {
      new GcsBackend(this, { bucket: config.state.bucket, prefix: config.state.prefix });
    }
    new GoogleProvider(this, "google", { project, region, defaultLabels: labels });

    this.network = new Network(this, "network", {
      project,
      region,
      name: config.network.name,
      primaryCidr: config.network.subnet.primaryCidr,
      podsCidr: config.network.subnet.podsCidr,
      servicesCidr: config.network.subnet.servicesCidr,
      privateServiceRanges: { sql: config.network.privateServiceAccessCidr, redis: config.cache.reservedCidr },
      flowLogSampling: config.network.flowLogSampling,
      labels,
    });

    this.cluster = new GkeCluster(this, "gke", {
      project,
      region,
      name: config.gke.name,
      network: this.network,
      masterCidr: config.gke.masterCidr,
      releaseChannel: config.gke.releaseChannel,
      privateEndpoint: config.gke.privateEndpoint,
      masterAuthorizedNetworks: config.gke.masterAuthorizedNetworks,
      deletionProtection: config.gke.deletionProtection,
      maintenanceStartTimeUtc: config.gke.maintenanceWindow.startTimeUtc,
      maintenanceDurationHours: config.gke.maintenanceWindow.durationHours,
      nodePools: config.gke.nodePools,
      rbacSecurityGroup: config.gke.rbacSecurityGroup,
      labels,
    });

    this.database = new CloudSqlDb(this, "database", {
      project,
      region,
      name: config.database.name,
      network: this.network,
      privateServiceRange: this.network.privateServiceRanges.sql.name,
      version: config.database.version,
      tier: config.database.tier,
      diskSizeGb: config.database.diskSizeGb,
      highAvailability: config.database.highAvailability,
      readReplica: config.database.readReplica,
      deletionProtection: config.database.deletionProtection,
      backupStartTimeUtc: config.database.backupStartTimeUtc,
      backupRetentionDays: config.database.backupRetentionDays,
      pointInTimeRecovery: config.database.pointInTimeRecovery,
      transactionLogRetentionDays: config.database.transactionLogRetentionDays,
      maintenanceWindow: config.database.maintenanceWindow,
      databases: config.database.databases,
      users: config.database.users,
      maxConnections: config.database.maxConnections,
      requireClientCertificates: config.database.requireClientCertificates,
      labels,
    });

    this.cache = new Memorystore(this, "cache", {
      project,
      region,
      name: config.cache.name,
      network: this.network,
      privateServiceRange: this.network.privateServiceRanges.redis.name,
      tier: config.cache.tier,
      memorySizeGb: config.cache.memorySizeGb,
      version: config.cache.version,
      readReplicas: config.cache.readReplicas,
      rdbSnapshotPeriod: config.cache.rdbSnapshotPeriod,
      maintenanceWindow: config.cache.maintenanceWindow,
      labels,
    });

    this.monitoring = new Monitoring(this, "monitoring", {
      project,
      displayPrefix: config.name,
      notificationChannels: config.monitoring.notificationChannels,
      p0Channels: config.monitoring.p0Channels,
      p1Channels: config.monitoring.p1Channels,
      uptimeChecks: config.monitoring.uptimeChecks,
      thresholds: config.monitoring.thresholds,
      namespace: config.platform.namespace,
      databaseId: `${project}:${config.database.name}`,
      databaseMaxConnections: this.database.maxConnections,
      redisInstanceId: this.cache.resource.id,
      labels,
    });

    // The workloads' provider is configured from the cluster's own attributes, so one `cdktf deploy` creates both.
    const client = new DataGoogleClientConfig(this, "client");
    this.kubernetesProvider = new KubernetesProvider(this, "kubernetes", {
      host: `https://${this.cluster.endpoint}`,
      token: client.accessToken,
      clusterCaCertificate: Fn.base64decode(this.cluster.caCertificate),
    });

    this.platform = new ParallelPlatform(this, "platform", platformProps(config));

    for (const [name, bg] of Object.entries(config.blueGreen)) {
      this.blueGreen[name] = new BlueGreenService(this, `bg-${name}`, {
        name,
        namespace: this.platform.namespaceRef,
        project,
        ...bg,
        // Only the migration router may call it; it may call only DNS, the database and the cache.
        allowFrom: [{ podLabels: { "app.kubernetes.io/name": `${config.platform.name}-router` } }],
        // Part of the platform, so the router's own egress policy lets it reach these pods.
        podLabels: { [PART_OF_LABEL]: config.platform.name },
        egress: [
          { cidr: config.network.privateServiceAccessCidr, ports: [5432] },
          { cidr: config.cache.reservedCidr, ports: [MEMORYSTORE_TLS_PORT] },
        ],
      });
    }

    // Seed 002's table; write access is scoped to the workloads of each area, by name.
    this.access = new AccessMatrix(this, "access", {
      project,
      namespace: this.platform.namespaceRef,
      roles: config.access.roles,
      workloads: accessWorkloads(config),
      googleGroupsRbac: config.gke.rbacSecurityGroup !== undefined,
      // Cloud SQL connect roles reach this environment's instances only (IAM condition), not every instance of the project.
      databaseInstances: [this.database.instanceName, ...(this.database.replica ? [this.database.replica.name] : [])],
    });

    this.outputs();
  }

  private outputs(): void {
    const out = (key: PlatformOutputKey, value: string | number, description: string, sensitive = false) =>
      new TerraformOutput(this, PLATFORM_OUTPUTS[key], { value, description, sensitive });
    out("networkSelfLink", this.network.selfLink, "Self link of the VPC");
    out("networkId", this.network.networkId, "Id of the VPC (projects/<p>/global/networks/<name>)");
    out("subnetSelfLink", this.network.subnetSelfLink, "Self link of the regional subnet");
    out("sqlPrivateServiceRange", this.network.privateServiceRanges.sql.name, "Private-service-access range for Cloud SQL instances");
    out("redisPrivateServiceRange", this.network.privateServiceRanges.redis.name, "Private-service-access range for Memorystore instances");
    out("clusterName", this.cluster.name, "GKE cluster name");
    out("clusterLocation", this.cluster.location, "GKE cluster region");
    out("clusterEndpoint", this.cluster.endpoint, "GKE control-plane endpoint", true);
    out("clusterCaCertificate", this.cluster.caCertificate, "Base64 PEM of the cluster CA", true);
    out("workloadIdentityPool", this.cluster.workloadPool, "Workload Identity pool (<project>.svc.id.goog)");
    out("databaseInstanceName", this.database.instanceName, "Cloud SQL instance name");
    out("databaseConnectionName", this.database.connectionName, "Cloud SQL connection name (project:region:instance)");
    out("databasePrivateIp", this.database.privateIpAddress, "Cloud SQL private IP");
    out("cacheHost", this.cache.host, "Memorystore host (private IP)");
    out("cachePort", this.cache.port, "Memorystore TLS port");
    out("newPlatformNamespace", this.config.platform.namespace, "Kubernetes namespace of the new platform");
  }
}
