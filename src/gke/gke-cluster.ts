import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { BinaryAuthorizationPolicy } from "@cdktf/provider-google/lib/binary-authorization-policy";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ITerraformDependable } from "cdktf";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import { Network } from "../network/network";
import { serviceAccountId } from "../validation/ids";
import { applyProblems } from "../validation/problem";
import { ImageRegistry, registryPattern } from "./registries";
import { gkeClusterProblems, gkeClusterWiringProblems } from "./rules";

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
   * Enforce Binary Authorization: the cluster runs only images from `imageRegistries` (and Google's system images).
   * The project's policy is created here (a project has one).
   * @default true
   */
  readonly binaryAuthorization?: boolean;
  /**
   * The control plane's DNS endpoint, reachable from anywhere with Google credentials (IAM-authenticated, no IP
   * allow-list): what the Kubernetes provider, CI runners and `kubectl` use. The IP endpoint stays restricted to
   * `masterAuthorizedNetworks`.
   * @default true
   */
  readonly dnsEndpoint?: boolean;
  /**
   * The zones of the region the nodes run in, on the cluster and every node pool (each pool then has one instance
   * group per zone). Fix them when something must name the node pools' instance groups at plan time: a load
   * balancer with instance-group backends (`FrontDoor`) sets a named port on each.
   * @default - GKE picks the region's zones (unknown until the cluster exists)
   */
  readonly nodeLocations?: readonly string[];
}

/** Props for {@link GkeCluster}. */
export interface GkeClusterProps extends GkeClusterOptions {
  readonly project: string;
  /** Region: the cluster is regional (control plane and nodes spread over the region's zones). */
  readonly region: string;
  /** The VPC; the cluster uses its subnet and the typed pods/services secondary ranges. */
  readonly network: Network;
  /**
   * The Google registries the cluster's images come from: the node service account may read them (in their own
   * projects), and Binary Authorization admits their images. Derive them with `googleRegistries(images)`.
   * @default []
   */
  readonly imageRegistries?: readonly ImageRegistry[];
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** Roles a node needs in its own project: GKE's role for node service accounts (logs, metrics, metadata); nothing more. */
export const NODE_SERVICE_ACCOUNT_ROLES = ["roles/container.defaultNodeServiceAccount"];
/** The role a node needs in each project its images come from. */
export const IMAGE_PULL_ROLE = "roles/artifactregistry.reader";

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
  /** The control plane's DNS endpoint (`gke-....<region>.gke.goog`), when `dnsEndpoint` is on. */
  readonly dnsEndpoint?: string;
  /** What workloads must wait for: every node pool (a Deployment waiting for its rollout needs nodes). */
  readonly readyForWorkloads: ITerraformDependable[];
  /** Read grants on the image registries' projects, by project. */
  readonly imagePullGrants: Record<string, ProjectIamMember> = {};
  /** The project's Binary Authorization policy, when enforced. */
  readonly binaryAuthorizationPolicy?: BinaryAuthorizationPolicy;
  /** The zones every node pool has an instance group in, when fixed by `nodeLocations`. */
  readonly nodeLocations?: readonly string[];

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    applyProblems(this, [...gkeClusterProblems(props), ...gkeClusterWiringProblems(props)]);
    const labels = props.labels ?? {};
    this.nodeLocations = props.nodeLocations;
    const nodeLocations = props.nodeLocations ? [...props.nodeLocations] : undefined;
    this.workloadPool = `${props.project}.svc.id.goog`;
    props.network.reserveRange(`${this.node.path} control-plane range`, props.masterCidr);

