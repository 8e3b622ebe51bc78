import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import { Network } from "../network/network";
import { applyProblems } from "../validation/problem";
import { gkeClusterProblems } from "./rules";

/** One node pool. Keyed by name in {@link GkeClusterOptions.nodePools}. */
export interface NodePoolSpec {
  /** GCE machine type, e.g. `e2-standard-4`. */
  readonly machineType: string;
  /** Autoscaler lower bound per zone. */
  readonly minNodesPerZone: number;
  /** Autoscaler upper bound per zone. */
  readonly maxNodesPerZone: number;
  /** @default 100 */
  readonly diskSizeGb?: number;
  /**
   * Spot VMs: cheaper, can be pre-empted at any time.
   * @default false
   */
  readonly spot?: boolean;
}

/** A daily maintenance window, UTC. */
export interface DailyMaintenanceWindow {
  /** `HH:MM`, UTC. */
  readonly startTimeUtc: string;
  /** 4-24. @default 4 */
  readonly durationHours?: number;
}

/** What a {@link GkeCluster} is made of; an environment's `gke` section has exactly this shape. */
export interface GkeClusterOptions {
  /** Cluster name, at most 40 characters (GKE's limit). */
  readonly name: string;
  /** @default "REGULAR" */
  readonly releaseChannel?: "RAPID" | "REGULAR" | "STABLE";
  /** /28 for the control plane's private endpoint; registered with the network for overlap checks. */
  readonly masterCidr: string;
  /**
   * Control plane reachable only through its private endpoint.
   * @default false - public endpoint, restricted to `masterAuthorizedNetworks`
   */
  readonly privateEndpoint?: boolean;
  /**
   * CIDRs allowed to reach the control plane, keyed by a display name.
   * @default {} - only the VPC (and Google) can reach it
   */
  readonly masterAuthorizedNetworks?: Record<string, string>;
  /** Refuse `terraform destroy` of the cluster. Production should say true. */
  readonly deletionProtection: boolean;
  readonly maintenanceWindow: DailyMaintenanceWindow;
  /** Node pools keyed by name (the default pool is always removed). */
  readonly nodePools: Record<string, NodePoolSpec>;
  /**
   * Google Group that holds the groups used in Kubernetes RBAC (`gke-security-groups@<domain>`).
   * @default - Google Groups for RBAC off
   */
  readonly rbacSecurityGroup?: string;
  /**
   * Enable the GKE Secret Manager add-on so pods mount Secret Manager secrets as files.
   * @default true
   */
  readonly secretManagerAddon?: boolean;
  /**
   * Enforce the project's Binary Authorization policy on deploys.
   * @default true
   */
  readonly binaryAuthorization?: boolean;
}

/** Props for {@link GkeCluster}. */
export interface GkeClusterProps extends GkeClusterOptions {
  readonly project: string;
  /** Region: the cluster is regional (control plane and nodes spread over the region's zones). */
  readonly region: string;
  /** The VPC; the cluster uses its subnet and the typed pods/services secondary ranges. */
  readonly network: Network;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** Roles a node needs to ship logs and metrics and pull images; nothing more. */
export const NODE_SERVICE_ACCOUNT_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
  "roles/artifactregistry.reader",
];

/**
 * A regional, private GKE Standard cluster: private nodes, Workload Identity, Shielded nodes with secure boot,
 * Dataplane V2 (network policy enforced), managed Prometheus, a maintenance window, the default node pool
 * removed and typed node pools running as a dedicated least-privilege service account.
 */
export class GkeCluster extends Construct {
  /** The cluster (escape hatch). */
  readonly resource: ContainerCluster;
  readonly nodePools: Record<string, ContainerNodePool>;
  readonly nodeServiceAccount: ServiceAccount;
  readonly name: string;
  readonly location: string;
  /** The control plane's endpoint (IP), for the Kubernetes provider. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA. */
  readonly caCertificate: string;
  /** `<project>.svc.id.goog`: the Workload Identity pool. */
  readonly workloadPool: string;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    applyProblems(this, gkeClusterProblems(props));
    const labels = props.labels ?? {};
    this.workloadPool = `${props.project}.svc.id.goog`;
    props.network.reserveRange(`${this.node.path} control-plane range`, props.masterCidr);

