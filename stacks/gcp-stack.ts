import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Aspects, Fn, GcsBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { TERRAFORM_REQUIRED_VERSION } from "../src/database";
import { AccessMatrix, AreaWorkloads } from "../src/access";
import { Memorystore } from "../src/cache";
import { ConnectionTarget, GcpEnvironmentConfig } from "../src/config";
import { IConnectable } from "../src/connections";
import { CloudSqlDb } from "../src/database";
import { GkeCluster, googleRegistries } from "../src/gke";
import { Monitoring, publicUptimeChecks } from "../src/monitoring";
import { Network } from "../src/network";
import { DeployReadiness } from "../src/policy";
import { EnableApis } from "../src/project/apis";
import { PLATFORM_OUTPUTS, PlatformOutputKey } from "../src/outputs";
import { BlueGreenService } from "../src/deploy";
import { FrontDoor } from "../src/edge";
import { LEGACY_SERVICE, ParallelPlatform, publicHosts, resolveRouter } from "../src/platform";
import { platformProps } from "./platform-props";

/**
 * The objects each Kubernetes area of the access table covers, by name, read from the constructs that create them:
 * the platform's services by category, the router and the legacy Service, and every object of the blue-green services.
 */
export function accessWorkloads(platform: ParallelPlatform, blueGreen: Readonly<Record<string, BlueGreenService>>): AreaWorkloads {
  const byCategory = (categories: readonly string[]) =>
    Object.values(platform.plan.services)
      .filter((s) => categories.includes(s.spec.category))
      .map((s) => s.workloadName);
  return {
    legacy: [platform.plan.router.workloadName, LEGACY_SERVICE],
    frontend: byCategory(["frontend", "public"]),
    backend: [...byCategory(["backend", "database", "cache", "queue", "integration", "monitoring", "dev"]), ...Object.values(blueGreen).flatMap((b) => b.objectNames)],
  };
}

