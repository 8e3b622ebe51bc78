/**
 * The shapes of ParallelPlatform's props and their defaults, each defined once. An environment's `legacy` and
 * `platform` sections have exactly these shapes; the construct, its rules and the plan read them from here.
 */
import type { ITerraformDependable } from "cdktf";
import type { IConnectable } from "../connections/connection";
import type { PortCategory, PortStrategy } from "../ports/plan";
import { DEFAULT_TRUSTED_CERTIFICATE, MigrationPhase } from "./router-config";
import { DEFAULT_ROUTER_IMAGE, ROUTER_RUN_AS_USER } from "./router-defaults";
import { DEFAULT_RUN_AS_USER } from "./pod-security";
import type { AutoscalingSpec } from "../scaling/scaling";

/** The system being replaced. Tandem never declares, changes or removes its resources. */
export interface LegacySystem {
  readonly name: string;
  /** How users reach it today, e.g. `http://localhost:8000`. */
  readonly baseUrl: string;
  /** @default "/health" */
  readonly healthPath?: string;
  /** Ports it owns, keyed by use; never allocated to the new platform. */
  readonly reservedPorts: Record<string, number>;
  /** Docker network its containers are on (Docker target): joined by name, never managed. */
  readonly dockerNetwork?: string;
  /**
   * `host:port` of the legacy origin: where the router and the bridge services reach it. On Docker, the legacy
   * container's name on `dockerNetwork` (inside a container `localhost` is the container itself). In the cloud,
   * a name that keeps pointing at legacy when the public name (`baseUrl`) moves to the router.
   * @default - host and port of `baseUrl`
   */
  readonly upstream?: string;
  /** Verify legacy's TLS certificate (https `baseUrl`) against `trustedCertificate`. Turning it off must be explicit. @default true */
  readonly verifyTls?: boolean;
  /** CA bundle (a path in the router image) legacy's certificate is verified with. @default "/etc/ssl/certs/ca-certificates.crt" */
  readonly trustedCertificate?: string;
}

/** One service of the new platform. Keyed by name in {@link ParallelPlatformOptions.services}. */
export interface PlatformService {
  /** Image pinned by tag or digest (`:latest` is refused). */
  readonly image: string;
  readonly category: PortCategory;
  /** Port the process listens on inside the container. */
  readonly containerPort: number;
  /** Pin the published port instead of deriving it from the name. @default - derived (see `planPorts`) */
  readonly port?: number;
  /** @default {} */
  readonly env?: Record<string, string>;
  /** HTTP health path, probed on `containerPort`. @default "/health" */
  readonly healthPath?: string;
  /**
   * A command that exits 0 when healthy, for services that do not speak HTTP (`["redis-cli", "ping"]`).
   * Replaces the HTTP check (Docker health check; Kubernetes exec probes).
   * @default - an HTTP GET of `healthPath`
   */
  readonly healthCommand?: readonly string[];
  /**
   * Absolute paths the process must write to, e.g. `/data`: a tmpfs on Docker and an emptyDir on Kubernetes, so
   * the root filesystem stays read-only. Scratch space only: it does not survive a restart.
   * @default - only /tmp
   */
  readonly writablePaths?: readonly string[];
  /** CPU limit in millicores. @default 500 */
  readonly cpuMillis?: number;
  /** Memory limit in MiB. @default 512 */
  readonly memoryMb?: number;
  /**
   * A fixed number of Kubernetes pods (Docker runs one container). Leave it out when `autoscaling` is set.
   * @default 2 (without `autoscaling`)
   */
  readonly replicas?: number;
  /**
   * Kubernetes: an HPA (CPU and memory) scales the Deployment between these bounds and owns its replica count;
   * `{}` is seed 003's 3-10 on CPU 70 % / memory 80 %. Excludes `replicas`.
   * @default - no HPA: a fixed `replicas`
   */
  readonly autoscaling?: AutoscalingSpec;
  /** Kubernetes: seconds a stopping pod keeps serving while it leaves the Service's endpoints (`sleep` must be in the image; 0 turns it off). @default 10 */
  readonly preStopSleepSeconds?: number;
  /** Joins the legacy network / may call the legacy system (the migration bridge). @default false */
  readonly bridgeToLegacy?: boolean;
  /**
   * Kubernetes: the other services of the platform this one calls directly (pod to pod, on their container port);
   * nothing else in the namespace is reachable from it, and a service is reachable only from the router and its
   * callers. Docker (`dev`) has no network policies: every service shares the platform network.
   * @default [] (the router is the only caller of every service)
   */
  readonly calls?: readonly string[];
  /** Docker: publish on all host addresses instead of 127.0.0.1. @default false */
  readonly public?: boolean;
  /** Path prefix routed to this service in the `path` phase, e.g. `/api/v2/`. @default - none */
  readonly routePath?: string;
  /** The new platform's entry: `/`, `/v2/` and `new.<domain>` go here. Exactly one service sets it. @default false */
  readonly entry?: boolean;
  /** UID the image runs as (non-root). @default 10001 */
  readonly runAsUser?: number;
}

/** The migration router. */
export interface RouterSpec {
  /** Base domain: `new.<domain>` is the new platform in every phase. */
  readonly domain: string;
  readonly phase: MigrationPhase;
  /** Share of clients on the new platform in the `weighted` phase. @default 0 */
  readonly weightPercent?: number;
  /** Published port (checked by the port plan like any service). @default - derived in the `public` category */
  readonly port?: number;
  /** @default "nginxinc/nginx-unprivileged:1.27.3-alpine" */
  readonly image?: string;
  /** A fixed number of router pods on Kubernetes. Leave it out when `autoscaling` is set. @default 2 (without `autoscaling`) */
  readonly replicas?: number;
  /**
   * Kubernetes: an HPA scales the router between these bounds and owns its replica count; `{}` is seed 003's 3-10
   * on CPU 70 % / memory 80 %. Excludes `replicas`.
   * @default - no HPA: a fixed `replicas`
   */
  readonly autoscaling?: AutoscalingSpec;
  /** UID the router image runs as (non-root). @default 101 (nginx in the unprivileged image) */
  readonly runAsUser?: number;
}