    this.nodeServiceAccount = new ServiceAccount(this, "nodes", {
      project: props.project,
      accountId: `${props.name}-nodes`.slice(0, 30),
      displayName: `GKE nodes of ${props.name}`,
    });
    for (const role of NODE_SERVICE_ACCOUNT_ROLES) {
      new ProjectIamMember(this, `nodes-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, {
        project: props.project,
        role,
        member: this.nodeServiceAccount.member,
      });
    }

    const start = props.maintenanceWindow.startTimeUtc;
    const duration = props.maintenanceWindow.durationHours ?? 4;
    this.resource = new ContainerCluster(this, "Resource", {
      project: props.project,
      name: props.name,
      location: props.region,
      network: props.network.networkId,
      subnetwork: props.network.subnet.id,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.network.podsRange.rangeName,
        servicesSecondaryRangeName: props.network.servicesRange.rangeName,
      },
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // The default pool exists for a moment before removal; keep even that one shielded and metadata-protected.
      nodeConfig: {
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        metadata: { "disable-legacy-endpoints": "true" },
      },
      deletionProtection: props.deletionProtection,
      releaseChannel: { channel: props.releaseChannel ?? "REGULAR" },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: props.privateEndpoint ?? false,
        masterIpv4CidrBlock: props.masterCidr,
        masterGlobalAccessConfig: { enabled: true },
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: Object.entries(props.masterAuthorizedNetworks ?? {}).map(([displayName, cidrBlock]) => ({ displayName, cidrBlock })),
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      enableShieldedNodes: true,
      enableIntranodeVisibility: true,
      datapathProvider: "ADVANCED_DATAPATH",
      // Dataplane V2 enforces network policy itself; the legacy Calico add-on stays off.
      networkPolicy: { enabled: false, provider: "PROVIDER_UNSPECIFIED" },
      binaryAuthorization: { evaluationMode: props.binaryAuthorization === false ? "DISABLED" : "PROJECT_SINGLETON_POLICY_ENFORCE" },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      authenticatorGroupsConfig: props.rbacSecurityGroup ? { securityGroup: props.rbacSecurityGroup } : undefined,
      secretManagerConfig: { enabled: props.secretManagerAddon ?? true },
      monitoringConfig: {
        enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER"],
        managedPrometheus: { enabled: true },
      },
      loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
      securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_BASIC" },
      addonsConfig: {
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
      },
      maintenancePolicy: {
        recurringWindow: {
          startTime: `2025-01-01T${start}:00Z`,
          endTime: endTime(start, duration),
          recurrence: "FREQ=DAILY",
        },
      },
      resourceLabels: labels,
    });
    this.name = this.resource.name;
    this.location = this.resource.location;
    this.endpoint = this.resource.endpoint;
    this.caCertificate = this.resource.masterAuth.clusterCaCertificate;

    this.nodePools = {};
    for (const [poolName, pool] of Object.entries(props.nodePools)) {
      this.nodePools[poolName] = new ContainerNodePool(this, `pool-${poolName}`, {
        project: props.project,
        name: poolName,
        cluster: this.resource.id,
        location: props.region,
        autoscaling: { minNodeCount: pool.minNodesPerZone, maxNodeCount: pool.maxNodesPerZone },
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          machineType: pool.machineType,
          diskSizeGb: pool.diskSizeGb ?? 100,
          diskType: "pd-balanced",
          imageType: "COS_CONTAINERD",
          spot: pool.spot ?? false,
          serviceAccount: this.nodeServiceAccount.email,
          oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          workloadMetadataConfig: { mode: "GKE_METADATA" },
          metadata: { "disable-legacy-endpoints": "true" },
          labels: { ...labels, "node-pool": poolName },
        },
      });
    }
  }
}

function endTime(start: string, hours: number): string {
  const [h, m] = start.split(":").map(Number);
  const end = new Date(Date.UTC(2025, 0, 1, h + hours, m));
  return end.toISOString().replace(".000Z", "Z");
}