/** Every image an environment runs: the platform's services, the router, the blue-green colours. */
export function environmentImages(config: GcpEnvironmentConfig): string[] {
  return [
    ...Object.values(config.platform.services).map((s) => s.image),
    resolveRouter(config.platform.router).image,
    ...Object.values(config.blueGreen ?? {}).flatMap((b) => [b.blue.image, b.green.image].filter((i): i is string => i !== undefined)),
  ];
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
  /** HTTPS in front of the router, when the config has a `frontDoor` section. */
  readonly frontDoor?: FrontDoor;

  constructor(scope: Construct, id: string, props: GcpStackProps) {
    super(scope, id);
    // Every stack runs on the Terraform the tier checks with (write-only attributes need 1.11).
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    const { config } = props;
    const { project, region } = config.gcp;
    const labels = config.labels;

    if (config.state.backend === "gcs") {
      new GcsBackend(this, { bucket: config.state.bucket, prefix: config.state.prefix });
    }
    new GoogleProvider(this, "google", { project, region, defaultLabels: labels });
    // Every API the stack's resources need, enabled first: a first deploy on an empty project gets through.
    Aspects.of(this).add(new EnableApis({ project }));
    // Then the checks for what only an apply would find (APIs, image pulls, name limits, placeholders).
    Aspects.of(this).add(new DeployReadiness());

    // Each section of the config has the shape of its construct's options: passed through, plus the wiring.
    this.network = new Network(this, "network", { ...config.network, project, region });

    // Nodes may pull from, and Binary Authorization admits, exactly the registries this environment's images are in.
    this.cluster = new GkeCluster(this, "gke", { ...config.gke, project, region, network: this.network, imageRegistries: googleRegistries(environmentImages(config)), labels });

    this.database = new CloudSqlDb(this, "database", {
      ...config.database,
      project,
      region,
      network: this.network,
      privateServiceRange: this.network.privateServiceRanges.sql.name,
      labels,
    });

    this.cache = new Memorystore(this, "cache", {
      ...config.cache,
      project,
      region,
      network: this.network,
      privateServiceRange: this.network.privateServiceRanges.redis.name,
      labels,
    });

    // The workloads' provider is configured from the cluster's own attributes, so one `cdktf deploy` creates both.
    const client = new DataGoogleClientConfig(this, "client");
    // The control plane's DNS endpoint: IAM-authenticated and reachable from wherever the deployer runs (a laptop, a
    // hosted CI runner), with a publicly trusted certificate; the IP endpoint stays behind the authorized networks.
    this.kubernetesProvider = new KubernetesProvider(this, "kubernetes", {
      host: `https://${this.cluster.dnsEndpoint ?? this.cluster.endpoint}`,
      token: client.accessToken,
      clusterCaCertificate: this.cluster.dnsEndpoint ? undefined : Fn.base64decode(this.cluster.caCertificate),
    });

    // HTTPS for the environment's public names, in front of the router's NodePort on the nodes.
    const hosts = publicHosts(config.legacy, config.platform.router);
    if (config.frontDoor) {
      this.frontDoor = new FrontDoor(this, "front-door", { ...config.frontDoor, project, hosts: [hosts.legacy, hosts.new], network: this.network, cluster: this.cluster, labels });
    }

    // What a workload uses is the construct itself: the environment's config names it, the stack passes it.
    const constructs: Record<ConnectionTarget, IConnectable> = { database: this.database, cache: this.cache, googleApis: this.network.googleApis };
    const uses = (names: readonly ConnectionTarget[] = []) => names.map((n) => constructs[n]);
    const platformConnections = Object.fromEntries(Object.entries(config.connections?.platform ?? {}).map(([service, names]) => [service, uses(names)]));
    this.platform = new ParallelPlatform(
      this,
      "platform",
      platformProps(config, { dependsOn: this.cluster.readyForWorkloads, connections: platformConnections, workloadIdentity: { project, pool: this.cluster.workloadPool }, frontDoor: this.frontDoor }),
    );

    // Watches the constructs themselves: the router's access lines, the database and the cache.
    this.monitoring = new Monitoring(this, "monitoring", {
      ...config.monitoring,
      // The same public names the front door serves, unless the config names its own.
      uptimeChecks: config.monitoring.uptimeChecks ?? publicUptimeChecks(hosts, config.legacy.healthPath),
      project,
      displayPrefix: config.name,
      platform: this.platform,
      database: this.database,
      cache: this.cache,
      labels,
    });

    for (const [name, bg] of Object.entries(config.blueGreen ?? {})) {
      this.blueGreen[name] = new BlueGreenService(this, `bg-${name}`, {
        name,
        namespace: this.platform.namespaceRef,
        project,
        ...bg,
        // Bound in the cluster's pool (a cluster in another project has its own).
        workloadIdentityPool: this.cluster.workloadPool,
        // Only the migration router may call it; it may call DNS and what it connects to, on exactly their ports.
        allowFrom: [{ podLabels: { ...this.platform.routerSelector } }],
      });
      this.blueGreen[name].connectsTo(...uses(config.connections?.blueGreen?.[name]));
      // Its route on the router, split between its colours; the router's egress is derived from its selector.
      if (bg.routePath !== undefined) this.platform.addRelease(this.blueGreen[name]);
    }

    // Seed 002's table; write access is scoped to the workloads of each area, by name.
    this.access = new AccessMatrix(this, "access", {
      project,
      namespace: this.platform.namespaceRef,
      ...config.access,
      workloads: accessWorkloads(this.platform, this.blueGreen),
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
    if (this.cluster.dnsEndpoint) out("clusterDnsEndpoint", this.cluster.dnsEndpoint, "GKE control-plane DNS endpoint (IAM-authenticated, reachable from anywhere)");
    out("clusterCaCertificate", this.cluster.caCertificate, "Base64 PEM of the cluster CA", true);
    out("workloadIdentityPool", this.cluster.workloadPool, "Workload Identity pool (<project>.svc.id.goog)");
    out("databaseInstanceName", this.database.instanceName, "Cloud SQL instance name");
    out("databaseConnectionName", this.database.connectionName, "Cloud SQL connection name (project:region:instance)");
    out("databasePrivateIp", this.database.privateIpAddress, "Cloud SQL private IP");
    out("cacheHost", this.cache.host, "Memorystore host (private IP)");
    out("cachePort", this.cache.port, "Memorystore TLS port");
    out("newPlatformNamespace", this.platform.plan.namespace, "Kubernetes namespace of the new platform");
    if (this.frontDoor) {
      out("frontDoorAddress", this.frontDoor.address, "The front door's reserved global IPv4 address: every public host's A record points here");
      new TerraformOutput(this, PLATFORM_OUTPUTS.frontDoorDnsAuthorizations, {
        value: this.frontDoor.dnsAuthorizationRecords,
        description: "Per public host, the DNS record (name, type, data) its zone must hold before Certificate Manager issues its certificate",
      });
    }
  }
}