/** Where workloads' Google identities live. */
export interface WorkloadIdentity {
  /** Project of the Google service accounts. */
  readonly project: string;
  /** The cluster's Workload Identity pool (`GkeCluster.workloadPool`, `<cluster project>.svc.id.goog`). */
  readonly pool: string;
}

/** Where the new platform runs. */
export type PlatformTarget =
  | { readonly kind: "docker" }
  | {
      readonly kind: "kubernetes";
      /**
       * What each service uses, by service name: `{ "api-gateway": [cache], worker: [database, network.googleApis] }`.
       * Each target says what that takes and the service gets exactly that: NetworkPolicy egress, IAM for its own
       * Google service account (created, with a Kubernetes service account bound through Workload Identity, only
       * when a connection uses a Google identity), its settings as environment variables and its secret settings
       * from a Kubernetes Secret `<workload>-connections`. A service connected to nothing reaches only DNS and the
       * platform's own services.
       * @default {}
       */
      readonly connections?: Readonly<Record<string, readonly IConnectable[]>>;
      /**
       * Where services' Google service accounts are made and bound: the project, and the Workload Identity pool of
       * the cluster they run on (`GkeCluster.workloadPool`). Needed once a service connects to something that uses
       * its Google identity.
       * @default - none: a connection that uses a Google identity fails synth
       */
      readonly workloadIdentity?: WorkloadIdentity;
      /**
       * CIDRs the legacy system lives in (router and bridge services may reach them on legacy's port). The default,
       * anywhere, means the internet: private ranges (RFC 1918, CGNAT) and link-local are excepted, so a legacy
       * system inside the VPC or over a VPN must be named here.
       * @default ["0.0.0.0/0"] (the internet)
       */
      readonly legacyCidrs?: string[];
      /** What the namespace, and so every workload, waits for: e.g. `GkeCluster.readyForWorkloads`. @default [] */
      readonly dependsOn?: ITerraformDependable[];
      /**
       * The router's Service is also a NodePort on this port of every node (a `FrontDoor`'s backends), with
       * `externalTrafficPolicy: Local` so the router sees the front end's address (the proxy it trusts) and only
       * nodes running a router pod pass the load balancer's health check.
       * @default - ClusterIP only: nothing outside the cluster reaches the router
       */
      readonly routerNodePort?: number;
      /**
       * CIDRs of the proxies in front of the router (a `FrontDoor`'s `trustedProxyRanges`): `X-Forwarded-For` and
       * `X-Forwarded-Proto` are believed from them only.
       * @default []
       */
      readonly trustedProxies?: readonly string[];
      /**
       * Proxy addresses known only at deploy time, tokens allowed (a `FrontDoor`'s `address`, which its load balancer
       * appends to `X-Forwarded-For`): written to a file the router's config includes.
       * @default []
       */
      readonly trustedProxyAddresses?: readonly string[];
    };

/** What the new platform is made of; an environment's `platform` section has exactly this shape. */
export interface ParallelPlatformOptions {
  /** Prefix for container, network and workload names: a short lower-case DNS label. */
  readonly name: string;
  /** Kubernetes namespace (Kubernetes target). @default "new-platform" */
  readonly namespace?: string;
  readonly ports: PortOptions;
  readonly services: Record<string, PlatformService>;
  readonly router: RouterSpec;
}

export interface PortOptions {
  readonly strategy: PortStrategy;
  /** Ports never to use, e.g. 9090 (a Prometheus default on many hosts). @default [9090] */
  readonly avoid?: number[];
}

/** Props for {@link ParallelPlatform}. */
export interface ParallelPlatformProps extends ParallelPlatformOptions {
  readonly legacy: LegacySystem;
  readonly target: PlatformTarget;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** The defaults of {@link PlatformService}, as documented there. */
export const PLATFORM_SERVICE_DEFAULTS = {
  env: {},
  healthPath: "/health",
  writablePaths: [],
  cpuMillis: 500,
  memoryMb: 512,
  preStopSleepSeconds: 10,
  bridgeToLegacy: false,
  public: false,
  entry: false,
  runAsUser: DEFAULT_RUN_AS_USER,
} as const satisfies Partial<PlatformService>;

/** The defaults of {@link RouterSpec}, as documented there. */
export const ROUTER_SPEC_DEFAULTS = { weightPercent: 0, image: DEFAULT_ROUTER_IMAGE, runAsUser: ROUTER_RUN_AS_USER } as const satisfies Partial<RouterSpec>;

/** The fixed pod count of a service or the router that sets neither `replicas` nor `autoscaling`. */
export const DEFAULT_FIXED_REPLICAS = 2;

/** The defaults of {@link LegacySystem}, as documented there. */
export const LEGACY_DEFAULTS = { healthPath: "/health", verifyTls: true, trustedCertificate: DEFAULT_TRUSTED_CERTIFICATE } as const satisfies Partial<LegacySystem>;

/** The defaults of {@link ParallelPlatformOptions}, as documented there. */
export const PARALLEL_PLATFORM_DEFAULTS = { namespace: "new-platform" } as const satisfies Partial<ParallelPlatformOptions>;
export const PORT_DEFAULTS = { avoid: [9090] } as const satisfies Partial<PortOptions>;