    this.nodeServiceAccount = new ServiceAccount(this, "nodes", {
      project: props.project,
      accountId: serviceAccountId(props.name, "nodes"),
      displayName: `GKE nodes of ${props.name}`,
    });
    const nodeGrants: ProjectIamMember[] = [];
    for (const role of NODE_SERVICE_ACCOUNT_ROLES) {
      nodeGrants.push(new ProjectIamMember(this, `nodes-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, {
        project: props.project,
        role,
        member: this.nodeServiceAccount.member,
      }));
    }

    for (const registry of props.imageRegistries ?? []) {
      // In the registry's project: a node in this project cannot pull from another without it.
      this.imagePullGrants[registry.project] ??= new ProjectIamMember(this, `pull-${registry.project}`, {
        project: registry.project,
        role: IMAGE_PULL_ROLE,
        member: this.nodeServiceAccount.member,
      });
    }
    const enforce = props.binaryAuthorization ?? true;
    if (enforce) {
      this.binaryAuthorizationPolicy = new BinaryAuthorizationPolicy(this, "binauthz", {
        project: props.project,
        // Google's own system images stay admitted; everything else must come from our registries.
        globalPolicyEvaluationMode: "ENABLE",
        admissionWhitelistPatterns: (props.imageRegistries ?? []).map((r) => ({ namePattern: registryPattern(r) })),
        defaultAdmissionRule: { evaluationMode: "ALWAYS_DENY", enforcementMode: "ENFORCED_BLOCK_AND_AUDIT_LOG" },
      });
    }
    const dns = props.dnsEndpoint ?? true;

    const start = props.maintenanceWindow.startTimeUtc;
    const duration = props.maintenanceWindow.durationHours ?? 4;
    this.resource = new ContainerCluster(this, "Resource", {
      project: props.project,
      name: props.name,
      location: props.region,
      nodeLocations,
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
      controlPlaneEndpointsConfig: {
        dnsEndpointConfig: { allowExternalTraffic: dns },
        ipEndpointsConfig: { enabled: true },
      },
      masterAuthorizedNetworksConfig: {
        // Not every Google Cloud address: only the networks listed (the DNS endpoint is how CI and people reach it).
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: Object.entries(props.masterAuthorizedNetworks ?? {}).map(([displayName, cidrBlock]) => ({ displayName, cidrBlock })),
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      enableShieldedNodes: true,
      enableIntranodeVisibility: true,
      datapathProvider: "ADVANCED_DATAPATH",
      // Dataplane V2 enforces network policy itself; the legacy Calico add-on stays off.
      networkPolicy: { enabled: false, provider: "PROVIDER_UNSPECIFIED" },
      binaryAuthorization: { evaluationMode: enforce ? "PROJECT_SINGLETON_POLICY_ENFORCE" : "DISABLED" },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      authenticatorGroupsConfig: props.rbacSecurityGroup ? { securityGroup: props.rbacSecurityGroup } : undefined,
      secretManagerConfig: { enabled: props.secretManagerAddon ?? true },
      monitoringConfig: {
        enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER"],
        managedPrometheus: { enabled: true },
      },
      loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
      // Basic vulnerability scanning is deprecated in GKE; images are scanned where they are stored (Artifact Analysis).
      securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_DISABLED" },
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
      // The default pool is removed at creation, and the API reports these differently afterwards: without this,
      // every later plan would try to recreate the cluster.
      lifecycle: { ignoreChanges: ["node_pool", "initial_node_count", "node_config"] },
      dependsOn: this.binaryAuthorizationPolicy ? [this.binaryAuthorizationPolicy] : undefined,
    });
    this.name = this.resource.name;
    if (dns) this.dnsEndpoint = this.resource.controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint;
    this.location = this.resource.location;
    this.endpoint = this.resource.endpoint;
    this.caCertificate = this.resource.masterAuth.clusterCaCertificate;

    this.nodePools = {};
    this.readyForWorkloads = [];
    for (const [poolName, pool] of Object.entries(props.nodePools)) {
      this.nodePools[poolName] = new ContainerNodePool(this, `pool-${poolName}`, {
        project: props.project,
        name: poolName,
        cluster: this.resource.id,
        location: props.region,
        nodeLocations,
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
        // Nodes that start before their service account may write logs and pull images fail their first pulls.
        dependsOn: [...nodeGrants, ...Object.values(this.imagePullGrants)],
      });
      this.readyForWorkloads.push(this.nodePools[poolName]);
    }
  }
}

function endTime(start: string, hours: number): string {
  const [h, m] = start.split(":").map(Number);
  const end = new Date(Date.UTC(2025, 0, 1, h + hours, m));
  return end.toISOString().replace(".000Z", "Z");
}
